/**
 * Where a trigger's result goes when the channel is out of reach: the form's DM fallback (no
 * response_url, bot not in the conversation), the postEphemeral → DM fallback for notices, and the
 * trigger whose outcome reaches nobody in Slack (then it is in the log and the audit record).
 * Signed requests into the real app, the fake Slack Web API, the fake EnOS and a SQLite store.
 */
import { MODAL_ACTION, TRIGGER_MODAL_CALLBACK } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import { changeForm, currentForm, type FormFill, formState } from '../helpers/modal-requests';
import {
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { ALICE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const OPS_CHANNEL = 'C0OPS0001';
const posts = () => t.slack.callsOf('chat.postMessage');
const triggers = () => t.enos.requestsOf('flows.updateAndTrigger');

/** Opens the form as Alice and chooses flow 3377. */
async function openFormWithFlow(): Promise<void> {
  const res = await t.command('', { user_id: ALICE.slackUserId });
  expect(res.status).toBe(200);
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
}

/**
 * Submits the form as Slack does when it sends no response_url for the conversation (the select's
 * response_urls can be empty): the app can then only reach the caller through the Web API.
 */
async function submitWithoutResponseUrl(fill: FormFill): Promise<void> {
  const view = currentForm(t);
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    viewSubmissionPayload({
      user_id: ALICE.slackUserId,
      callback_id: String(view.view.callback_id ?? TRIGGER_MODAL_CALLBACK),
      values: formState(view, fill),
      private_metadata: String(view.view.private_metadata ?? ''),
      view_id: view.id,
      hash: view.hash,
      response_urls: [],
    }),
  );
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
  await t.settle();
}

describe('the form, where the bot is not in the conversation and Slack gave no response_url', () => {
  it('opens a DM from the app with how to invite the bot, and replies in that DM’s thread', async () => {
    t = await startTestApp();
    t.slack.setBotNotInChannel(OPS_CHANNEL);
    await openFormWithFlow();
    await submitWithoutResponseUrl({ flow: { id: 3377 }, conversation: OPS_CHANNEL });

    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.body).toEqual({ flowId: 3377, triggerTime: expect.any(Number), parameters: [] });
    expect(triggers()[0]!.query).toMatchObject({ userId: ALICE.userId, orgId: ALICE.orgId });
    const instanceId = t.enos.triggers[0]!.instanceId!;

    const [refused, intro, reply, ...rest] = posts();
    expect(rest).toEqual([]);
    // The attempt in the conversation, refused by Slack.
    expect(refused!.args.channel).toBe(OPS_CHANNEL);
    // Then a DM (a post to the user's id), which holds the thread.
    expect(intro!.args.channel).toBe(ALICE.slackUserId);
    expect(intro!.args.thread_ts).toBeUndefined();
    expect(textOf(intro)).toContain('/invite @flow-trigger');
    expect(textOf(intro)).toContain('is triggering flow *3377*');
    const dm = t.slack.messages.find((m) => m.channel === ALICE.slackUserId && m.thread_ts === undefined);
    expect(reply!.args).toMatchObject({ channel: ALICE.slackUserId, thread_ts: dm!.ts });
    expect(textOf(reply)).toContain(instanceId);
    expect(t.slack.callsOf('chat.postEphemeral')).toEqual([]);

    const [record] = await t.store.audit.listRecent(DEFAULT_TEAM_ID, {
      slackUserId: ALICE.slackUserId,
      limit: 5,
    });
    expect(record).toMatchObject({ source: 'modal', outcome: 'triggered', instanceId, flowId: 3377 });
  });
});

describe('a private notice without a response_url', () => {
  it('falls back from postEphemeral to a DM when Slack refuses the ephemeral message', async () => {
    t = await startTestApp();
    const fill: FormFill = { flow: { id: 3377 }, parameters: { REPLACE: 'ddee' }, conversation: OPS_CHANNEL };
    await openFormWithFlow();
    await submitWithoutResponseUrl(fill);
    expect(triggers()).toHaveLength(1);
    const parent = posts().find((c) => c.args.channel === OPS_CHANNEL && c.args.thread_ts === undefined);
    expect(parent).toBeDefined();

    // The same request again: the duplicate guard tells Alice privately. The ephemeral message
    // needs the bot in the conversation too; Slack says it was removed meanwhile.
    t.slack.failNext('chat.postEphemeral', { error: 'not_in_channel' });
    await openFormWithFlow();
    await submitWithoutResponseUrl(fill);

    expect(triggers()).toHaveLength(1);
    const [ephemeral] = t.slack.callsOf('chat.postEphemeral');
    expect(ephemeral!.args).toMatchObject({ channel: OPS_CHANNEL, user: ALICE.slackUserId });
    const dms = posts().filter((c: RecordedCall) => c.args.channel === ALICE.slackUserId);
    expect(dms).toHaveLength(1);
    expect(textOf(dms[0])).toContain('already triggered flow *3377*');
    expect(textOf(dms[0])).toEqual(textOf(ephemeral));
    expect(t.logs.some((l) => l.includes('ephemeral message failed; sending a DM instead'))).toBe(true);
  });
});

describe('an outcome that reaches nobody in Slack', () => {
  it('is logged with the instance id and kept in the audit record; EnOS was called once', async () => {
    t = await startTestApp();
    // The parent message is posted; then the channel is archived, so the thread reply fails, and
    // the command's response_url no longer answers.
    t.slack.handle('chat.postMessage', (args) =>
      args.thread_ts === undefined
        ? { channel: String(args.channel), ts: '1764234000.000100' }
        : { ok: false, error: 'is_archived' },
    );
    t.slack.failNext('response_url', { status: 404, body: 'expired_url' });
    const res = await t.command('3377 REPLACE=ddee');
    expect(res.status).toBe(200);
    await t.settle();

    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: expect.any(Number),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    const instanceId = t.enos.triggers[0]!.instanceId!;
    expect(posts().map((c) => [c.args.channel, c.args.thread_ts])).toEqual([
      [DEFAULT_CHANNEL_ID, undefined],
      [DEFAULT_CHANNEL_ID, '1764234000.000100'],
    ]);
    expect(t.slack.responsesOf(res.responseUrlId)).toHaveLength(1);

    const nobody = t.logs
      .map((l) => JSON.parse(l) as { msg: string; instanceId?: string; result?: string; level: number })
      .find((l) => l.msg === 'the outcome of a trigger reached nobody in Slack; it is in the audit record');
    expect(nobody).toMatchObject({ instanceId, result: 'triggered', level: 50 });

    const [record] = await t.store.audit.listRecent(DEFAULT_TEAM_ID, {
      slackUserId: ALICE.slackUserId,
      limit: 5,
    });
    expect(record).toMatchObject({
      source: 'command',
      outcome: 'triggered',
      instanceId,
      flowId: 3377,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
  });
});

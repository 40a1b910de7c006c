/**
 * The buttons on a run's thread reply (Cancel run, Run again, Edit and run) and the commands that
 * read runs (`status`, `history`). Every button acts as whoever clicks it, from their own link.
 */
import { RUN_ACTION } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import { blocksOf, currentForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import {
  ALICE,
  CAROL,
  DAVE,
  NOW,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const replies = () => t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
const parents = () => t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
const privately = (id: string) =>
  t.slack.responsesOf(id).map((r) => textOf({ args: r.body as Record<string, unknown> }));

/** Alice triggers flow 3377 now; the thread reply carries the buttons. */
async function aliceTriggers(
  text = '3377 REPLACE=ddee',
): Promise<{ instanceId: string; reply: RecordedCall }> {
  await t.command(text);
  const instanceId = t.enos.triggers.at(-1)!.instanceId!;
  return { instanceId, reply: replies().at(-1)! };
}

let clicks = 0;
/** Clicks a run button of `reply` as `user`; the answer to the clicker goes to the returned response URL id. */
async function click(actionId: string, reply: RecordedCall, user: string): Promise<string> {
  const responseUrlId = `click-${++clicks}`;
  const value = (
    reply.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
  )
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === actionId)?.value;
  if (value === undefined) throw new Error(`no ${actionId} button on the reply`);
  const message = t.slack.messages.find((m) => m.thread_ts !== undefined && m.channel === reply.args.channel);
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value, block_id: 'run_actions' }],
      channel_id: DEFAULT_CHANNEL_ID,
      message_ts: message?.ts,
      thread_ts: String(reply.args.thread_ts),
      response_url: t.slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  await t.settle();
  return responseUrlId;
}

describe('Cancel run', () => {
  it('cancels the run for its caller, as the caller, says so in the thread and finishes the watch', async () => {
    t = await startTestApp();
    const { instanceId, reply } = await aliceTriggers();
    const button = (
      reply.args.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>
    ).find((b) => b.type === 'actions')!.elements![0]!;
    // Slack asks for confirmation before it sends the click.
    expect(button).toMatchObject({ action_id: RUN_ACTION.cancel, value: 'attempt-1', style: 'danger' });
    expect(button.confirm).toMatchObject({ title: { text: 'Cancel this run?' } });

    await click(RUN_ACTION.cancel, reply, ALICE.slackUserId);

    const cancels = t.enos.requestsOf('flowInstances.cancel');
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.query).toEqual({ action: 'cancel', userId: ALICE.userId, orgId: ALICE.orgId });
    expect(cancels[0]!.body).toEqual({ flowInstId: instanceId });
    expect(cancels[0]!.signatureValid).toBe(true);
    expect(t.enos.instance(instanceId)?.status).toBe(8);
    // Asked before cancelling: a finished run is not cancelled.
    expect(t.enos.requestsOf('flowInstances.get').length).toBeGreaterThanOrEqual(1);

    // The thread is told who cancelled, the reply shows it at once, and the caller is notified.
    const texts = replies().map((r) => textOf(r));
    expect(texts).toContain(
      `:no_entry_sign: <@${ALICE.slackUserId}> cancelled run \`${instanceId}\` of flow *3377* · daily load.`,
    );
    expect(texts.at(-1)).toBe(
      `<@${ALICE.slackUserId}> :no_entry_sign: Flow *3377* · daily load was cancelled (instance \`${instanceId}\`).`,
    );
    const update = t.slack.callsOf('chat.update').at(-1)!;
    expect(textOf(update)).toContain(':no_entry_sign: *Cancelled*');
    expect(JSON.stringify(update.args.blocks)).not.toContain(RUN_ACTION.cancel);
    expect(await t.store.watches.get(instanceId)).toBeUndefined();
  });

  it('refuses someone who is neither the caller nor an owner, and cancels nothing', async () => {
    t = await startTestApp();
    const { instanceId, reply } = await aliceTriggers();
    const answer = await click(RUN_ACTION.cancel, reply, CAROL.slackUserId);

    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);
    expect(t.enos.instance(instanceId)?.status).toBe(0);
    // Ownership was checked as Carol, with her own EnOS user.
    expect(t.enos.requestsOf('flows.get').at(-1)!.query).toMatchObject({ userId: CAROL.userId });
    expect(privately(answer)).toMatchInlineSnapshot(`
[
  ":no_entry: Only <@U0ALICE01>, who triggered this run, or an owner of flow *3377* · daily load (\`alice\`, \`bob\`) can cancel it. Your EnOS user \`carol\` is neither. Nothing was cancelled.",
]
`);
    expect(t.slack.responsesOf(answer)[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(replies()).toHaveLength(1);
    expect(await t.store.watches.get(instanceId)).toBeDefined();
  });

  it('lets an owner of the flow cancel someone else’s run', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.owner = 'alice;carol';
    const { reply } = await aliceTriggers();
    await click(RUN_ACTION.cancel, reply, CAROL.slackUserId);
    // EnOS decides whether Carol may cancel Alice's instance; the fake lets only its owner do it.
    expect(t.enos.requestsOf('flowInstances.cancel')[0]!.query).toMatchObject({ userId: CAROL.userId });
  });

  it('says a finished run cannot be cancelled any more', async () => {
    t = await startTestApp();
    const { instanceId, reply } = await aliceTriggers();
    t.enos.setInstanceStatus(instanceId, 1);
    const answer = await click(RUN_ACTION.cancel, reply, ALICE.slackUserId);
    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);
    expect(privately(answer)).toEqual([
      `:information_source: Run \`${instanceId}\` of flow *3377* · daily load has already finished (SUCCESS), so there is nothing to cancel.`,
    ]);
  });

  it('tells an unlinked clicker how to get linked', async () => {
    t = await startTestApp();
    const { reply } = await aliceTriggers();
    const answer = await click(RUN_ACTION.cancel, reply, DAVE.slackUserId);
    expect(privately(answer)[0]).toContain('not linked to an EnOS user');
    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);
  });
});

describe('Run again', () => {
  it('triggers the same flow and parameters now, through the trigger use case, as the clicker', async () => {
    t = await startTestApp();
    const { reply } = await aliceTriggers('3377 at 14:00 REPLACE=ddee');
    // EnOS refuses the same flow twice within a minute; an engineer clicks later than that.
    t.clock.advance(5 * 60_000);
    await click(RUN_ACTION.again, reply, ALICE.slackUserId);

    const triggers = t.enos.requestsOf('flows.updateAndTrigger');
    expect(triggers).toHaveLength(2);
    expect(triggers[1]!.query).toMatchObject({ userId: ALICE.userId, orgId: ALICE.orgId });
    expect(triggers[1]!.body).toEqual({
      flowId: 3377,
      triggerTime: NOW + 5 * 60_000,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    // A new parent message and thread, like any trigger, and a new watch.
    expect(parents()).toHaveLength(2);
    expect(textOf(parents()[1])).toContain(
      `<@${ALICE.slackUserId}> is triggering flow *3377* · daily load now`,
    );
    const record = await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-2');
    expect(record).toMatchObject({
      source: 'button',
      outcome: 'triggered',
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    expect(await t.store.watches.get(record!.instanceId!)).toBeDefined();
  });

  it('runs as whoever clicks: their link, their ownership check', async () => {
    t = await startTestApp();
    const { reply } = await aliceTriggers();
    t.clock.advance(5 * 60_000);
    await click(RUN_ACTION.again, reply, CAROL.slackUserId);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(textOf(replies().at(-1))).toContain('Your EnOS user `carol` is not an owner of flow *3377*');
    expect(await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-2')).toMatchObject({
      slackUserId: CAROL.slackUserId,
      source: 'button',
      outcome: 'refused',
    });
  });
});

describe('Edit and run', () => {
  it('opens the form with the flow chosen and the run’s parameters, and submitting it triggers', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.parameters = [{ key: 'REPLACE', value: 'orig' }];
    const { reply } = await aliceTriggers('3377 REPLACE="a b" DAY=${cal_dt}');
    await click(RUN_ACTION.edit, reply, ALICE.slackUserId);

    // views.open first (the trigger_id lives 3 s), then the form.
    expect(t.slack.callsOf('views.open')).toHaveLength(1);
    const form = currentForm(t);
    const flow = blocksOf(form).find((b) => b.block_id === 'flow')!;
    expect(flow.element?.initial_option).toMatchObject({
      text: { text: '3377 · daily load' },
      value: '3377',
    });
    const extra = blocksOf(form).find((b) => b.block_id === 'extra_parameters')!;
    expect(extra.element?.initial_value).toBe('REPLACE=a b\nDAY=${cal_dt}');

    // The engineer edits one value and submits: the form's own submission, as Alice.
    t.clock.advance(5 * 60_000);
    const edited = String(extra.element?.initial_value).replace('a b', 'c d');
    await submitForm(t, { extra: edited, conversation: DEFAULT_CHANNEL_ID });
    const triggers = t.enos.requestsOf('flows.updateAndTrigger');
    expect(triggers).toHaveLength(2);
    expect((triggers[1]!.body as { parameters: unknown }).parameters).toEqual([
      { key: 'REPLACE', value: 'c d' },
      { key: 'DAY', value: '${cal_dt}' },
    ]);
    expect(await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-2')).toMatchObject({
      source: 'modal',
      outcome: 'triggered',
    });
  });
});

describe('/flow-trigger status and history', () => {
  it('status answers privately with the run as EnOS reports it now', async () => {
    t = await startTestApp();
    const { instanceId } = await aliceTriggers();
    t.enos.setInstanceStatus(instanceId, 2);
    const res = await t.command(`status ${instanceId}`, { user_id: CAROL.slackUserId });
    expect(t.enos.requestsOf('flowInstances.get').at(-1)!.query).toEqual({
      action: 'get',
      flowInstId: instanceId,
      userId: CAROL.userId,
      orgId: CAROL.orgId,
    });
    expect(t.slack.responsesOf(res.responseUrlId)[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(privately(res.responseUrlId)).toMatchInlineSnapshot(`
[
  "Flow *3377* · daily load, instance \`3377-20261127090000\`
:arrows_counterclockwise: *Running* since <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC>.
Started <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC>",
]
`);
  });

  it('status explains an instance EnOS does not know', async () => {
    t = await startTestApp();
    const res = await t.command('status 3377-20200101000000');
    expect(privately(res.responseUrlId)[0]).toContain(
      ':grey_question: EnOS knows no run `3377-20200101000000` that your EnOS user `alice` can see.',
    );
  });

  it('history lists the last attempts from the audit records, newest first, privately', async () => {
    t = await startTestApp();
    t.enos.addFlow({ flowId: 4000, flowName: 'nightly', owner: 'alice' });
    const { instanceId } = await aliceTriggers();
    t.clock.advance(60_000);
    await t.command('4000', { user_id: CAROL.slackUserId });
    t.clock.advance(60_000);
    t.enos.setInstanceStatus(instanceId, 1);
    await t.tick();

    const all = await t.command('history');
    expect(t.slack.responsesOf(all.responseUrlId)[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(privately(all.responseUrlId)).toMatchInlineSnapshot(`
[
  ":scroll: *The last 2 trigger attempts*, newest first
:no_entry: *Refused* (not-owner) · flow *4000* · nightly by <@U0CAROL01> · <!date^1795770060^{date_short_pretty} at {time}|2026-11-27 09:01 UTC>
<https://fake-team.slack.com/archives/C0FAKE001/p1764250000000300|thread>
:large_green_circle: *Succeeded* · flow *3377* · daily load by <@U0ALICE01> · <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC>
instance \`3377-20261127090000\` · <https://fake-team.slack.com/archives/C0FAKE001/p1764250000000100|thread>
Statuses are as the run watcher last recorded them; \`/flow-trigger status <instanceId>\` asks EnOS now.",
]
`);
    const one = await t.command('history 3377');
    expect(privately(one.responseUrlId)[0]).toContain('*The last trigger attempt of flow *3377**');
    expect(privately(one.responseUrlId)[0]).not.toContain('nightly');
  });
});

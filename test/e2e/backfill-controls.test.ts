/**
 * The control buttons of a backfill's progress reply, clicked in the real app: who may (the starter,
 * a linked owner of the flow), what the clicker is told privately, and the control left waiting in
 * the store for the engine (a click never writes the backfill itself).
 */
import type { types } from '@slack/bolt';
import type { BackfillRecord } from '../../src/core/backfill';
import { BACKFILL_ACTION } from '../../src/slack/ids';
import { backfillControlBlocks } from '../../src/slack/ui/backfill-controls';
import { backfillRecord } from '../helpers/backfill-record';
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

/** Alice's backfill of flow 3377 (owners alice and bob), running its second date. */
function alicesBackfill(overrides: Partial<BackfillRecord> = {}): BackfillRecord {
  return backfillRecord(['done', 'running', 'pending'], {
    id: 'bf-alice-1',
    teamId: DEFAULT_TEAM_ID,
    slackUserId: ALICE.slackUserId,
    identity: { userId: ALICE.userId, orgId: ALICE.orgId, userName: ALICE.userName },
    flowName: 'daily load',
    owners: ['alice', 'bob'],
    channelId: DEFAULT_CHANNEL_ID,
    createdAt: NOW - 600_000,
    updatedAt: NOW - 60_000,
    nextAt: NOW + 30_000,
    ...overrides,
  });
}

let clicks = 0;
/** Clicks a control of the record's progress reply (its buttons as built for it) as `user`. */
async function click(
  record: BackfillRecord,
  actionId: string,
  user: string,
  redelivery?: { triggerId: string; responseUrlId: string },
): Promise<string> {
  const responseUrlId = redelivery?.responseUrlId ?? `click-${++clicks}`;
  const actions = backfillControlBlocks(record)[0] as types.ActionsBlock | undefined;
  const button = actions?.elements.find((e) => 'action_id' in e && e.action_id === actionId) as
    | types.Button
    | undefined;
  if (!button) throw new Error(`no ${actionId} button for a ${record.status} backfill`);
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value: button.value, block_id: actions?.block_id }],
      channel_id: DEFAULT_CHANNEL_ID,
      message_ts: record.progress?.ts,
      thread_ts: record.threadTs,
      response_url: t.slack.responseUrl(responseUrlId),
      ...(redelivery ? { trigger_id: redelivery.triggerId } : {}),
    }),
  );
  expect(res.status).toBe(200);
  await t.settle();
  return responseUrlId;
}

function told(responseUrlId: string): string {
  const responses = t.slack.responsesOf(responseUrlId);
  expect(responses).toHaveLength(1);
  const body = responses[0]!.body as Record<string, unknown>;
  // Privately, and beside the progress reply rather than over it.
  expect(body.response_type).toBe('ephemeral');
  expect(body.replace_original).toBe(false);
  return textOf({ args: body });
}

describe('a backfill control click', () => {
  it('from the starter: told privately, and the engine (kicked) applies it at once under the lease', async () => {
    t = await startTestApp();
    // Between two runs: the engine has nothing to ask EnOS.
    const record = alicesBackfill({
      runs: alicesBackfill().runs.map((run, i) => (i === 1 ? { ...run, state: 'done' } : run)),
    });
    await t.store.backfills.put(record);
    const said = told(await click(record, BACKFILL_ACTION.pause, ALICE.slackUserId));
    expect(said).toBe(
      ':hourglass_flowing_sand: Pausing the backfill of flow *3377* · daily load: the progress reply in its thread ' +
        'shows it once it is applied.',
    );
    const paused = await t.store.backfills.get(DEFAULT_TEAM_ID, record.id);
    expect(paused).toMatchObject({
      status: 'paused',
      runs: record.runs,
      lastControl: { control: 'pause', slackUserId: ALICE.slackUserId, at: NOW },
    });
    expect(await t.store.backfills.takeControl(DEFAULT_TEAM_ID, record.id)).toBeUndefined();
    // The progress reply now offers Resume; nothing was posted, nothing asked of EnOS.
    const edit = t.slack.callsOf('chat.update').at(-1);
    expect(edit?.args).toMatchObject({ channel: record.progress?.channelId, ts: record.progress?.ts });
    expect(JSON.stringify(edit?.args.blocks)).toContain(BACKFILL_ACTION.resume);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
    expect(t.enos.requests).toHaveLength(0);
  });

  it('from a linked owner of the flow who did not start it: accepted and applied', async () => {
    t = await startTestApp();
    const record = alicesBackfill({ slackUserId: CAROL.slackUserId, status: 'paused' });
    record.runs[1] = { ...record.runs[1]!, state: 'done' };
    await t.store.backfills.put(record);
    const said = told(await click(record, BACKFILL_ACTION.cancelRemaining, ALICE.slackUserId));
    expect(said).toContain('Cancelling the remaining runs of the backfill of flow *3377*');
    const cancelled = await t.store.backfills.get(DEFAULT_TEAM_ID, record.id);
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.runs.map((run) => run.state)).toEqual(['done', 'done', 'cancelled']);
    expect(cancelled?.lastControl).toMatchObject({
      control: 'cancel-remaining',
      slackUserId: ALICE.slackUserId,
    });
    // The end is told once in the thread, mentioning whoever started it.
    const end = t.slack.callsOf('chat.postMessage');
    expect(end).toHaveLength(1);
    expect(end[0]!.args.thread_ts).toBe(record.threadTs);
    expect(textOf(end[0])).toContain(`<@${CAROL.slackUserId}>`);
  });

  it('from a linked user who is neither the starter nor an owner: refused privately, saying who may', async () => {
    t = await startTestApp();
    const record = alicesBackfill();
    await t.store.backfills.put(record);
    const said = told(await click(record, BACKFILL_ACTION.cancelAll, CAROL.slackUserId));
    expect(said).toBe(
      `:no_entry: Only <@${ALICE.slackUserId}>, who started the backfill of flow *3377* · daily load, or an owner ` +
        'of the flow (`alice`, `bob`) can control it. Your EnOS user `carol` is not one of them. Nothing was changed.',
    );
    expect(await t.store.backfills.takeControl(DEFAULT_TEAM_ID, record.id)).toBeUndefined();
  });

  it('from someone not linked: refused, saying they are not linked', async () => {
    t = await startTestApp();
    const record = alicesBackfill();
    await t.store.backfills.put(record);
    const said = told(await click(record, BACKFILL_ACTION.pause, DAVE.slackUserId));
    expect(said).toContain(`Only <@${ALICE.slackUserId}>, who started`);
    expect(said).toContain('You are not linked to an EnOS user');
    expect(await t.store.backfills.takeControl(DEFAULT_TEAM_ID, record.id)).toBeUndefined();
  });

  it('while another control waits (asked on another replica, not applied yet): says whose, asks nothing more', async () => {
    t = await startTestApp();
    const record = alicesBackfill();
    await t.store.backfills.put(record);
    await t.store.backfills.requestControl(DEFAULT_TEAM_ID, record.id, {
      control: 'pause',
      slackUserId: ALICE.slackUserId,
      at: NOW - 1_000,
    });
    const said = told(await click(record, BACKFILL_ACTION.cancelAll, ALICE.slackUserId));
    expect(said).toContain(`<@${ALICE.slackUserId}> asked to pause the backfill of flow *3377*`);
    expect(said).toContain('it is being applied: nothing else was asked');
    expect(await t.store.backfills.takeControl(DEFAULT_TEAM_ID, record.id)).toMatchObject({
      control: 'pause',
    });
    expect(await t.store.backfills.get(DEFAULT_TEAM_ID, record.id)).toEqual(record);
  });

  it('a stale button (the backfill moved on): told why, nothing asked', async () => {
    t = await startTestApp();
    const shown = alicesBackfill({ status: 'paused' });
    // The reply still shows Resume, but the backfill has been resumed since.
    await t.store.backfills.put({ ...shown, status: 'running' });
    const said = told(await click(shown, BACKFILL_ACTION.resume, ALICE.slackUserId));
    expect(said).toBe(
      ':information_source: This backfill is already running. (the backfill of flow *3377* · daily load)',
    );
    expect(await t.store.backfills.takeControl(DEFAULT_TEAM_ID, shown.id)).toBeUndefined();

    const ended = alicesBackfill({ id: 'bf-alice-2' });
    await t.store.backfills.put({
      ...ended,
      status: 'finished',
      runs: ended.runs.map((r) => ({ ...r, state: 'done' })),
    });
    expect(told(await click(ended, BACKFILL_ACTION.pause, ALICE.slackUserId))).toContain(
      'This backfill has finished: nothing is left to control.',
    );
  });

  it('delivered twice (Socket Mode redelivers): answered and asked for once', async () => {
    t = await startTestApp();
    const record = alicesBackfill({ status: 'paused' });
    record.runs[1] = { ...record.runs[1]!, state: 'done' };
    await t.store.backfills.put(record);
    const once = { triggerId: '1111111111.2222222222.abcdef', responseUrlId: 'twice' };
    await click(record, BACKFILL_ACTION.resume, ALICE.slackUserId, once);
    await click(record, BACKFILL_ACTION.resume, ALICE.slackUserId, once);
    expect(told('twice')).toContain('Resuming the backfill of flow *3377*');
    expect((await t.store.backfills.get(DEFAULT_TEAM_ID, record.id))?.lastControl).toMatchObject({
      control: 'resume',
    });
  });

  it('of a backfill not in the store (or of another team): says it has no record of it', async () => {
    t = await startTestApp();
    const record = alicesBackfill();
    await t.store.backfills.put({ ...record, teamId: 'T0OTHER01' });
    const said = told(await click(record, BACKFILL_ACTION.pause, ALICE.slackUserId));
    expect(said).toContain('I have no record of this backfill any more');
    expect(await t.store.backfills.takeControl('T0OTHER01', record.id)).toBeUndefined();
  });
});

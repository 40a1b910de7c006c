/**
 * A backfill end to end (docs/product.md, "Backfill"): the preview's Start button, then one run at
 * a time through the trigger path, watched, reported only in the backfill's thread, spaced by the
 * previous run's end and its answer + 61 s on the injected clock, and one end message.
 */
import { BACKFILL_START_ACTION } from '../../src/slack/ids';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import { ALICE, CAROL, NOW, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

type Block = {
  type: string;
  elements?: Array<{ action_id: string; value: string; text?: { text: string } }>;
};

/** Runs the backfill command as `user`; returns the Start button of its private preview. */
async function preview(text: string, user = ALICE.slackUserId) {
  const res = await t.command(`backfill ${text}`, { user_id: user });
  const [answer] = t.slack.responsesOf(res.responseUrlId).map((r) => r.body as { blocks: Block[] });
  const button = answer?.blocks
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === BACKFILL_START_ACTION);
  return { text: textOf({ args: answer as unknown as Record<string, unknown> }), button };
}

let clicks = 0;
/** Clicks Start as `user` (from the ephemeral preview, or from a modal: no channel, no response_url). */
async function clickStart(value: string, user = ALICE.slackUserId, from: 'message' | 'modal' = 'message') {
  const responseUrlId = `start-${++clicks}`;
  const payload = blockActionsPayload({
    user_id: user,
    actions: [{ action_id: BACKFILL_START_ACTION, value }],
    ...(from === 'message'
      ? { channel_id: DEFAULT_CHANNEL_ID, response_url: t.slack.responseUrl(responseUrlId) }
      : {}),
  });
  const res = await sendInteraction(t.baseUrl, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  await t.settle();
  // The engine's first step, kicked by Start, is over once a pass queued behind it is.
  await t.backfills.tick();
  return t.slack.responsesOf(responseUrlId).map((r) => textOf({ args: r.body as Record<string, unknown> }));
}

const triggers = () => t.enos.requestsOf('flows.updateAndTrigger');
const posts = () => t.slack.callsOf('chat.postMessage');
const progressEdits = () => t.slack.callsOf('chat.update');
const lastProgress = () => textOf(progressEdits().at(-1));
const DAY = 86_400_000;
/** The fake flow's cron: daily at 01:00 server time (UTC here); `${cal_dt}` is the trigger date minus one day. */
const triggerTimeOf = (businessDate: string) => Date.parse(`${businessDate}T01:00:00Z`) + DAY;

/** The watcher's poll of the running run (due 15 s after its trigger) after EnOS moved it to `status`. */
async function endRun(status: number) {
  const instanceId = t.enos.triggers.at(-1)!.instanceId!;
  t.enos.setInstanceStatus(instanceId, status);
  t.clock.advance(15_000);
  await t.tick();
  await t.backfills.tick();
}

describe('a backfill started from its preview', () => {
  it('runs its dates one at a time through the trigger path, 61 s apart and after each end, in its thread only', async () => {
    t = await startTestApp();
    const { text, button } = await preview('3377 2026-11-20 to 2026-11-22 REPLACE=ddee');
    expect(text).toContain('3 runs for business dates 2026-11-20 … 2026-11-22');
    expect(button?.text?.text).toBe('Start backfill (3 runs)');
    expect(triggers()).toEqual([]);

    const told = await clickStart(button!.value);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(':white_check_mark: Backfill started: 3 runs of flow *3377* · daily load');
    // The parent message and the progress reply: nothing else is posted for the runs.
    expect(posts()).toHaveLength(2);
    const [parent, reply] = posts();
    expect(parent!.args.channel).toBe(DEFAULT_CHANNEL_ID);
    expect(textOf(parent)).toBe(
      `:repeat: <@${ALICE.slackUserId}> started a backfill of flow *3377* · daily load: 3 runs for business dates ` +
        '`2026-11-20` … `2026-11-22`, oldest first, one at a time, stopping at the first failed run; ' +
        'parameters `REPLACE=ddee`. Progress in this thread.',
    );
    expect(reply!.args.thread_ts).toEqual(expect.any(String));
    expect(textOf(reply)).toContain('0/3 done · 0 running · 0 failed');

    // Run 1 at once, as Alice, with its exact trigger time and the parameters.
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.query).toEqual({
      action: 'updateAndTrigger',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-20'),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    const first = t.enos.triggers[0]!.instanceId!;
    expect(lastProgress()).toContain('0/3 done · 1 running (2026-11-20) · 0 failed');
    expect(lastProgress()).toContain(`\`2026-11-20\` · \`${first}\` · :arrow_forward: running`);

    // Its end is seen 15 s later: not 61 s since its answer yet, so nothing is triggered.
    await endRun(1);
    expect(lastProgress()).toContain('1/3 done · 0 running · 0 failed');
    expect(lastProgress()).toContain(`\`2026-11-20\` · \`${first}\` · :white_check_mark: done (\`SUCCESS\`)`);
    expect(triggers()).toHaveLength(1);
    t.clock.advance(45_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(1);
    t.clock.advance(1_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    expect(triggers()[1]!.body).toMatchObject({ triggerTime: triggerTimeOf('2026-11-21') });

    // Run 2 runs long: 61 s is not enough, its end is awaited; it is polled every 15 s, no backoff.
    const polls = () => t.enos.requestsOf('flowInstances.get').length;
    const before = polls();
    for (let i = 1; i <= 8; i += 1) {
      t.clock.advance(15_000);
      await t.tick();
      await t.backfills.tick();
      expect(polls()).toBe(before + i);
    }
    expect(triggers()).toHaveLength(2);
    await endRun(1);
    // Ended more than 61 s after its answer: the next one at once.
    expect(triggers()).toHaveLength(3);
    expect(triggers()[2]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-22'),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    await endRun(1);

    // One end message, in the thread, mentioning Alice; no other message was posted.
    expect(posts()).toHaveLength(3);
    const end = posts()[2]!;
    expect(end.args.thread_ts).toBe(reply!.args.thread_ts);
    expect(textOf(end)).toBe(
      `:checkered_flag: <@${ALICE.slackUserId}> the backfill of flow *3377* · daily load finished: 3/3 done · 0 running · 0 failed.`,
    );
    expect(lastProgress()).toContain('3/3 done');
    expect(lastProgress()).toContain(':checkered_flag: Finished.');
    // One edit per run state change (triggered, ended: 3 × 2), and one at the end.
    expect(progressEdits()).toHaveLength(7);
    expect(t.slack.callsOf('chat.postEphemeral')).toEqual([]);

    // The record, and the audit records of its runs (one per date, marked as backfill runs).
    const [record] = await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5);
    expect(record).toBeUndefined();
    const audit = await t.store.audit.listRecent(DEFAULT_TEAM_ID, {
      slackUserId: ALICE.slackUserId,
      limit: 10,
    });
    expect(audit.map((a) => [a.backfill?.businessDate, a.outcome, a.triggerTime])).toEqual(
      expect.arrayContaining([
        ['2026-11-20', 'triggered', triggerTimeOf('2026-11-20')],
        ['2026-11-21', 'triggered', triggerTimeOf('2026-11-21')],
        ['2026-11-22', 'triggered', triggerTimeOf('2026-11-22')],
      ]),
    );
    expect(audit).toHaveLength(3);
    // The flow is free again: a new backfill of it starts.
    const again = await preview('3377 2026-11-23');
    expect(await clickStart(again.button!.value)).toEqual([expect.stringContaining('Backfill started')]);
    expect(NOW).toBeLessThan(t.clock());
  });
});

/** Starts a backfill of `text` as Alice from its preview; returns nothing (the first run is triggered). */
async function start(text: string) {
  const { button } = await preview(text);
  expect(await clickStart(button!.value)).toEqual([expect.stringContaining('Backfill started')]);
}

/** Lets the 61 s since the last answer pass, then runs a pass. */
async function afterSpacing() {
  t.clock.advance(61_000);
  await t.backfills.tick();
}

describe('a failed run', () => {
  it('stops the backfill (stop at the first failure): the thread says so, the next dates wait', async () => {
    t = await startTestApp();
    await start('3377 2026-11-20 to 2026-11-22');
    await endRun(1);
    await afterSpacing();
    expect(triggers()).toHaveLength(2);
    const second = t.enos.triggers[1]!.instanceId!;
    await endRun(-1);
    expect(lastProgress()).toContain(':octagonal_sign: Stopped at a failed run.');
    expect(lastProgress()).toContain('1/3 done · 0 running · 1 failed');
    expect(lastProgress()).toContain(`\`2026-11-21\` · \`${second}\` · :x: failed (\`FAIL\`)`);
    const stopped = posts().at(-1)!;
    expect(stopped.args.thread_ts).toBe(posts()[1]!.args.thread_ts);
    expect(textOf(stopped)).toBe(
      `:octagonal_sign: <@${ALICE.slackUserId}> the backfill of flow *3377* · daily load stopped: the run for ` +
        'business date `2026-11-21` failed (it stops at the first failed run). The run ended in EnOS with FAIL. ' +
        'Retry that date or skip it with the buttons of the progress reply; 1 other date waits.',
    );
    // No more triggers, however long; the backfill stays active (Retry / Skip continue it).
    t.clock.advance(10 * 60_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    const [record] = await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5);
    expect(record?.status).toBe('stopped');
    expect(record?.runs.map((r) => [r.businessDate, r.state, r.attempts])).toEqual([
      ['2026-11-20', 'done', 1],
      ['2026-11-21', 'failed', 1],
      ['2026-11-22', 'pending', 0],
    ]);
    // The stop is the one message that mentions the caller: no other end message.
    expect(posts().filter((p) => textOf(p).includes(':checkered_flag:'))).toEqual([]);
    expect(posts()).toHaveLength(3);
  });

  it('goes on with keep going, and the end says a run failed', async () => {
    t = await startTestApp();
    await start('3377 2026-11-20 to 2026-11-22 keep going');
    await endRun(-1);
    await afterSpacing();
    expect(triggers()).toHaveLength(2);
    expect(lastProgress()).toContain('0/3 done · 1 running (2026-11-21) · 1 failed');
    await endRun(1);
    await afterSpacing();
    await endRun(1);
    const end = posts().at(-1)!;
    expect(textOf(end)).toBe(
      `:checkered_flag: <@${ALICE.slackUserId}> the backfill of flow *3377* · daily load finished, with failed runs: 2/3 done · 0 running · 1 failed.`,
    );
    expect(triggers()).toHaveLength(3);
  });

  it('a refused check fails the run with its words (Alice no longer an owner)', async () => {
    t = await startTestApp();
    await start('3377 2026-11-20 to 2026-11-21');
    await endRun(1);
    t.enos.flow(3377)!.owner = 'bob';
    await afterSpacing();
    expect(triggers()).toHaveLength(1);
    expect(lastProgress()).toContain('1/2 done · 0 running · 1 failed');
    expect(textOf(posts().at(-1))).toContain('is not an owner of flow *3377*');
  });

  it('EnOS’s 62102 “repeatedly in 1 minute” is a wait: the same date is sent again 61 s later', async () => {
    t = await startTestApp();
    await start('3377 2026-11-20 to 2026-11-21');
    await endRun(1);
    t.enos.failNext('flows.updateAndTrigger', {
      kind: 'enos-error',
      code: 62102,
      msg: 'Cannot create workflow instance, please do not trigger the same workflow repeatedly in 1 minute.',
    });
    await afterSpacing();
    expect(triggers()).toHaveLength(2);
    expect(lastProgress()).toContain('1/2 done · 0 running · 0 failed');
    t.clock.advance(60_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    await afterSpacing();
    expect(triggers()).toHaveLength(3);
    expect(triggers()[2]!.body).toMatchObject({ triggerTime: triggerTimeOf('2026-11-21') });
    expect(lastProgress()).toContain('1/2 done · 1 running (2026-11-21) · 0 failed');
    const [record] = await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5);
    expect(record?.runs[1]).toMatchObject({ state: 'running', attempts: 2 });
  });
});

describe('who may start, and one backfill per flow', () => {
  it('refuses Start to anyone but the previewer, and starts nothing', async () => {
    t = await startTestApp();
    const { button } = await preview('3377 2026-11-20');
    const told = await clickStart(button!.value, CAROL.slackUserId);
    expect(told).toEqual([
      expect.stringContaining(`:lock: This is <@${ALICE.slackUserId}>’s backfill preview`),
    ]);
    expect(triggers()).toEqual([]);
    expect(posts()).toEqual([]);
  });

  it('refuses a second backfill of the same flow, with a link to the first one’s thread', async () => {
    t = await startTestApp();
    await start('3377 2026-11-20 to 2026-11-21');
    const threadTs = posts()[0]!.args.thread_ts ?? posts()[1]!.args.thread_ts;
    const { button } = await preview('3377 2026-11-10');
    const told = await clickStart(button!.value);
    expect(told).toEqual([
      expect.stringContaining(':no_entry: Not started: flow *3377* already has a backfill in progress'),
    ]);
    expect(told[0]).toContain(`/archives/${DEFAULT_CHANNEL_ID}/p${String(threadTs).replace('.', '')}`);
    expect(triggers()).toHaveLength(1);
    expect(posts()).toHaveLength(2);
  });

  it('starts from the form’s modal (no channel, no response_url): the thread goes where the preview was asked', async () => {
    t = await startTestApp();
    const { button } = await preview('3377 2026-11-20');
    await clickStart(button!.value, ALICE.slackUserId, 'modal');
    expect(posts()[0]!.args.channel).toBe(DEFAULT_CHANNEL_ID);
    expect(triggers()).toHaveLength(1);
    // Told privately, in the conversation of the preview.
    const [ephemeral] = t.slack.callsOf('chat.postEphemeral');
    expect(ephemeral?.args).toMatchObject({ channel: DEFAULT_CHANNEL_ID, user: ALICE.slackUserId });
    expect(textOf(ephemeral)).toContain('Backfill started');
  });

  it('refuses privately, saying how to invite the bot, where it cannot post', async () => {
    t = await startTestApp();
    const { button } = await preview('3377 2026-11-20');
    t.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const told = await clickStart(button!.value);
    expect(told).toEqual([expect.stringContaining('/invite @flow-trigger')]);
    expect(triggers()).toEqual([]);
    // The flow was not kept: a new Start goes.
    const again = await preview('3377 2026-11-20');
    expect(await clickStart(again.button!.value)).toEqual([expect.stringContaining('Backfill started')]);
  });
});

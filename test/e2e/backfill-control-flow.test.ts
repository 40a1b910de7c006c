/**
 * The controls on a real backfill: started from its preview, steered with the buttons of its real
 * progress reply, applied by the engine, and seen in what EnOS receives and what the thread shows
 * (docs/product.md, "Backfill": Pause, Resume, Cancel all, Retry and Skip after a stop).
 */

import { BACKFILL_ACTION, BACKFILL_START_ACTION } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import { ALICE, CAROL, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

type Button = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; block_id?: string; elements?: Button[] };

const DAY = 86_400_000;
/** The fake flow's cron: daily at 01:00 server time (UTC); `${cal_dt}` is the trigger date minus one day. */
const triggerTimeOf = (businessDate: string) => Date.parse(`${businessDate}T01:00:00Z`) + DAY;
const triggers = () => t.enos.requestsOf('flows.updateAndTrigger');
const posts = () => t.slack.callsOf('chat.postMessage');

/** Alice previews and starts a backfill of flow 3377; returns its progress reply as posted. */
async function start(range: string): Promise<RecordedCall> {
  const res = await t.command(`backfill 3377 ${range}`);
  const [answer] = t.slack.responsesOf(res.responseUrlId).map((r) => r.body as { blocks: Block[] });
  const startButton = answer?.blocks
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === BACKFILL_START_ACTION);
  await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: ALICE.slackUserId,
      actions: [{ action_id: BACKFILL_START_ACTION, value: startButton!.value }],
      channel_id: DEFAULT_CHANNEL_ID,
      response_url: t.slack.responseUrl('start'),
    }),
  );
  await t.settle();
  await t.backfills.tick();
  const reply = posts().find((call) => call.args.thread_ts !== undefined);
  expect(reply).toBeDefined();
  return reply!;
}

/** The progress reply as it stands: its last edit, else as posted. */
function progress(reply: RecordedCall): RecordedCall {
  const ts = t.slack.messages.find((m) => m.thread_ts !== undefined && m.channel === reply.args.channel)?.ts;
  return (
    t.slack
      .callsOf('chat.update')
      .filter((c) => c.args.ts === ts)
      .at(-1) ?? reply
  );
}

/** The control buttons the progress reply shows now: `[action_id, text]`. */
function controls(reply: RecordedCall): string[][] {
  const blocks = progress(reply).args.blocks as Block[];
  return (blocks.find((b) => b.block_id === 'backfill_actions')?.elements ?? []).map((e) => [
    e.action_id,
    e.text.text,
  ]);
}

let clicks = 0;
/** Clicks a control of the progress reply as `user`; returns what the clicker was told privately. */
async function click(reply: RecordedCall, actionId: string, user = ALICE.slackUserId): Promise<string> {
  const blocks = progress(reply).args.blocks as Block[];
  const button = blocks
    .find((b) => b.block_id === 'backfill_actions')
    ?.elements?.find((e) => e.action_id === actionId);
  if (!button) throw new Error(`the progress reply shows no ${actionId}: ${JSON.stringify(controls(reply))}`);
  const responseUrlId = `control-${++clicks}`;
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value: button.value, block_id: 'backfill_actions' }],
      channel_id: DEFAULT_CHANNEL_ID,
      thread_ts: String(reply.args.thread_ts),
      response_url: t.slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  await t.settle();
  return t.slack
    .responsesOf(responseUrlId)
    .map((r) => textOf({ args: r.body as Record<string, unknown> }))
    .join('\n');
}

/** EnOS moves the running run to `status`; the watcher's poll sees it and hands it to the engine. */
async function endRun(status: number) {
  t.enos.setInstanceStatus(t.enos.triggers.at(-1)!.instanceId!, status);
  t.clock.advance(15_000);
  await t.tick();
  await t.backfills.tick();
}

async function theBackfill() {
  const [record] = await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5);
  return record;
}

describe('the controls of a running backfill', () => {
  it('Pause holds the next date, Resume starts it, Cancel all cancels the running run in EnOS as the starter', async () => {
    t = await startTestApp();
    const reply = await start('2026-11-20 to 2026-11-23');
    expect(triggers()).toHaveLength(1);
    expect(controls(reply)).toEqual([
      [BACKFILL_ACTION.pause, 'Pause'],
      [BACKFILL_ACTION.cancelRemaining, 'Cancel remaining'],
      [BACKFILL_ACTION.cancelAll, 'Cancel all'],
    ]);

    expect(await click(reply, BACKFILL_ACTION.pause)).toContain('Pausing the backfill of flow *3377*');
    expect((await theBackfill())?.status).toBe('paused');
    expect(textOf(progress(reply))).toContain(':double_vertical_bar: Paused.');
    expect(controls(reply).map(([id]) => id)).toEqual([
      BACKFILL_ACTION.resume,
      BACKFILL_ACTION.cancelRemaining,
      BACKFILL_ACTION.cancelAll,
    ]);

    // The running run finishes; no next date starts while paused, however long.
    await endRun(1);
    t.clock.advance(10 * 60_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(1);
    expect(textOf(progress(reply))).toContain('1/4 done · 0 running · 0 failed');

    expect(await click(reply, BACKFILL_ACTION.resume)).toContain('Resuming the backfill of flow *3377*');
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    expect(triggers()[1]!.body).toMatchObject({ flowId: 3377, triggerTime: triggerTimeOf('2026-11-21') });
    const second = t.enos.triggers[1]!.instanceId!;

    // Carol is neither the starter nor an owner: nothing happens.
    expect(await click(reply, BACKFILL_ACTION.cancelAll, CAROL.slackUserId)).toContain(
      'Your EnOS user `carol` is not one of them. Nothing was changed.',
    );
    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);

    expect(await click(reply, BACKFILL_ACTION.cancelAll)).toContain('Cancelling all runs');
    const cancels = t.enos.requestsOf('flowInstances.cancel');
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.query).toEqual({ action: 'cancel', userId: ALICE.userId, orgId: ALICE.orgId });
    expect(cancels[0]!.body).toEqual({ flowInstId: second });
    const cancelled = await t.store.backfills.get(
      DEFAULT_TEAM_ID,
      (await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5))[0]?.id ?? '',
    );
    expect(cancelled).toBeUndefined();
    // The watcher sees the run cancelled; no date is triggered again and the end is told once.
    t.clock.advance(15_000);
    await t.tick();
    await t.backfills.tick();
    t.clock.advance(5 * 60_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    const ends = posts().filter((call) => call.args.thread_ts !== undefined && call !== reply);
    expect(ends).toHaveLength(1);
    expect(textOf(ends[0])).toContain(`<@${ALICE.slackUserId}>`);
    expect(controls(reply)).toEqual([]);
    expect(textOf(progress(reply))).toMatch(/`2026-11-22` · :no_entry_sign: cancelled/);
    expect(textOf(progress(reply))).toMatch(/`2026-11-23` · :no_entry_sign: cancelled/);
  });
});

describe('Cancel remaining', () => {
  it('cancels the dates not run yet; the running run finishes in EnOS, is reported, then the end is told once', async () => {
    t = await startTestApp();
    const reply = await start('2026-11-20 to 2026-11-22');
    const first = t.enos.triggers[0]!.instanceId!;
    expect(await click(reply, BACKFILL_ACTION.cancelRemaining)).toContain('Cancelling the remaining runs');
    // Nothing is cancelled in EnOS, and no end yet: the run in progress goes on.
    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);
    expect(textOf(progress(reply))).toMatch(/`2026-11-21` · :no_entry_sign: cancelled/);
    expect(textOf(progress(reply))).toContain(`\`2026-11-20\` · \`${first}\` · :arrow_forward: running`);
    expect(controls(reply)).toEqual([]);
    const thread = () => posts().filter((call) => call.args.thread_ts !== undefined && call !== reply);
    expect(thread()).toHaveLength(0);

    await endRun(1);
    expect(textOf(progress(reply))).toContain(`\`2026-11-20\` · \`${first}\` · :white_check_mark: done`);
    t.clock.advance(5 * 60_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(1);
    expect(thread()).toHaveLength(1);
    expect(textOf(thread()[0])).toContain(`<@${ALICE.slackUserId}>`);
  });
});

describe('after a stop at a failed date', () => {
  it('Retry runs that date again (same trigger time, a new attempt); Skip goes on with the next date', async () => {
    t = await startTestApp();
    const reply = await start('2026-11-20 to 2026-11-22');
    await endRun(-1);
    expect((await theBackfill())?.status).toBe('stopped');
    expect(controls(reply)).toEqual([
      [BACKFILL_ACTION.retry, 'Retry 2026-11-20 and continue'],
      [BACKFILL_ACTION.skip, 'Skip 2026-11-20 and continue'],
      [BACKFILL_ACTION.cancelRemaining, 'Cancel remaining'],
    ]);

    // Clicked 15 s after the failed attempt's answer: the new attempt waits for 61 s after it.
    expect(await click(reply, BACKFILL_ACTION.retry)).toContain('Retrying the failed date');
    await t.backfills.tick();
    expect(triggers()).toHaveLength(1);
    t.clock.advance(45_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(1);
    t.clock.advance(1_000);
    await t.backfills.tick();
    expect(triggers()).toHaveLength(2);
    expect(triggers()[1]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-20'),
      parameters: [],
    });
    const record = await theBackfill();
    expect(record?.runs[0]).toMatchObject({ businessDate: '2026-11-20', state: 'running', attempts: 2 });

    // It fails again: this time skip it.
    await endRun(-1);
    expect(controls(reply)[1]).toEqual([BACKFILL_ACTION.skip, 'Skip 2026-11-20 and continue']);
    t.clock.advance(61_000);
    expect(await click(reply, BACKFILL_ACTION.skip)).toContain('Skipping the failed date');
    await t.backfills.tick();
    expect(triggers()).toHaveLength(3);
    expect(triggers()[2]!.body).toMatchObject({ triggerTime: triggerTimeOf('2026-11-21') });
    expect(textOf(progress(reply))).toContain('1/3 done · 1 running (2026-11-21) · 0 failed');
    expect(textOf(progress(reply))).toContain('`2026-11-20`');
    expect(textOf(progress(reply))).toContain(':fast_forward: skipped');

    // history shows both attempts at 2026-11-20 as backfill runs.
    const history = await t.command('history');
    const said = textOf({
      args: t.slack.responsesOf(history.responseUrlId)[0]!.body as Record<string, unknown>,
    });
    expect(said.match(/backfill `2026-11-20`/g)).toHaveLength(2);
    expect(said.match(/backfill `2026-11-21`/g)).toHaveLength(1);
  });
});

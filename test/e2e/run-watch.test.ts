/**
 * After the trigger: the run watcher follows the flow instance with Get Flow Instance until it
 * finishes, keeps the thread reply current (chat.update), and posts one final thread message.
 * Time is the test clock; the watcher runs a pass when the test calls `tick()`, never on a timer.
 */
import type { RecordedCall } from '../fakes/fake-slack-api';
import { DEFAULT_CHANNEL_ID, DEFAULT_TEAM_ID } from '../helpers/slack-requests';
import { ALICE, NOW, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Every mrkdwn text of a message's blocks, joined: what the user reads. */
/** The labels of a message's buttons. */
function buttonsOf(call: RecordedCall | undefined): string[] {
  const blocks = (call?.args.blocks ?? []) as Array<{
    type: string;
    elements?: Array<{ text?: { text: string } }>;
  }>;
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text?.text ?? ''));
}

const replies = () => t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
const updates = () => t.slack.callsOf('chat.update');
/**
 * Get Flow Instance calls that reached EnOS. The gateway's refusals of an expired token are left
 * out: hours of test clock expire the fake's tokens, and the client then asks again with a new one.
 */
const polls = () => t.enos.requestsOf('flowInstances.get').filter((r) => r.answered !== 401);

/** Triggers `text` as Alice and returns the instance ID and the thread reply. */
async function trigger(text: string): Promise<{ instanceId: string; reply: RecordedCall }> {
  await t.command(text);
  const instanceId = t.enos.triggers.at(-1)?.instanceId;
  if (!instanceId) throw new Error(`not triggered: ${JSON.stringify(t.enos.triggers)}`);
  return { instanceId, reply: replies().at(-1)! };
}

/** Moves the clock to the watch's next due time and runs one pass. */
async function nextPoll(instanceId: string): Promise<void> {
  const watch = await t.store.watches.get(instanceId);
  if (!watch) throw new Error(`no watch of ${instanceId}`);
  t.clock.set(Math.max(t.clock(), watch.nextPollAt));
  await t.tick();
}

describe('a run triggered for now', () => {
  it('follows INIT → RUNNING → SUCCESS, editing the thread reply, and posts one final message', async () => {
    t = await startTestApp();
    const { instanceId, reply } = await trigger('3377 REPLACE=ddee');
    expect(buttonsOf(reply)).toEqual(['Cancel run', 'Run again', 'Edit and run']);
    const replyTs = (await t.slack.messages.find((m) => m.thread_ts !== undefined))!.ts;

    // Watched from the store: the first poll 15 s after the trigger.
    expect(await t.store.watches.get(instanceId)).toMatchObject({
      attemptId: 'attempt-1',
      nextPollAt: NOW + 15_000,
      reply: { channelId: DEFAULT_CHANNEL_ID, ts: replyTs },
    });
    await t.tick();
    expect(polls()).toHaveLength(0);

    // INIT after its trigger time: waiting.
    await nextPoll(instanceId);
    expect(polls().map((r) => r.query)).toEqual([
      { action: 'get', flowInstId: instanceId, userId: ALICE.userId, orgId: ALICE.orgId },
    ]);
    expect(polls()[0]!.signatureValid).toBe(true);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.args).toMatchObject({ channel: DEFAULT_CHANNEL_ID, ts: replyTs });
    expect(textOf(updates()[0])).toContain(':hourglass_flowing_sand: *Waiting*');

    // Nothing changed: no edit, and the interval doubles.
    await nextPoll(instanceId);
    expect(polls()).toHaveLength(2);
    expect(updates()).toHaveLength(1);
    expect((await t.store.watches.get(instanceId))?.nextPollAt).toBe(t.clock() + 30_000);

    t.enos.setInstanceStatus(instanceId, 2, [{ status: 'RUNNING' }]);
    await nextPoll(instanceId);
    expect(updates()).toHaveLength(2);
    expect(textOf(updates()[1])).toContain(':arrows_counterclockwise: *Running* since <!date^1795770000^');
    expect(buttonsOf(updates()[1])).toEqual(['Cancel run', 'Run again', 'Edit and run']);
    expect(replies()).toHaveLength(1);

    t.enos.setInstanceStatus(instanceId, 1, [{ status: 'SUCCESS' }]);
    await nextPoll(instanceId);
    const final = updates()[2]!;
    expect(final.args.ts).toBe(replyTs);
    expect(final.args.blocks).toMatchInlineSnapshot(`
[
  {
    "text": {
      "text": ":white_check_mark: Triggered flow *3377* · daily load. Flow instance ID: \`3377-20261127090000\`",
      "type": "mrkdwn",
    },
    "type": "section",
  },
  {
    "text": {
      "text": ":large_green_circle: *Succeeded* in 1 min 15 s.",
      "type": "mrkdwn",
    },
    "type": "section",
  },
  {
    "elements": [
      {
        "text": "Started <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC> · ended <!date^1795770075^{date_short_pretty} at {time}|2026-11-27 09:01 UTC> · took 1 min 15 s",
        "type": "mrkdwn",
      },
    ],
    "type": "context",
  },
  {
    "block_id": "run_actions",
    "elements": [
      {
        "action_id": "run_again",
        "text": {
          "text": "Run again",
          "type": "plain_text",
        },
        "type": "button",
        "value": "attempt-1",
      },
      {
        "action_id": "run_edit",
        "text": {
          "text": "Edit and run",
          "type": "plain_text",
        },
        "type": "button",
        "value": "attempt-1",
      },
    ],
    "type": "actions",
  },
]
`);
    // One new thread message, which mentions Alice so that Slack notifies her.
    expect(replies()).toHaveLength(2);
    expect(replies()[1]!.args.thread_ts).toBe(reply.args.thread_ts);
    expect(textOf(replies()[1])).toMatchInlineSnapshot(
      `"<@U0ALICE01> :large_green_circle: Flow *3377* · daily load succeeded in 1 min 15 s (instance \`3377-20261127090000\`)."`,
    );

    // The watch is gone; the audit record knows how the run ended.
    expect(await t.store.watches.get(instanceId)).toBeUndefined();
    expect((await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-1'))?.run).toEqual({
      status: 1,
      at: new Date(t.clock()).toISOString(),
    });
    await nextPollSafe();
    expect(polls()).toHaveLength(4);
  });

  it('reports a failed run with its failed tasks', async () => {
    t = await startTestApp();
    t.enos.addFlow({
      flowId: 4000,
      flowName: 'nightly',
      owner: 'alice',
      tasks: [
        { taskName: 'extract', taskId: '400001' },
        { taskName: 'load', taskId: '400002' },
      ],
    });
    const { instanceId } = await trigger('4000');
    t.enos.setInstanceStatus(instanceId, 2);
    await nextPoll(instanceId);
    t.enos.setInstanceStatus(instanceId, -1, [{ status: 'SUCCESS' }, { status: 'FAIL' }]);
    await nextPoll(instanceId);

    expect(textOf(updates().at(-1))).toMatchInlineSnapshot(`
":white_check_mark: Triggered flow *4000* · nightly. Flow instance ID: \`4000-20261127090000\`
:red_circle: *Failed* (FAIL) in 30 s.
*Failed task:* \`load\` (FAIL)
Started <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC> · ended <!date^1795770030^{date_short_pretty} at {time}|2026-11-27 09:00 UTC> · took 30 s"
`);
    expect(buttonsOf(updates().at(-1))).toEqual(['Run again', 'Edit and run']);
    expect(textOf(replies().at(-1))).toMatchInlineSnapshot(`
"<@U0ALICE01> :red_circle: Flow *4000* · nightly failed (FAIL) in 30 s (instance \`4000-20261127090000\`).
*Failed task:* \`load\` (FAIL)
*\`load\`* (FAIL) · no log: EnOS has none for this task (“No log found”)."
`);
    expect(await t.store.watches.get(instanceId)).toBeUndefined();
    expect((await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-1'))?.run?.status).toBe(-1);
  });
});

describe('a scheduled run', () => {
  /** 14:00 on 2026-11-27 in Berlin. */
  const BERLIN_14 = Date.UTC(2026, 10, 27, 13, 0);

  it('is first asked about at its trigger time: scheduled → waiting → running → succeeded', async () => {
    t = await startTestApp();
    const { instanceId, reply } = await trigger('3377 at 14:00');
    expect(textOf(reply)).toContain('EnOS will start it <!date^1795784400^');
    expect((await t.store.watches.get(instanceId))?.nextPollAt).toBe(BERLIN_14);

    // Nothing is asked before the trigger time, however often the watcher looks.
    for (const at of [NOW + 15_000, NOW + 3_600_000, BERLIN_14 - 1]) {
      t.clock.set(at);
      await t.tick();
    }
    expect(polls()).toHaveLength(0);

    t.clock.set(BERLIN_14);
    await t.tick();
    expect(polls()).toHaveLength(1);
    expect(textOf(updates()[0])).toContain('*Waiting*: its trigger time has come');

    t.enos.setInstanceStatus(instanceId, 2);
    await nextPoll(instanceId);
    t.enos.setInstanceStatus(instanceId, 1);
    await nextPoll(instanceId);
    expect(updates().map((u) => textOf(u).split('\n')[1])).toEqual([
      expect.stringContaining('*Waiting*'),
      expect.stringContaining('*Running* since <!date^1795784400^'),
      ':large_green_circle: *Succeeded* in 30 s.',
    ]);
    expect(replies()).toHaveLength(2);
    expect(await t.store.watches.get(instanceId)).toBeUndefined();
  });
});

describe('EnOS server times', () => {
  it('reads them in ENOS_SERVER_TIMEZONE, and logs when that zone does not fit the trigger time', async () => {
    // The fake EnOS writes UTC; configured as Shanghai, every reading is 8 h early.
    t = await startTestApp({ enosServerZone: 'Asia/Shanghai' });
    const { instanceId } = await trigger('3377');
    t.enos.setInstanceStatus(instanceId, 2);
    await nextPoll(instanceId);
    const warning = t.logs
      .map((l) => JSON.parse(l))
      .find((l) => String(l.msg).includes('ENOS_SERVER_TIMEZONE'));
    expect(warning).toMatchObject({ level: 40, serverZone: 'Asia/Shanghai', offByMinutes: -480, instanceId });
    expect(textOf(updates()[0])).toContain('*Running* since <!date^1795741200^');
  });
});

describe('giving up', () => {
  it('stops after the configured maximum with a message that says so', async () => {
    t = await startTestApp({
      watch: { policy: { minIntervalMs: 15_000, maxIntervalMs: 300_000, maxWatchMs: 3_600_000 } },
    });
    const { instanceId } = await trigger('3377');
    t.enos.setInstanceStatus(instanceId, 2);
    for (let i = 0; i < 50 && (await t.store.watches.get(instanceId)); i++) await nextPoll(instanceId);

    expect(await t.store.watches.get(instanceId)).toBeUndefined();
    // The last poll is at the deadline exactly: an hour after the trigger.
    expect(polls().at(-1)?.at).toBe(NOW + 3_600_000);
    expect(textOf(updates().at(-1))).toContain(
      ':zzz: *No longer watched*: I stopped watching because it did not finish within 1 h (WATCH_MAX_HOURS). ' +
        'It was last :arrows_counterclockwise: *Running*.',
    );
    // The run may still be running: it can still be cancelled.
    expect(buttonsOf(updates().at(-1))).toEqual(['Cancel run', 'Run again', 'Edit and run']);
    expect(textOf(replies().at(-1))).toContain('<@U0ALICE01> I stopped watching flow *3377* · daily load');
    expect((await t.store.audit.get(DEFAULT_TEAM_ID, 'attempt-1'))?.run).toMatchObject({
      status: 2,
      gaveUp: true,
    });
  });

  it('keeps watching through EnOS outages, backing off, without editing the reply', async () => {
    t = await startTestApp();
    const { instanceId } = await trigger('3377');
    t.enos.failNext('flowInstances.get', { kind: 'http', status: 503 }, 3);
    for (let i = 0; i < 3; i++) await nextPoll(instanceId);
    expect(updates()).toHaveLength(0);
    expect(await t.store.watches.get(instanceId)).toMatchObject({
      errors: 3,
      nextPollAt: t.clock() + 120_000,
    });

    t.enos.setInstanceStatus(instanceId, 1);
    await nextPoll(instanceId);
    expect(textOf(updates().at(-1))).toContain('*Succeeded*');
    expect(await t.store.watches.get(instanceId)).toBeUndefined();
  });
});

/** One more pass after the end: nothing is asked any more. */
async function nextPollSafe(): Promise<void> {
  t.clock.advance(3_600_000);
  await t.tick();
}

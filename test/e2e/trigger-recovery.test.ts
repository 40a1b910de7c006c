/**
 * Recovery of trigger jobs, through the real app and store, at the test clock's time: each job is
 * left in the store exactly as a worker killed at that step leaves it (the process-level kill test,
 * test/kill-recovery.test.ts, kills real processes), then a recovery pass runs.
 */

import { type JobState, newTriggerJob, type TriggerJob } from '../../src/core/trigger-job';
import { RUN_ACTION, RUN_ACTIONS_BLOCK } from '../../src/slack/ids';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import { ALICE, NOW, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const LEASE_MS = 5000;
const identity = { userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId };
/** "now" as resolved at NOW in Berlin. */
const time = {
  epochMs: NOW,
  zone: 'Europe/Berlin',
  local: '2026-11-27 10:00',
  immediate: true,
  backdated: false,
};
const thread = { channelId: DEFAULT_CHANNEL_ID, threadTs: '1700000000.000100', private: false };

/** A job accepted at `acceptedAt` and left at `state`, due for recovery once its lease lapsed. */
async function leaveJob(id: string, state: JobState, acceptedAt = NOW, flowId = 3377): Promise<TriggerJob> {
  const job = {
    ...newTriggerJob(
      id,
      {
        teamId: DEFAULT_TEAM_ID,
        slackUserId: ALICE.slackUserId,
        channelId: DEFAULT_CHANNEL_ID,
        deliveryKey: `command:${DEFAULT_TEAM_ID}:${id}`,
        source: 'command',
      },
      { flowId, when: { kind: 'now' }, parameters: [{ key: 'REPLACE', value: 'ddee' }] },
      acceptedAt,
      LEASE_MS,
    ),
    state,
  };
  await t.store.jobs.put(job);
  return job;
}

const threadPosts = () =>
  t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === thread.threadTs);
/** The ts of the (first) reply posted in the thread. */
const replyTs = () => t.slack.messages.find((m) => m.thread_ts === thread.threadTs)?.ts;
const dms = () => t.slack.callsOf('chat.postMessage').filter((c) => c.args.channel === ALICE.slackUserId);

describe('a job sent to EnOS whose answer was lost', () => {
  it('finds the run with List Flow Instances, reports it in the thread, watches it, and never resends', async () => {
    t = await startTestApp();
    const flow = t.enos.flow(3377)!;
    // What EnOS did with the lost request, and an older run of the same flow at another time.
    t.enos.addInstance({ flowId: 3377, triggerTime: NOW - 3_600_000, owner: 'alice' });
    const created = t.enos.addInstance({
      flowId: 3377,
      triggerTime: NOW,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
      owner: 'alice',
    });
    await leaveJob('job-sent', { step: 'sent', sentAt: NOW, identity, time, thread });

    t.clock.advance(LEASE_MS + 1000);
    expect(await t.recover()).toMatchObject({ sent: 1, outcomes: { triggered: 1 } });

    expect(t.enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
    const search = t.enos.requestsOf('flowInstances.search');
    expect(search).toHaveLength(1);
    expect(search[0]!.query).toMatchObject({ action: 'search', userId: ALICE.userId, orgId: ALICE.orgId });
    expect(search[0]!.body).toEqual({
      expression: '3377-',
      owner: '',
      fromTriggerTime: NOW - 1000,
      toTriggerTime: NOW + 1000,
      status: '',
      pagination: { pageNo: 1, pageSize: 50, sorters: [{ field: 'createTime', order: 'DESC' }] },
    });
    expect(search[0]!.signatureValid).toBe(true);
    const [reply] = threadPosts();
    expect(textOf(reply)).toContain(`Flow instance ID: \`${created.instanceId}\``);
    expect(threadPosts()).toHaveLength(1);
    const watch = await t.store.watches.get(created.instanceId);
    expect(watch).toMatchObject({
      attemptId: 'job-sent',
      reply: { channelId: DEFAULT_CHANNEL_ID, ts: replyTs() },
      triggerTime: NOW,
    });
    expect(watch?.awaitingReply).toBeUndefined();
    expect(await t.store.jobs.get('job-sent')).toBeUndefined();
    expect(flow.flowName).toBe('daily load');
    expect(t.logs.some((l) => l.includes('recovery found the run of a trigger whose answer was lost'))).toBe(
      true,
    );
  });

  it('says nothing was triggered, with Run again, only once EnOS had every chance to list the run', async () => {
    t = await startTestApp();
    await leaveJob('job-lost', { step: 'sent', sentAt: NOW, identity, time, thread });

    // Past the lease, but within ENOS_REQUEST_TIMEOUT_MS (2 s in tests) + 60 s: not final yet.
    t.clock.advance(LEASE_MS + 1000);
    expect(await t.recover()).toMatchObject({ sent: 1, outcomes: { waiting: 1 } });
    expect(threadPosts()).toEqual([]);
    expect((await t.store.jobs.get('job-lost'))?.dueAt).toBe(NOW + 2000 + 60_000);

    t.clock.set(NOW + 62_000);
    expect(await t.recover()).toMatchObject({ sent: 1, outcomes: { failed: 1 } });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
    const [told] = threadPosts();
    expect(textOf(told)).toContain('was *not* triggered');
    const button = (
      told!.args.blocks as Array<{ block_id?: string; elements?: Array<Record<string, unknown>> }>
    ).find((b) => b.block_id === RUN_ACTIONS_BLOCK);
    expect(button?.elements).toEqual([
      {
        type: 'button',
        action_id: RUN_ACTION.again,
        text: { type: 'plain_text', text: 'Run again' },
        value: 'job-lost',
      },
    ]);
    expect(await t.store.jobs.get('job-lost')).toBeUndefined();
  });

  it('keeps asking while EnOS is unreachable, says so in the thread once, then reports the run', async () => {
    t = await startTestApp();
    const created = t.enos.addInstance({ flowId: 3377, triggerTime: NOW, owner: 'alice' });
    await leaveJob('job-check', { step: 'sent', sentAt: NOW, identity, time, thread });
    t.enos.failNext('flowInstances.search', { kind: 'http', status: 502 }, 2);

    t.clock.advance(LEASE_MS + 1000);
    expect(await t.recover()).toMatchObject({ outcomes: { waiting: 1 } });
    const saved = await t.store.jobs.get('job-check');
    expect(saved?.state).toMatchObject({ step: 'sent', checks: 1, checkingSaid: true });
    t.clock.advance(5000);
    expect(await t.recover()).toMatchObject({ outcomes: { waiting: 1 } });
    expect(threadPosts().map((c) => textOf(c))).toEqual([expect.stringContaining('keeps checking')]);

    t.clock.advance(10_000);
    expect(await t.recover()).toMatchObject({ outcomes: { triggered: 1 } });
    expect(textOf(threadPosts()[1])).toContain(created.instanceId);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
  });
});

describe('a job not yet sent', () => {
  it('runs it if younger than RECOVERY_MAX_AGE_SECONDS, with the time it was asked for', async () => {
    t = await startTestApp();
    await leaveJob('job-young', { step: 'announced', identity, time, thread });
    t.clock.advance(LEASE_MS + 1000);
    expect(await t.recover()).toMatchObject({ announced: 1, outcomes: { triggered: 1 } });
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: NOW, parameters: [{ key: 'REPLACE', value: 'ddee' }] },
    ]);
    expect(textOf(threadPosts()[0])).toContain('Flow instance ID');
  });

  it('does not run an older one: tells the caller by DM, with Run it now, which triggers as the clicker', async () => {
    t = await startTestApp({ recovery: { maxAgeMs: 600_000 } });
    await leaveJob('job-old', { step: 'accepted' });
    t.clock.advance(601_000);
    expect(await t.recover()).toMatchObject({ accepted: 1, outcomes: { expired: 1 } });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
    const [dm] = dms();
    expect(textOf(dm)).toContain('was *not* triggered: flow-trigger was down for about 10 minutes');
    const record = await t.store.audit.get(DEFAULT_TEAM_ID, 'job-old');
    expect(record).toMatchObject({ outcome: 'failed', error: { code: 'EXPIRED' } });

    const click = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: RUN_ACTION.runNow, value: 'job-old', block_id: RUN_ACTIONS_BLOCK }],
        channel_id: ALICE.slackUserId,
        response_url: t.slack.responseUrl('run-now'),
      }),
    );
    expect(click.status).toBe(200);
    await t.settle();
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: NOW + 601_000, parameters: [{ key: 'REPLACE', value: 'ddee' }] },
    ]);
  });

  it('runs an old one whose scheduled time is still ahead, as asked', async () => {
    t = await startTestApp();
    const later = { ...time, epochMs: NOW + 3_600_000, local: '2026-11-27 11:00', immediate: false };
    await leaveJob('job-scheduled', { step: 'announced', identity, time: later, thread });
    t.clock.advance(700_000);
    expect(await t.recover()).toMatchObject({ outcomes: { triggered: 1 } });
    expect(
      t.enos.requestsOf('flows.updateAndTrigger').map((r) => (r.body as { triggerTime: number }).triggerTime),
    ).toEqual([NOW + 3_600_000]);
  });
});

describe('a reported run is always followed', () => {
  it('creates the missing watch of a run answered but not reported, and posts the reply', async () => {
    t = await startTestApp();
    const created = t.enos.addInstance({ flowId: 3377, triggerTime: NOW, owner: 'alice' });
    const flow = {
      flowId: 3377,
      flowName: 'daily load',
      owners: ['alice'],
      parameters: [],
      tasks: [],
      locked: false,
      isUserLocked: false,
    };
    await leaveJob('job-answered', {
      step: 'answered',
      sentAt: NOW,
      answer: { kind: 'triggered', instanceId: created.instanceId, flow },
      identity,
      time,
      thread,
      flow,
    });
    t.clock.advance(LEASE_MS + 1000);
    expect(await t.recover()).toMatchObject({ answered: 1, outcomes: { triggered: 1 } });
    expect(await t.store.watches.get(created.instanceId)).toMatchObject({ attemptId: 'job-answered' });
    expect(threadPosts()).toHaveLength(1);
  });

  it('posts a new reply when the trigger died between saving the watch and recording its reply', async () => {
    t = await startTestApp({
      watch: { policy: { minIntervalMs: 1000, maxIntervalMs: 1000, maxWatchMs: 3_600_000 } },
    });
    const created = t.enos.addInstance({ flowId: 3377, triggerTime: NOW, owner: 'alice' });
    await t.watcher.startWatch({
      instanceId: created.instanceId,
      teamId: DEFAULT_TEAM_ID,
      attemptId: 'job-died',
      slackUserId: ALICE.slackUserId,
      identity,
      flowId: 3377,
      flowName: 'daily load',
      triggerTime: NOW,
      channelId: DEFAULT_CHANNEL_ID,
      threadTs: thread.threadTs,
      private: false,
      awaitingReply: true,
    });
    t.enos.setInstanceStatus(created.instanceId, 2);
    t.clock.advance(LEASE_MS + 1000);
    await t.tick();
    const [posted] = threadPosts();
    expect(textOf(posted)).toContain(created.instanceId);
    const watch = await t.store.watches.get(created.instanceId);
    expect(watch?.reply).toEqual({ channelId: DEFAULT_CHANNEL_ID, ts: replyTs() });
    expect(watch?.awaitingReply).toBeUndefined();
    // From then on, edited, not posted again.
    t.clock.advance(2000);
    t.enos.setInstanceStatus(created.instanceId, 3);
    await t.tick();
    expect(threadPosts()).toHaveLength(1);
    expect(t.slack.callsOf('chat.update').length).toBeGreaterThan(0);
  });
});

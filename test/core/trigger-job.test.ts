/**
 * The trigger job's step machine (runTriggerJob), without Slack or HTTP: a real store in memory, an
 * EnOS gateway that records what it is asked, a reporter that records what the caller is told, and
 * an injected clock. What each step records, and what a rerun after a crash does at each step.
 */
import type { NewRunWatch } from '../../src/core/new-run-watch';
import type {
  Announcement,
  EnosGateway,
  Flow,
  JobStore,
  ListedFlowInstance,
  TriggerDeps,
  TriggerReporter,
  TriggerRequest,
} from '../../src/core/ports';
import { duplicateKey, runTriggerJob } from '../../src/core/trigger-flow';
import { type JobState, newTriggerJob, type TriggerJob } from '../../src/core/trigger-job';
import { openStore, type Store } from '../../src/store/open-store';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const identity = { userId: 'u1', userName: 'alice', orgId: 'o1' };
const flow: Flow = {
  flowId: 3377,
  flowName: 'daily load',
  owners: ['alice'],
  parameters: [],
  tasks: [{ taskName: 't', taskId: '1' }],
  locked: false,
  isUserLocked: false,
};
const time = { epochMs: T0, zone: 'UTC', local: '2026-11-27 09:00', immediate: true, backdated: false };
const thread = { channelId: 'C1', threadTs: '1.000100', private: false };

let store: Store;
let now: number;
let sent: TriggerRequest[];
let listed: ListedFlowInstance[];
let steps: string[];
let told: string[];
let watched: NewRunWatch[];
let stepAtSend: string | undefined;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:', { keyPrefix: 'unit:' });
  now = T0;
  sent = [];
  listed = [];
  steps = [];
  told = [];
  watched = [];
  stepAtSend = undefined;
  await store.links.put({
    ...identity,
    teamId: 'T1',
    slackUserId: 'U1',
    linkedBy: 'U0',
    linkedAt: new Date(T0).toISOString(),
  });
});
afterEach(async () => {
  await store.close();
});

function deps(): TriggerDeps {
  const enos: EnosGateway = {
    getFlow: async () => flow,
    getMyFlows: async () => [],
    updateAndTrigger: async (_caller, request) => {
      stepAtSend = (await store.jobs.get('job-1'))?.state.step;
      sent.push(request);
      return { flowInstanceId: '3377-1' };
    },
    getFlowInstance: async () => {
      throw new Error('not used');
    },
    cancelFlowInstance: async () => undefined,
    listOrgUsers: async () => ({ users: [], complete: true }),
    listFlowInstances: async () => listed,
    getTaskLog: async () => {
      throw new Error('not used');
    },
    getTimeZone: async () => 'GMT+0',
    getCurrentTime: async () => T0,
  };
  // The real job store, with each step written noted.
  const jobs: JobStore = {
    put: async (job) => {
      steps.push(job.state.step);
      await store.jobs.put(job);
    },
    get: (id) => store.jobs.get(id),
    remove: (id) => store.jobs.remove(id),
    listDue: (at, limit) => store.jobs.listDue(at, limit),
  };
  return {
    enos,
    links: store.links,
    claims: store.claims,
    audit: store.audit,
    clock: () => now,
    newId: () => 'unused',
    zoneOf: async () => 'UTC',
    admins: [],
    selfLink: false,
    log: () => undefined,
    startWatch: async (run) => {
      watched.push(run);
    },
    jobs,
    watches: {
      exists: async (id) => watched.some((w) => w.instanceId === id),
      replyPosted: async () => undefined,
    },
    leaseMs: 5000,
    maxAgeMs: 600_000,
    recovery: { maxAgeMs: 600_000, enosTimeoutMs: 15_000, serverZone: 'UTC' },
  };
}

const reporter: TriggerReporter = {
  notify: async (notice) => void told.push(`notice:${notice.kind}`),
  announce: async (a: Announcement) => {
    told.push(`announce:${a.flowName}`);
    return thread;
  },
  reply: async (_thread, result) => {
    told.push(`reply:${result.kind}${result.kind === 'triggered' ? `:${result.instanceId}` : ''}`);
    return { channelId: 'C1', ts: '1.000200' };
  },
  notTriggered: async (_thread, reason) => void told.push(`not-triggered:${reason.kind}`),
  checking: async () => void told.push('checking'),
};

async function job(state: JobState = { step: 'accepted' }, acceptedAt = T0): Promise<TriggerJob> {
  const j = {
    ...newTriggerJob(
      'job-1',
      { teamId: 'T1', slackUserId: 'U1', channelId: 'C1', deliveryKey: 'command:T1:x', source: 'command' },
      { flowId: 3377, when: { kind: 'now' }, parameters: [{ key: 'REPLACE', value: 'ddee' }] },
      acceptedAt,
      5000,
    ),
    state,
  };
  await store.jobs.put(j);
  return j;
}

it('records every step in order, marks the job sent before the call, and removes it at the end', async () => {
  const summary = await runTriggerJob(deps(), await job(), reporter);
  expect(summary).toEqual({ kind: 'triggered', attemptId: 'job-1', instanceId: '3377-1' });
  expect(steps).toEqual(['announced', 'sent', 'answered', 'reported']);
  expect(stepAtSend).toBe('sent');
  expect(sent).toEqual([{ flowId: 3377, triggerTime: T0, parameters: [{ key: 'REPLACE', value: 'ddee' }] }]);
  expect(told).toEqual(['announce:daily load', 'reply:triggered:3377-1']);
  expect(watched).toEqual([
    expect.objectContaining({ instanceId: '3377-1', attemptId: 'job-1', awaitingReply: true }),
  ]);
  expect(await store.jobs.get('job-1')).toBeUndefined();
  expect(await store.audit.get('T1', 'job-1')).toMatchObject({
    outcome: 'triggered',
    instanceId: '3377-1',
    threadTs: '1.000100',
  });
});

it('reruns a job whose worker died mid-intake: its own duplicate claim does not stop it', async () => {
  const first = await job();
  // The dead worker had claimed the duplicate guard with the job's ID, then died.
  const key = duplicateKey(
    {
      teamId: 'T1',
      slackUserId: 'U1',
      channelId: 'C1',
      flowId: 3377,
      when: { kind: 'now' },
      parameters: first.command.parameters,
      source: 'command',
    },
    time,
  );
  await store.claims.claim(
    key,
    JSON.stringify({ attemptId: 'job-1', requestedAt: new Date(T0).toISOString() }),
    60_000,
  );
  now = T0 + 6000;
  expect(await runTriggerJob(deps(), first, reporter)).toMatchObject({ kind: 'triggered' });
  expect(sent).toHaveLength(1);

  // Another job for the same request within the minute is a duplicate, and is not sent.
  told = [];
  const other = await store.jobs.put({ ...first, id: 'job-2' }).then(() => ({ ...first, id: 'job-2' }));
  expect(await runTriggerJob(deps(), other, reporter)).toEqual({ kind: 'duplicate' });
  expect(told).toEqual(['notice:duplicate']);
  expect(sent).toHaveLength(1);
});

it('reruns an announced job without announcing again, with the time it was asked for', async () => {
  now = T0 + 120_000;
  await runTriggerJob(deps(), await job({ step: 'announced', identity, time, thread }), reporter);
  expect(told).toEqual(['reply:triggered:3377-1']);
  expect(sent.map((r) => r.triggerTime)).toEqual([T0]);
});

it('never resends a sent job: it asks EnOS, and reports the run it finds', async () => {
  listed = [
    {
      instanceId: '3377-9',
      flowId: 3377,
      flowName: 'daily load',
      status: 2,
      triggerTime: '2026-11-27 09:00:00',
      createTime: '2026-11-27 09:00:01',
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
      tasks: [],
    },
  ];
  now = T0 + 10_000;
  const summary = await runTriggerJob(
    deps(),
    await job({ step: 'sent', sentAt: T0, identity, time, thread, flow }),
    reporter,
  );
  expect(summary).toEqual({ kind: 'triggered', attemptId: 'job-1', instanceId: '3377-9' });
  expect(sent).toEqual([]);
  expect(told).toEqual(['reply:triggered:3377-9']);
  expect(watched.map((w) => w.instanceId)).toEqual(['3377-9']);
});

it('leaves a sent job whose run is not listed yet for later, saying nothing', async () => {
  now = T0 + 10_000;
  const summary = await runTriggerJob(
    deps(),
    await job({ step: 'sent', sentAt: T0, identity, time, thread, flow }),
    reporter,
  );
  expect(summary).toEqual({ kind: 'waiting', attemptId: 'job-1' });
  expect(told).toEqual([]);
  expect((await store.jobs.get('job-1'))?.dueAt).toBe(T0 + 15_000 + 60_000);
});

it('does not post a second reply when the run already has its watch (the reply may be out)', async () => {
  watched.push({ instanceId: '3377-1' } as NewRunWatch);
  const answered: JobState = {
    step: 'answered',
    sentAt: T0,
    answer: { kind: 'triggered', instanceId: '3377-1', flow },
    identity,
    time,
    thread,
    flow,
  };
  await runTriggerJob(deps(), await job(answered), reporter);
  expect(told).toEqual([]);
  expect(watched).toHaveLength(1);
  expect(await store.jobs.get('job-1')).toBeUndefined();
});

it('does not send a job older than the maximum age: tells the caller, with the reason', async () => {
  now = T0 + 600_000;
  const summary = await runTriggerJob(deps(), await job(), reporter);
  expect(summary).toEqual({ kind: 'expired', attemptId: 'job-1' });
  expect(told).toEqual(['not-triggered:expired']);
  expect(sent).toEqual([]);
  expect(await store.audit.get('T1', 'job-1')).toMatchObject({
    outcome: 'failed',
    error: { code: 'EXPIRED' },
  });
});

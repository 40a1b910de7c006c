/**
 * The watch use case with a real (in-memory SQLite) store, an in-memory EnOS and a recording
 * reporter: the lease and due-time rules, and the ways a watch ends.
 */
import { EnosApiError, EnosConnectionError } from '../../src/core/errors';
import { newRunWatch } from '../../src/core/new-run-watch';
import { pollDueWatches } from '../../src/core/poll-due-watches';
import {
  leaseKey,
  MAX_REFUSALS_IN_A_ROW,
  type PollWatchDeps,
  pollWatch,
  type RunReporter,
} from '../../src/core/poll-watch';
import type { FlowInstance, RunWatch } from '../../src/core/ports';
import type { RunView } from '../../src/core/run-view';
import { DEFAULT_WATCH_POLICY } from '../../src/core/watch-policy';
import { openStore, type Store } from '../../src/store/open-store';
import { captureLogger } from '../store/capture-logger';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const ID = '3377-20261127090000';

let store: Store;
let now: number;
let answers: Array<FlowInstance | Error>;
let asked: number;
let shown: Array<{ kind: 'update' | 'notify'; view: RunView }>;
let deps: PollWatchDeps;

function instance(status: number): FlowInstance {
  return { instanceId: ID, flowId: 3377, flowName: 'daily load', status, parameters: [], tasks: [] };
}

beforeEach(async () => {
  store = await openStore('sqlite://:memory:', { logger: captureLogger().logger });
  now = NOW;
  answers = [];
  asked = 0;
  shown = [];
  const reporter: RunReporter = {
    update: async (_watch, view) => {
      shown.push({ kind: 'update', view });
    },
    notify: async (_watch, view) => {
      shown.push({ kind: 'notify', view });
    },
  };
  deps = {
    enos: {
      getFlowInstance: async () => {
        asked += 1;
        const answer = answers.shift() ?? instance(2);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as PollWatchDeps['enos'],
    watches: store.watches,
    claims: store.claims,
    audit: store.audit,
    clock: () => now,
    policy: DEFAULT_WATCH_POLICY,
    leaseMs: 10_000,
    serverZone: 'UTC',
    reporter,
    ownerId: 'test',
    held: new Set(),
    log: () => undefined,
  };
});
afterEach(async () => {
  await store.close();
});

async function watching(): Promise<RunWatch> {
  const watch = newRunWatch(
    DEFAULT_WATCH_POLICY,
    {
      instanceId: ID,
      teamId: 'T1',
      attemptId: 'attempt-1',
      slackUserId: 'U1',
      identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
      flowId: 3377,
      triggerTime: NOW,
      channelId: 'C1',
      threadTs: '1.1',
      reply: { channelId: 'C1', ts: '1.2' },
      private: false,
    },
    NOW,
  );
  await store.watches.put(watch);
  return watch;
}

it('polls nothing before the due time, unless forced', async () => {
  await watching();
  expect(await pollWatch(deps, ID)).toBe('not-due');
  expect(asked).toBe(0);
  expect(await pollWatch(deps, ID, { force: true })).toBe('polled');
  expect(asked).toBe(1);
  expect(await pollWatch(deps, 'no-such-run', { force: true })).toBe('gone');
});

it('leaves a run alone while another replica holds its lease, and releases its own', async () => {
  await watching();
  now += 15_000;
  await store.claims.claim(leaseKey(ID), 'other replica', 10_000);
  expect(await pollWatch(deps, ID)).toBe('busy');
  expect(asked).toBe(0);
  await store.claims.release(leaseKey(ID));
  expect(await pollWatch(deps, ID)).toBe('polled');
  expect(await store.claims.get(leaseKey(ID))).toBeUndefined();
  expect(deps.held?.size).toBe(0);
});

it('edits only on a change, and backs off while nothing changes', async () => {
  await watching();
  const dueTimes: number[] = [];
  for (let i = 0; i < 4; i++) {
    now = (await store.watches.get(ID))!.nextPollAt;
    dueTimes.push(now - NOW);
    await pollWatch(deps, ID);
  }
  expect(dueTimes).toEqual([15_000, 30_000, 60_000, 120_000]);
  expect(shown.map((s) => `${s.kind}:${s.view.phase}`)).toEqual(['update:running']);
});

it('gives up after EnOS refused several times in a row, saying why', async () => {
  await watching();
  await store.audit.put({
    id: 'attempt-1',
    teamId: 'T1',
    slackUserId: 'U1',
    enosUserId: 'u1',
    enosUserName: 'alice',
    orgId: 'o1',
    flowId: 3377,
    triggerTime: NOW,
    zone: 'UTC',
    parameters: [],
    source: 'command',
    requestedAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    channelId: 'C1',
    outcome: 'triggered',
    instanceId: ID,
  });
  const refusal = new EnosApiError(62102, 'Instance not found');
  answers = Array.from({ length: MAX_REFUSALS_IN_A_ROW }, () => refusal);
  const results: string[] = [];
  for (let i = 0; i < MAX_REFUSALS_IN_A_ROW; i++) {
    now = (await store.watches.get(ID))!.nextPollAt;
    results.push(await pollWatch(deps, ID));
  }
  expect(results).toEqual(['polled', 'polled', 'polled', 'polled', 'gave-up']);
  expect(shown.map((s) => s.kind)).toEqual(['update', 'notify']);
  expect(shown[1]!.view.gaveUp).toEqual({ reason: 'errors', hours: 24, error: refusal });
  expect(await store.watches.get(ID)).toBeUndefined();
  expect((await store.audit.get('T1', 'attempt-1'))?.run).toEqual({
    status: 0,
    gaveUp: true,
    at: new Date(now).toISOString(),
  });
});

it('keeps trying through connection failures until the deadline', async () => {
  await watching();
  const down = new EnosConnectionError('refused', 'not-sent');
  answers = Array.from({ length: 400 }, () => down);
  let result = '';
  for (let i = 0; i < 400 && result !== 'gave-up'; i++) {
    now = (await store.watches.get(ID))!.nextPollAt;
    result = await pollWatch(deps, ID);
  }
  expect(result).toBe('gave-up');
  expect(now).toBe(NOW + DEFAULT_WATCH_POLICY.maxWatchMs);
  expect(shown.at(-1)?.view.gaveUp).toMatchObject({ reason: 'deadline', error: down });
});

it('a pass polls every due watch once and skips the others', async () => {
  await watching();
  const later = newRunWatch(
    DEFAULT_WATCH_POLICY,
    { ...(await store.watches.get(ID))!, instanceId: '3377-2' },
    NOW + 60_000,
  );
  await store.watches.put(later);
  now = NOW + 15_000;
  answers = [instance(1)];
  expect(await pollDueWatches(deps, { limit: 10, concurrency: 2 })).toEqual({ finished: 1 });
  expect(await store.watches.get(ID)).toBeUndefined();
  expect(await store.watches.get('3377-2')).toBeDefined();
  expect(await pollDueWatches(deps, { limit: 10, concurrency: 2 })).toEqual({});
});

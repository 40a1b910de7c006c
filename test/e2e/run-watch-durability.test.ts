/**
 * Watches live in the store: a replica that dies in the middle of a poll leaves its lease to
 * expire, and a successor on the same store resumes the watch; replicas that share one store poll
 * each due time of a run once between them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PollPassSummary } from '../../src/core/poll-due-watches';
import { leaseKey } from '../../src/core/poll-watch';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/fake-slack-api';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import {
  ALICE,
  createTestClock,
  ENOS_ACCESS_KEY,
  ENOS_SECRET_KEY,
  startTestApp,
  type TestApp,
  type TestClock,
} from '../helpers/start-test-app';
import { waitFor } from '../helpers/wait-for';

let slack: FakeSlackApi;
let enos: FakeEnosGateway;
let clock: TestClock;
let apps: TestApp[] = [];

beforeEach(async () => {
  clock = createTestClock();
  slack = await startFakeSlackApi();
  enos = await startFakeEnosGateway({ accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY, clock });
  slack.addUser({ id: ALICE.slackUserId, name: 'alice', tz: 'Europe/Berlin' });
  enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId });
  enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: 'alice' });
  apps = [];
});

afterEach(async () => {
  for (const app of apps) await app.stop();
  await slack.close();
  await enos.close();
});

/** Get Flow Instance calls that reached EnOS (token refusals after hours of test clock left out). */
const polls = () => enos.requestsOf('flowInstances.get').filter((r) => r.answered !== 401);
const finalMessages = () =>
  slack
    .callsOf('chat.postMessage')
    .filter(
      (c) => c.args.thread_ts !== undefined && String(c.args.text).startsWith(`<@${ALICE.slackUserId}>`),
    );

describe('a restart in the middle of a watch', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flow-trigger-restart-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the watch once the dead replica’s lease has expired', async () => {
    const shared = {
      storeUrl: `sqlite://${join(dir, 'store.sqlite')}`,
      keyPrefix: 'restart:',
      slack,
      enos,
      clock,
      watch: { leaseMs: 400 },
    };
    const first = await startTestApp(shared);
    await first.link(ALICE);
    await first.command('3377');
    const instanceId = enos.triggers[0]!.instanceId!;
    const reply = slack.messages.find((m) => m.thread_ts !== undefined)!;

    enos.setInstanceStatus(instanceId, 2);
    clock.advance(15_000);
    await first.tick();
    expect(slack.callsOf('chat.update')).toHaveLength(1);

    // The next poll hangs in EnOS, and the process dies during it, its lease held.
    clock.advance(15_000);
    enos.failNext('flowInstances.get', { kind: 'delay', ms: 300 });
    const pass = first.tick();
    await waitFor(() => polls().length === 2, { description: 'the second poll reaching EnOS' });
    await first.crash();
    await pass;
    expect(await first.store.claims.get(leaseKey(instanceId)).catch(() => 'store closed')).toBe(
      'store closed',
    );

    // A successor on the same store, its timer running: the lease holds it off (leases run on the
    // app's clock), then expires once that clock passes it.
    enos.setInstanceStatus(instanceId, 1);
    const second = await startTestApp({ ...shared, watch: { leaseMs: 400, tickMs: 20 } });
    apps.push(second);
    expect(await second.store.claims.get(leaseKey(instanceId))).toBeDefined();
    expect(await second.tick()).toEqual({ busy: 1 });
    expect(polls()).toHaveLength(2);
    clock.advance(60_000);
    await waitFor(async () => (await second.store.watches.get(instanceId)) === undefined, {
      timeoutMs: 3000,
      description: 'the watch finished by the successor',
    });

    // It finished the same thread reply, and notified once.
    const updates = slack.callsOf('chat.update');
    expect(updates.at(-1)!.args).toMatchObject({ ts: reply.ts, channel: reply.channel });
    expect(JSON.stringify(updates.at(-1)!.args.blocks)).toContain('*Succeeded*');
    expect(finalMessages()).toHaveLength(1);
    expect(polls()).toHaveLength(3);
    // The successor's timer may be in a pass that took the lease just as the watch ended: that pass
    // hands it back.
    await waitFor(async () => (await second.store.claims.get(leaseKey(instanceId))) === undefined, {
      timeoutMs: 3000,
      description: 'the lease handed back',
    });
  });

  it('hands its leases back when it stops cleanly', async () => {
    const first = await startTestApp({ slack, enos, clock });
    apps.push(first);
    await first.link(ALICE);
    await first.command('3377');
    const instanceId = enos.triggers[0]!.instanceId!;
    clock.advance(15_000);
    enos.failNext('flowInstances.get', { kind: 'delay', ms: 500 });
    const pass = first.tick();
    await waitFor(() => polls().length === 1, { description: 'the poll reaching EnOS' });
    expect(await first.store.claims.get(leaseKey(instanceId))).toBeDefined();
    await first.watcher.stop(50);
    expect(await first.store.claims.get(leaseKey(instanceId))).toBeUndefined();
    await pass;
  });
});

describe('two replicas sharing one Redis', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const app of apps) await app.stop();
    apps = [];
    await redis.stop();
  });

  it('poll each due time of a run once between them, and finish it once', async () => {
    const shared = { storeUrl: redis.url, keyPrefix: redis.keyPrefix, slack, enos, clock };
    apps = [await startTestApp(shared), await startTestApp(shared)];
    const [a, b] = apps as [TestApp, TestApp];
    await a.link(ALICE);
    await a.command('3377');
    const instanceId = enos.triggers[0]!.instanceId!;

    const rounds = 12;
    const summaries: PollPassSummary[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (round === 4) enos.setInstanceStatus(instanceId, 2);
      if (round === rounds) enos.setInstanceStatus(instanceId, 1);
      const watch = await a.store.watches.get(instanceId);
      clock.set(watch!.nextPollAt);
      // Both look at the same moment, in either order.
      const passes = round % 2 === 0 ? [a.tick(), b.tick()] : [b.tick(), a.tick()];
      summaries.push(...(await Promise.all(passes)));
      expect(polls()).toHaveLength(round);
    }
    // Each round, one replica polled and the other found the run leased or moved on (or not due).
    const polled = summaries.reduce((n, s) => n + (s.polled ?? 0) + (s.finished ?? 0), 0);
    expect(polled).toBe(rounds);
    const raced = summaries.filter((s) => (s.busy ?? 0) + (s['not-due'] ?? 0) > 0).length;
    expect(raced).toBeGreaterThan(0);
    expect(await a.store.watches.get(instanceId)).toBeUndefined();
    // waiting, running, succeeded: one edit per change, one final message.
    expect(slack.callsOf('chat.update')).toHaveLength(3);
    expect(finalMessages()).toHaveLength(1);
    // Later passes of either replica ask nothing more.
    clock.advance(3_600_000);
    await Promise.all([a.tick(), b.tick()]);
    expect(polls()).toHaveLength(rounds);
  });
});

/**
 * A backfill is durable and shared (docs/product.md, "Backfill"): it survives a new app on the same
 * SQLite store, two replicas on one Redis trigger each date exactly once, and a 100-run backfill's
 * messages stay within Slack's limits (the fake Slack refuses payloads beyond them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKFILL_START_ACTION } from '../../src/slack/ids';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/fake-slack-api';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import {
  ALICE,
  createTestClock,
  ENOS_ACCESS_KEY,
  ENOS_SECRET_KEY,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
  type TestClock,
} from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

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

type Block = { type: string; elements?: Array<{ action_id: string; value: string }> };

/** The backfill command's preview, then its Start, through `app`. */
async function startBackfill(app: TestApp, text: string) {
  const res = await app.command(`backfill ${text}`);
  const [answer] = slack.responsesOf(res.responseUrlId).map((r) => r.body as { blocks: Block[] });
  const value = answer?.blocks
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === BACKFILL_START_ACTION)?.value;
  expect(value).toBeDefined();
  const responseUrlId = `start-${res.responseUrlId}`;
  await sendInteraction(
    app.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: ALICE.slackUserId,
      actions: [{ action_id: BACKFILL_START_ACTION, value: value! }],
      channel_id: DEFAULT_CHANNEL_ID,
      response_url: slack.responseUrl(responseUrlId),
    }),
  );
  await app.settle();
  await app.backfills.tick();
  expect(
    slack.responsesOf(responseUrlId).map((r) => textOf({ args: r.body as Record<string, unknown> })),
  ).toEqual([expect.stringContaining('Backfill started')]);
}

const triggeredDates = () =>
  enos.triggers.map((t) => new Date((t.triggerTime as number) - 86_400_000).toISOString().slice(0, 10));
const endMessages = () =>
  slack.callsOf('chat.postMessage').filter((c) => textOf(c).startsWith(':checkered_flag:'));

describe('a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flow-trigger-backfill-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new app on the same SQLite store resumes the backfill where the first one died', async () => {
    const shared = {
      storeUrl: `sqlite://${join(dir, 'store.sqlite')}`,
      keyPrefix: 'restart:',
      slack,
      enos,
      clock,
    };
    const first = await startTestApp(shared);
    await first.link(ALICE);
    await startBackfill(first, '3377 2026-11-20 to 2026-11-22');
    expect(triggeredDates()).toEqual(['2026-11-20']);
    await first.crash();

    // The run ends while no app is up; the next app's watcher sees it, then the engine goes on.
    enos.setInstanceStatus(enos.triggers[0]!.instanceId!, 1);
    const second = await startTestApp(shared);
    apps.push(second);
    clock.advance(61_000);
    await second.tick();
    await second.backfills.tick();
    expect(triggeredDates()).toEqual(['2026-11-20', '2026-11-21']);
    for (const _ of [1, 2]) {
      enos.setInstanceStatus(enos.triggers.at(-1)!.instanceId!, 1);
      clock.advance(61_000);
      await second.tick();
      await second.backfills.tick();
    }
    expect(triggeredDates()).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(endMessages()).toHaveLength(1);
    expect(await second.store.backfills.listActive(DEFAULT_TEAM_ID, 5)).toEqual([]);
  });
});

describe('a crash while a run’s trigger is in flight', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flow-trigger-backfill-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the next app finds the run EnOS made (List Flow Instances) and never sends that date again', async () => {
    const shared = {
      storeUrl: `sqlite://${join(dir, 'store.sqlite')}`,
      keyPrefix: 'crash:',
      slack,
      enos,
      clock,
    };
    const first = await startTestApp(shared);
    await first.link(ALICE);
    // EnOS carries out the trigger, but its answer comes too late for the first app.
    enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms: 1500 });
    const res = await first.command('backfill 3377 2026-11-20 to 2026-11-21');
    const [answer] = slack.responsesOf(res.responseUrlId).map((r) => r.body as { blocks: Block[] });
    const value = answer?.blocks
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === BACKFILL_START_ACTION)?.value;
    await sendInteraction(
      first.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: BACKFILL_START_ACTION, value: value! }],
        channel_id: DEFAULT_CHANNEL_ID,
        response_url: slack.responseUrl('crash-start'),
      }),
    );
    await enos.waitForRequest('flows.updateAndTrigger');
    await first.crash();
    expect(enos.triggers).toHaveLength(1);

    // The dead app's leases lapse (the backfill's is the longest), then the next app takes over.
    const second = await startTestApp(shared);
    apps.push(second);
    clock.advance(31_000);
    await second.recover();
    await second.backfills.tick();
    expect(enos.requestsOf('flowInstances.search').length).toBeGreaterThan(0);
    expect(enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const [record] = await second.store.backfills.listActive(DEFAULT_TEAM_ID, 5);
    expect(record?.runs[0]).toMatchObject({
      businessDate: '2026-11-20',
      state: 'running',
      attempts: 1,
      instanceId: enos.triggers[0]!.instanceId,
    });
    // It goes on from there: its end, then the next date, once each.
    enos.setInstanceStatus(enos.triggers[0]!.instanceId!, 1);
    clock.advance(61_000);
    await second.tick();
    await second.backfills.tick();
    expect(triggeredDates()).toEqual(['2026-11-20', '2026-11-21']);
  });
});

describe('two replicas on one Redis', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const app of apps) await app.stop();
    apps = [];
    await redis.stop();
  });

  it('trigger each date exactly once, whichever replica passes first', async () => {
    const shared = { storeUrl: redis.url, keyPrefix: redis.keyPrefix, slack, enos, clock };
    apps = [await startTestApp(shared), await startTestApp(shared)];
    await apps[0]!.link(ALICE);
    await startBackfill(apps[0]!, '3377 2026-11-18 to 2026-11-22');
    for (let step = 0; step < 12 && endMessages().length === 0; step += 1) {
      const last = enos.triggers.at(-1);
      if (last?.instanceId) enos.setInstanceStatus(last.instanceId, 1);
      clock.advance(61_000);
      // Both replicas at once: their watchers, then their engines.
      await Promise.all(apps.map((a) => a.tick()));
      await Promise.all(apps.map((a) => a.backfills.tick()));
    }
    expect(triggeredDates()).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(endMessages()).toHaveLength(1);
    // Runs reported only in the thread: the parent, the progress reply and the end.
    expect(slack.callsOf('chat.postMessage')).toHaveLength(3);
  });
});

describe('Slack’s limits', () => {
  it('a 100-run backfill’s preview, progress reply and edits are within them', async () => {
    const app = await startTestApp({ slack, enos, clock });
    apps.push(app);
    await app.link(ALICE);
    await startBackfill(app, '3377 last 100 days');
    const [, reply] = slack.callsOf('chat.postMessage');
    expect(reply?.args.thread_ts).toBeDefined();
    const updates = slack.callsOf('chat.update');
    expect(updates.length).toBeGreaterThan(0);
    const text = textOf(updates.at(-1));
    expect(text).toContain('0/100 done · 1 running');
    // Every date has its line.
    expect(text.match(/waiting its turn/g)).toHaveLength(99);
    expect((updates.at(-1)!.args.blocks as unknown[]).length).toBeLessThanOrEqual(50);
  });
});

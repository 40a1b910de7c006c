// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` is an EnOS system variable that must pass through verbatim
/** The backfill store on both backends: records, the due and active indexes, controls, and plans with a TTL. */

import type { BackfillRecord } from '../../src/core/backfill';
import type { StoredBackfillPlan } from '../../src/core/stored-backfill-plan';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
let counter = 0;

function aBackfill(nextAt: number, overrides: Partial<BackfillRecord> = {}): BackfillRecord {
  counter += 1;
  return {
    id: `bf-${process.pid}-${counter}`,
    teamId: 'T1',
    slackUserId: 'U1',
    identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
    flowId: 3377,
    flowName: 'daily load',
    owners: ['alice', 'bob'],
    parameters: [{ key: 'DAY', value: '${cal_dt}' }],
    order: 'oldest-first',
    onFailure: 'stop',
    zone: 'Europe/Berlin',
    serverZone: 'Asia/Shanghai',
    channelId: 'C1',
    threadTs: '1764250000.000100',
    progress: { channelId: 'C1', ts: '1764250000.000200' },
    runs: [
      {
        businessDate: '2026-11-01',
        triggerTime: BASE,
        local: '2026-11-01 19:00',
        state: 'done',
        instanceId: '3377-1',
        status: 'SUCCESS',
        answeredAt: BASE + 1,
        endedAt: BASE + 2,
        attempts: 1,
      },
      {
        businessDate: '2026-11-02',
        triggerTime: BASE + 86_400_000,
        local: '2026-11-02 19:00',
        state: 'pending',
        attempts: 0,
      },
    ],
    status: 'running',
    nextAt,
    createdAt: BASE + counter,
    updatedAt: BASE,
    ...overrides,
  };
}

const aPlan = (id: string): StoredBackfillPlan => ({
  id,
  teamId: 'T1',
  slackUserId: 'U1',
  channelId: 'C1',
  flowId: 3377,
  flowName: 'daily load',
  identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
  runs: [{ businessDate: '2026-11-01', triggerTime: BASE, local: '2026-11-01 19:00' }],
  order: 'newest-first',
  onFailure: 'keep-going',
  parameters: [{ key: 'DAY', value: '${cal_dt}' }],
  zone: 'Europe/Berlin',
  serverZone: 'UTC+08:00',
  createdAt: BASE,
});

describe.each(backends)('BackfillStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  let made: BackfillRecord[];

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  beforeEach(() => {
    made = [];
  });
  afterEach(async () => {
    // Ending each backfill takes it off both indexes for the next test.
    for (const backfill of made) await store.backfills.put({ ...backfill, status: 'finished' });
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  const put = async (backfill: BackfillRecord) => {
    made.push(backfill);
    await store.backfills.put(backfill);
    return backfill;
  };

  test('put, get and replace one backfill, verbatim', async () => {
    const backfill = await put(aBackfill(BASE));
    expect(await store.backfills.get('T1', backfill.id)).toEqual(backfill);
    expect(await store.backfills.get('T2', backfill.id)).toBeUndefined();
    const moved: BackfillRecord = {
      ...backfill,
      status: 'paused',
      lastControl: { control: 'pause', slackUserId: 'U2', at: BASE + 5 },
      endTold: false,
    };
    await store.backfills.put(moved);
    expect(await store.backfills.get('T1', backfill.id)).toEqual(moved);
  });

  test('listDue: active backfills due now, most overdue first, at most `limit`; ended ones leave', async () => {
    const late = await put(aBackfill(BASE + 30_000));
    const early = await put(aBackfill(BASE + 10_000, { teamId: 'T2' }));
    const future = await put(aBackfill(BASE + 90_000));
    expect((await store.backfills.listDue(BASE + 60_000, 10)).map((b) => b.id)).toEqual([early.id, late.id]);
    expect((await store.backfills.listDue(BASE + 60_000, 1)).map((b) => b.id)).toEqual([early.id]);
    expect(await store.backfills.listDue(BASE, 10)).toEqual([]);
    await store.backfills.put({ ...early, status: 'cancelled' });
    expect((await store.backfills.listDue(BASE + 100_000, 10)).map((b) => b.id)).toEqual([
      late.id,
      future.id,
    ]);
    expect(await store.backfills.listDue(BASE + 100_000, 0)).toEqual([]);
  });

  test('listActive: one team, newest first, paused and stopped included, ended left out', async () => {
    const first = await put(aBackfill(BASE, { createdAt: BASE + 1 }));
    const second = await put(aBackfill(BASE, { createdAt: BASE + 2, status: 'stopped' }));
    const third = await put(aBackfill(BASE, { createdAt: BASE + 3, status: 'paused' }));
    await put(aBackfill(BASE, { teamId: 'T9' }));
    expect((await store.backfills.listActive('T1', 10)).map((b) => b.id)).toEqual([
      third.id,
      second.id,
      first.id,
    ]);
    expect((await store.backfills.listActive('T1', 2)).map((b) => b.id)).toEqual([third.id, second.id]);
    await store.backfills.put({ ...second, status: 'finished' });
    expect((await store.backfills.listActive('T1', 10)).map((b) => b.id)).toEqual([third.id, first.id]);
  });

  test('an index entry whose record is unreadable is dropped by listDue', async () => {
    const backfill = await put(aBackfill(BASE));
    await factory.writeRaw(factory.keys.backfill('T1', backfill.id), 'not json');
    expect(await store.backfills.listDue(BASE + 1, 10)).toEqual([]);
    await store.backfills.put(backfill);
    expect((await store.backfills.listDue(BASE + 1, 10)).map((b) => b.id)).toEqual([backfill.id]);
  });

  test('requestControl: the first click waits for takeControl; a second is told the first; take empties it', async () => {
    const id = `ctl-${process.pid}-${counter++}`;
    const first = { control: 'pause' as const, slackUserId: 'U1', at: BASE };
    expect(await store.backfills.requestControl('T1', id, first)).toEqual({ accepted: true });
    expect(
      await store.backfills.requestControl('T1', id, {
        control: 'cancel-all',
        slackUserId: 'U2',
        at: BASE + 1,
      }),
    ).toEqual({ accepted: false, pending: first });
    // Another backfill's control is its own.
    expect(await store.backfills.requestControl('T1', `${id}x`, first)).toEqual({ accepted: true });
    const other = await factory.open();
    expect(await other.backfills.takeControl('T1', id)).toEqual(first);
    expect(await store.backfills.takeControl('T1', id)).toBeUndefined();
    const next = { control: 'resume' as const, slackUserId: 'U2', at: BASE + 2 };
    expect(await store.backfills.requestControl('T1', id, next)).toEqual({ accepted: true });
    expect(await store.backfills.takeControl('T1', id)).toEqual(next);
    await store.backfills.takeControl('T1', `${id}x`);
  });

  test('refuses to write an invalid backfill', async () => {
    await expect(store.backfills.put({ ...aBackfill(BASE), flowId: 1.5 })).rejects.toThrow(/flowId/);
  });

  test('plans: kept verbatim by team and id, gone after their TTL', async () => {
    const id = `plan-${process.pid}`;
    await store.backfillPlans.put(aPlan(id), 60_000);
    expect(await store.backfillPlans.get('T1', id)).toEqual(aPlan(id));
    expect(await store.backfillPlans.get('T2', id)).toBeUndefined();
    await store.backfillPlans.put(aPlan(`${id}-short`), 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.backfillPlans.get('T1', `${id}-short`)).toBeUndefined();
  });
});

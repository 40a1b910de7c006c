import type { RunWatch } from '../../src/core/ports';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
let counter = 0;

/** A watch with a unique instance ID, due at `nextPollAt`. */
function aWatch(nextPollAt: number, overrides: Partial<RunWatch> = {}): RunWatch {
  counter += 1;
  return {
    instanceId: `3377-${process.pid}${String(counter).padStart(6, '0')}`,
    teamId: 'T1',
    attemptId: `attempt-${counter}`,
    slackUserId: 'U1',
    identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
    flowId: 3377,
    flowName: 'daily load',
    triggerTime: BASE,
    channelId: 'C1',
    threadTs: '1764250000.000100',
    reply: { channelId: 'C1', ts: '1764250000.000200' },
    private: false,
    createdAt: BASE,
    nextPollAt,
    giveUpAt: BASE + 86_400_000,
    step: 0,
    polls: 0,
    errors: 0,
    ...overrides,
  };
}

describe.each(backends)('WatchStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  let made: RunWatch[];

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  beforeEach(() => {
    made = [];
  });
  afterEach(async () => {
    // One watch list per store: each test leaves it empty for the next.
    for (const watch of made) await store.watches.remove(watch.instanceId);
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  const put = async (watch: RunWatch) => {
    made.push(watch);
    await store.watches.put(watch);
    return watch;
  };

  test('put, get, replace and remove one watch', async () => {
    const watch = await put(aWatch(BASE + 15_000));
    expect(await store.watches.get(watch.instanceId)).toEqual(watch);
    const moved = {
      ...watch,
      nextPollAt: BASE + 45_000,
      step: 1,
      polls: 1,
      lastStatus: 2,
      lastPhase: 'running',
    };
    await store.watches.put(moved);
    expect(await store.watches.get(watch.instanceId)).toEqual(moved);
    await store.watches.remove(watch.instanceId);
    expect(await store.watches.get(watch.instanceId)).toBeUndefined();
    await store.watches.remove(watch.instanceId);
  });

  test('listDue returns the due watches, most overdue first, at most `limit`', async () => {
    const late = await put(aWatch(BASE + 30_000));
    const early = await put(aWatch(BASE + 10_000));
    const notYet = await put(aWatch(BASE + 60_000));
    const exactly = await put(aWatch(BASE + 40_000));

    const ids = async (now: number, limit: number) =>
      (await store.watches.listDue(now, limit)).map((w) => w.instanceId);
    expect(await ids(BASE, 10)).toEqual([]);
    expect(await ids(BASE + 40_000, 10)).toEqual([early.instanceId, late.instanceId, exactly.instanceId]);
    expect(await ids(BASE + 40_000, 2)).toEqual([early.instanceId, late.instanceId]);
    expect(await ids(BASE + 40_000, 0)).toEqual([]);

    // A put moves a watch in the order; a removed one is not due any more.
    await store.watches.put({ ...early, nextPollAt: BASE + 50_000 });
    await store.watches.remove(late.instanceId);
    expect(await ids(BASE + 60_000, 10)).toEqual([exactly.instanceId, early.instanceId, notYet.instanceId]);
  });

  test('an index entry whose record is gone is skipped and removed, not due forever', async () => {
    const orphan = await put(aWatch(BASE + 1_000));
    const fine = await put(aWatch(BASE + 2_000));
    await factory.writeRaw(factory.keys.watch(orphan.instanceId), 'not json');
    expect((await store.watches.listDue(BASE + 5_000, 1)).map((w) => w.instanceId)).toEqual([]);
    // The orphan is gone from the index: the next pass reaches the watch behind it.
    expect((await store.watches.listDue(BASE + 5_000, 1)).map((w) => w.instanceId)).toEqual([
      fine.instanceId,
    ]);
  });

  test('refuses to write a watch that breaks the record schema', async () => {
    await expect(
      store.watches.put({ ...aWatch(BASE), identity: undefined } as unknown as RunWatch),
    ).rejects.toThrow(/invalid run watch \(identity/);
  });

  test('another Store on the same data sees the same watch list (a restarted replica)', async () => {
    const watch = await put(aWatch(BASE + 1_000));
    const other = await factory.open();
    expect((await other.watches.listDue(BASE + 1_000, 10)).map((w) => w.instanceId)).toEqual([
      watch.instanceId,
    ]);
  });
});

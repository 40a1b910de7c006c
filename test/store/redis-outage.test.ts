import { StoreError } from '../../src/core/errors';
import { openStore, type Store } from '../../src/store/open-store';
import { type SpawnedRedisServer, spawnRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { captureLogger } from './capture-logger';
import { aLink, anAuditRecord } from './fixtures';

/** Generous: "does not hang" means well below jest's timeout, not a performance claim. */
const FAILS_WITHIN_MS = 3000;

/** Resolves with how long `promise` took to reject with a StoreError. */
async function timeStoreError(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await expect(promise).rejects.toBeInstanceOf(StoreError);
  return Date.now() - started;
}

describe('Redis goes down and comes back', () => {
  let redis: SpawnedRedisServer;
  let store: Store;
  const log = captureLogger();

  beforeAll(async () => {
    redis = await spawnRedisServer();
    store = await openStore(redis.url, { logger: log.logger, keyPrefix: redis.keyPrefix });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  test('operations fail fast with StoreError while it is down, and work again without reopening', async () => {
    await store.links.put(aLink());
    expect(await store.links.get('T1', 'U1')).toEqual(aLink());

    await redis.stop();

    expect(await timeStoreError(store.links.get('T1', 'U1'))).toBeLessThan(FAILS_WITHIN_MS);
    expect(await timeStoreError(store.links.put(aLink()))).toBeLessThan(FAILS_WITHIN_MS);
    expect(await timeStoreError(store.links.list('T1'))).toBeLessThan(FAILS_WITHIN_MS);
    expect(await timeStoreError(store.claims.claim('dup', 'v', 10_000))).toBeLessThan(FAILS_WITHIN_MS);
    expect(await timeStoreError(store.audit.put(anAuditRecord()))).toBeLessThan(FAILS_WITHIN_MS);
    expect(await timeStoreError(store.ping())).toBeLessThan(FAILS_WITHIN_MS);
    // The outage is in the log, once at error level, and the process did not crash on 'error' events.
    expect(
      log.entries().filter((e) => e.level >= 50 && e.msg === 'Redis error').length,
    ).toBeGreaterThanOrEqual(1);

    await redis.restart();

    await waitFor(() => store.ping().then(() => true), {
      timeoutMs: 10_000,
      description: 'store answers again',
    });
    // The restarted server kept nothing (--save ''): write, then read back.
    await store.links.put(aLink());
    expect(await store.links.get('T1', 'U1')).toEqual(aLink());
    expect(await store.claims.claim('dup', 'v', 10_000)).toEqual({ claimed: true });
    expect(log.entries().some((e) => e.msg === 'Redis connection restored')).toBe(true);
  });
});

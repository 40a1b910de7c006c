import { openSqliteConnection } from '../../src/store/open-sqlite-connection';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

let keyCounter = 0;
/** A claim key no other test uses. */
function uniqueKey(): string {
  keyCounter += 1;
  return `dup:${process.pid}:${Date.now()}:${keyCounter}`;
}

describe.each(backends)('ClaimStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('the first claim wins; the second gets the holder’s value', async () => {
    const key = uniqueKey();
    expect(await store.claims.claim(key, 'first', 10_000)).toEqual({ claimed: true });
    expect(await store.claims.claim(key, 'second', 10_000)).toEqual({ claimed: false, existing: 'first' });
    expect(await store.claims.get(key)).toBe('first');
  });

  test('a claimant with the same value still loses', async () => {
    const key = uniqueKey();
    expect(await store.claims.claim(key, 'same', 10_000)).toEqual({ claimed: true });
    expect(await store.claims.claim(key, 'same', 10_000)).toEqual({ claimed: false, existing: 'same' });
  });

  test('an expired claim is absent and can be claimed again', async () => {
    const key = uniqueKey();
    expect(await store.claims.claim(key, 'short', 80)).toEqual({ claimed: true });
    await factory.advance(200);
    expect(await store.claims.get(key)).toBeUndefined();
    expect(await store.claims.claim(key, 'next', 10_000)).toEqual({ claimed: true });
    expect(await store.claims.get(key)).toBe('next');
  });

  test('update replaces the value of an existing claim and extends it from the update', async () => {
    const key = uniqueKey();
    await store.claims.claim(key, 'pending', 600);
    await factory.advance(300);
    await store.claims.update(key, 'posted', 5_000);
    // Past the first claim's end: only the update can be holding the key now.
    await factory.advance(500);
    expect(await store.claims.get(key)).toBe('posted');
    expect(await store.claims.claim(key, 'other', 10_000)).toEqual({ claimed: false, existing: 'posted' });
  });

  test('update re-establishes a claim that expired meanwhile', async () => {
    const key = uniqueKey();
    await store.claims.claim(key, 'pending', 50);
    await factory.advance(150);
    expect(await store.claims.get(key)).toBeUndefined();
    await store.claims.update(key, 'posted', 10_000);
    expect(await store.claims.claim(key, 'other', 10_000)).toEqual({ claimed: false, existing: 'posted' });
  });

  test('release frees the key; releasing a free key is harmless', async () => {
    const key = uniqueKey();
    await store.claims.claim(key, 'held', 10_000);
    await store.claims.release(key);
    expect(await store.claims.get(key)).toBeUndefined();
    await expect(store.claims.release(key)).resolves.toBeUndefined();
    expect(await store.claims.claim(key, 'again', 10_000)).toEqual({ claimed: true });
  });

  test('get of a key never claimed is undefined', async () => {
    expect(await store.claims.get(uniqueKey())).toBeUndefined();
  });

  test('a lifetime that is not a positive whole number of ms is refused', async () => {
    await expect(store.claims.claim(uniqueKey(), 'v', 0)).rejects.toBeInstanceOf(RangeError);
    await expect(store.claims.update(uniqueKey(), 'v', 1.5)).rejects.toBeInstanceOf(RangeError);
  });

  test('100 simultaneous claims from two Stores on the same backend: exactly one wins', async () => {
    const other = await factory.open();
    const key = uniqueKey();
    const attempts = Array.from({ length: 50 }, (_, i) => [
      store.claims.claim(key, `a-${i}`, 10_000).then((result) => ({ value: `a-${i}`, result })),
      other.claims.claim(key, `b-${i}`, 10_000).then((result) => ({ value: `b-${i}`, result })),
    ]).flat();
    const outcomes = await Promise.all(attempts);

    const winners = outcomes.filter((outcome) => outcome.result.claimed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.value;
    for (const outcome of outcomes) {
      if (!outcome.result.claimed) expect(outcome.result.existing).toBe(winner);
    }
    expect(await other.claims.get(key)).toBe(winner);
  });
});

describe('ClaimStore on sqlite: expired rows', () => {
  let factory: StoreFactory;

  beforeAll(async () => {
    factory = await backends[0]![1]();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  async function claimKeys(): Promise<string[]> {
    const connection = await openSqliteConnection(factory.url.replace(/^sqlite:\/\//, ''), 2000);
    try {
      const rows = (await connection.query('SELECT key FROM claims ORDER BY key')) as Array<{ key: string }>;
      return rows.map((row) => row.key);
    } finally {
      await connection.close();
    }
  }

  test('are deleted by a later claim, at most once a minute', async () => {
    const store = await factory.open();
    // The first claim of a Store sweeps; the next sweep is due a minute later.
    await store.claims.claim('old', 'v', 50);
    await factory.advance(120);
    await store.claims.claim('young', 'v', 10_000);
    expect(await claimKeys()).toEqual([factory.keys.claim('old'), factory.keys.claim('young')]);

    await factory.advance(60_000);
    await store.claims.claim('new', 'v', 10_000);
    expect(await claimKeys()).toEqual([factory.keys.claim('new')]);
  });
});

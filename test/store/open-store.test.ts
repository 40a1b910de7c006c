import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StoreError } from '../../src/core/errors';
import { openStore } from '../../src/store/open-store';
import { parseStoreUrl } from '../../src/store/parse-store-url';
import { redactUrl } from '../../src/store/redact-url';
import { freePort } from '../helpers/redis-server';
import { captureLogger } from './capture-logger';
import { aLink } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

describe('parseStoreUrl', () => {
  test('SQLite paths: relative to the working directory, absolute, in memory', () => {
    expect(parseStoreUrl('sqlite://data/flow-trigger.sqlite', '/srv/app')).toEqual({
      backend: 'sqlite',
      filename: '/srv/app/data/flow-trigger.sqlite',
    });
    expect(parseStoreUrl('sqlite:///var/lib/ft/store.sqlite', '/srv/app')).toEqual({
      backend: 'sqlite',
      filename: '/var/lib/ft/store.sqlite',
    });
    expect(parseStoreUrl('sqlite://:memory:')).toEqual({ backend: 'sqlite', filename: ':memory:' });
  });

  test('Redis URLs are kept as given', () => {
    for (const url of [
      'redis://localhost:6379',
      'redis://u:p@redis.internal:6380/2',
      'rediss://:p@host:6379',
    ]) {
      expect(parseStoreUrl(url)).toEqual({ backend: 'redis', url });
    }
  });

  test.each([
    ['postgres://app:hunter2@db/flow', 'unknown scheme'],
    ['sqlite:data/x.sqlite', 'unknown scheme'],
    ['sqlite://', 'names no database file'],
    ['redis://', 'names no host'],
    ['redis://:hunter2@host:6379/cache', 'database number'],
    ['', 'unknown scheme'],
  ])('%j is refused: %s, with the accepted forms and without the password', (url, why) => {
    const error = (() => {
      try {
        parseStoreUrl(url);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as StoreError).message;
    expect(message).toContain(why);
    expect(message).toContain('sqlite:///absolute/path');
    expect(message).toContain('redis://[user:password@]host:port[/db]');
    expect(message).not.toContain('hunter2');
  });
});

describe('redactUrl', () => {
  test.each([
    ['redis://user:hunter2@host:6379/0', 'redis://user:***@host:6379/0'],
    ['rediss://:hunter2@host:6379', 'rediss://:***@host:6379'],
    ['redis://hunter2@host:6379', 'redis://***@host:6379'],
    ['redis://u:hun@ter2@host:6379', 'redis://u:***@host:6379'],
    ['redis://host:6379', 'redis://host:6379'],
    ['sqlite://data/x.sqlite', 'sqlite://data/x.sqlite'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('openStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flow-trigger-open-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('creates the directory of a SQLite file', async () => {
    const filename = path.join(dir, 'a', 'b', 'store.sqlite');
    const store = await openStore(`sqlite://${filename}`, { logger: captureLogger().logger });
    try {
      expect(store.backend).toBe('sqlite');
      expect(existsSync(filename)).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('sqlite://:memory: works: records, their index and claims, each on its own connection', async () => {
    const store = await openStore('sqlite://:memory:', { logger: captureLogger().logger });
    try {
      await store.links.put(aLink());
      expect(await store.links.get('T1', 'U1')).toEqual(aLink());
      // Listing reads the sorted index (our connection) and then the records (keyv's).
      expect(await store.links.list('T1')).toEqual([aLink()]);
      expect(await store.claims.claim('k', 'v', 10_000)).toEqual({ claimed: true });
      expect(await store.claims.claim('k', 'w', 10_000)).toEqual({ claimed: false, existing: 'v' });
    } finally {
      await store.close();
    }
  });

  test('a SQLite file that cannot be opened is a StoreError naming it', async () => {
    const blocker = path.join(dir, 'not-a-directory');
    await writeFile(blocker, 'x');
    const url = `sqlite://${path.join(blocker, 'store.sqlite')}`;
    const error = await openStore(url, { logger: captureLogger().logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(blocker);
  });

  test('an unreachable Redis rejects quickly, without the password in the message or the log', async () => {
    const port = await freePort();
    const log = captureLogger();
    const started = Date.now();
    const error = await openStore(`redis://flow:hunter2@127.0.0.1:${port}/0`, {
      logger: log.logger,
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(StoreError);
    const message = (error as StoreError).message;
    expect(message).toContain(`redis://flow:***@127.0.0.1:${port}/0`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('hunter2');
    expect(log.text()).not.toContain('hunter2');
    expect(elapsed).toBeLessThan(4000);
  });

  test('the default start-up bound is a few seconds', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(
      openStore(`redis://127.0.0.1:${port}`, { logger: captureLogger().logger }),
    ).rejects.toBeInstanceOf(StoreError);
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

describe.each(backends)('a Store on %s', (backend, makeFactory) => {
  let factory: StoreFactory;
  beforeAll(async () => {
    factory = await makeFactory();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('says which backend it is, answers ping, closes idempotently, and refuses work once closed', async () => {
    const store = await factory.open();
    expect(store.backend).toBe(backend);
    await expect(store.ping()).resolves.toBeUndefined();

    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreError);
    await expect(store.links.get('T1', 'U1')).rejects.toThrow(/closed/);
    await expect(store.claims.claim('k', 'v', 1000)).rejects.toBeInstanceOf(StoreError);
  });
});

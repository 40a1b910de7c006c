import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { createClient } from '@redis/client';
import { createStoreKeys, type StoreKeys } from '../../src/store/create-store-keys';
import { type OpenStoreOptions, openStore, type Store } from '../../src/store/open-store';
import { startRedisServer } from '../helpers/redis-server';
import { sleep } from '../helpers/wait-for';
import { captureLogger } from './capture-logger';

/** One backend for the shared test suites: several Stores on the same data, and raw access. */
export interface StoreFactory {
  backend: 'sqlite' | 'redis';
  url: string;
  keys: StoreKeys;
  /** Opens one more Store on the same data (same SQLite file, same Redis and key prefix). */
  open(options?: Omit<OpenStoreOptions, 'keyPrefix'>): Promise<Store>;
  /**
   * Lets `ms` pass for claim expiry: on SQLite by moving the clock every Store of this factory
   * reads (no real wait); on Redis, which expires keys on its own clock, by waiting.
   */
  advance(ms: number): Promise<void>;
  /** Writes `value` verbatim at `key`, bypassing keyv and validation (to corrupt a record). */
  writeRaw(key: string, value: string): Promise<void>;
  /** Closes every Store opened, then removes the file / the keys / the server. */
  teardown(): Promise<void>;
}

const KEY_PREFIX_SQLITE = 'flow-trigger:';

async function sqliteFactory(): Promise<StoreFactory> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flow-trigger-store-'));
  const filename = path.join(dir, 'store.sqlite');
  const url = `sqlite://${filename}`;
  const opened: Store[] = [];
  let now = Date.now();
  return {
    backend: 'sqlite',
    url,
    keys: createStoreKeys(KEY_PREFIX_SQLITE),
    async open(options) {
      const store = await openStore(url, {
        logger: captureLogger().logger,
        clock: () => now,
        ...options,
        keyPrefix: KEY_PREFIX_SQLITE,
      });
      opened.push(store);
      return store;
    },
    async advance(ms) {
      now += ms;
    },
    async writeRaw(key, value) {
      const adapter = new KeyvSqlite({ uri: url, table: 'keyv', busyTimeout: 2000 });
      try {
        await adapter.set(key, value);
      } finally {
        await adapter.disconnect();
      }
    },
    async teardown() {
      await Promise.all(opened.map((store) => store.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function redisFactory(): Promise<StoreFactory> {
  const redis = await startRedisServer();
  const opened: Store[] = [];
  return {
    backend: 'redis',
    url: redis.url,
    keys: createStoreKeys(redis.keyPrefix),
    async open(options) {
      const store = await openStore(redis.url, {
        logger: captureLogger().logger,
        ...options,
        keyPrefix: redis.keyPrefix,
      });
      opened.push(store);
      return store;
    },
    advance: sleep,
    async writeRaw(key, value) {
      const client = createClient({ url: redis.url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.set(key, value);
      } finally {
        await client.close();
      }
    },
    async teardown() {
      await Promise.all(opened.map((store) => store.close()));
      await redis.stop();
    },
  };
}

/** For `describe.each(backends)`: every suite runs against both. */
export const backends: Array<[StoreFactory['backend'], () => Promise<StoreFactory>]> = [
  ['sqlite', sqliteFactory],
  ['redis', redisFactory],
];

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { StoreError } from '../core/errors';
import type { Backend, BackendContext } from './backend';
import { describeError } from './create-operation-runner';
import { openSqliteConnection, type SqliteConnection } from './open-sqlite-connection';
import { SQLITE_CLAIMS_SCHEMA, SqliteClaimStore } from './sqlite-claim-store';
import type { SqliteQuery } from './sqlite-query';
import { SQLITE_SORTED_INDEX_SCHEMA, SqliteSortedIndex } from './sqlite-sorted-index';

/**
 * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY.
 * Below the operation timeout, so that a long lock surfaces as SQLite's own error.
 */
const BUSY_TIMEOUT_MS = 4000;

/*
 * In WAL mode, NORMAL syncs at checkpoints instead of on every commit (SQLite's advice for WAL):
 * the file stays consistent, a crash of the app loses nothing, and only a power loss or OS crash
 * can drop the last commits, as Redis's default `appendfsync everysec` can. FULL cost an fsync for
 * each write of a trigger: on the benchmark machine, about half of a trigger's end-to-end time
 * (docs/benchmarks.md).
 */
const SYNCHRONOUS_NORMAL = 'PRAGMA synchronous = NORMAL';

/**
 * Opens the SQLite file (creating its directory) on two connections, each the only way to its
 * tables:
 *
 * - @keyv/sqlite's own connection holds the records, in its table `keyv`, through keyv's API;
 * - ours (openSqliteConnection, node-sqlite3 declared in package.json) holds what keyv cannot do:
 *   the atomic claims (`claims`) and the sorted indexes (`sorted_index`).
 *
 * With `:memory:` each connection has a database of its own; that is fine, since no table is
 * reached through both. The file is in WAL mode, so that readers do not block the writer when
 * connections or processes share it.
 */
export async function openSqliteBackend(filename: string, context: BackendContext): Promise<Backend> {
  const { storeName, logger } = context;
  const inMemory = filename === ':memory:';
  if (!inMemory) {
    try {
      await mkdir(path.dirname(filename), { recursive: true });
    } catch (error) {
      throw new StoreError(
        `Could not create the directory of the SQLite store ${storeName}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  let connection: SqliteConnection | undefined;
  let adapter: KeyvSqlite | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const results = await Promise.allSettled([connection?.close(), adapter?.disconnect()]);
    for (const result of results) {
      if (result.status === 'rejected')
        logger.warn({ err: result.reason }, 'closing the SQLite store failed');
    }
  };
  const query: SqliteQuery = (sql, ...parameters) => {
    if (!connection) return Promise.reject(new Error('the SQLite connection is not open'));
    return connection.query(sql, ...parameters);
  };

  let keyv: Keyv;
  try {
    keyv = await context.runner.run('prepare the SQLite tables', async () => {
      // Ours first: switching the file to WAL needs no other connection in the middle of a
      // transaction, and the mode then holds for every later connection to the file.
      connection = await openSqliteConnection(filename, BUSY_TIMEOUT_MS);
      if (!inMemory) await query('PRAGMA journal_mode = WAL');
      await query(SYNCHRONOUS_NORMAL);
      for (const statement of [...SQLITE_CLAIMS_SCHEMA, ...SQLITE_SORTED_INDEX_SCHEMA])
        await query(statement);

      adapter = new KeyvSqlite({ uri: `sqlite://${filename}`, table: 'keyv', busyTimeout: BUSY_TIMEOUT_MS });
      // namespace undefined: keys are used exactly as StoreKeys builds them, the same on both backends.
      const records = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
      // Without a listener, an 'error' event (the adapter emits one when the file cannot be opened)
      // would be thrown by EventEmitter and crash the process.
      records.on('error', (error: unknown) => logger.error({ err: error }, 'SQLite store error'));
      // `query` is the adapter's public method; it waits for the adapter's connection and its
      // table, so a file that cannot be opened fails here, at start. Called in the constructor's
      // tick: the adapter's connection promise gets a handler before it can reject. `synchronous`
      // is a setting of each connection.
      await adapter.query(SYNCHRONOUS_NORMAL);
      return records;
    });
  } catch (error) {
    // Already a StoreError naming the store and SQLite's reason (SQLITE_CANTOPEN, SQLITE_BUSY…).
    await close();
    throw error;
  }

  return {
    keyv,
    index: new SqliteSortedIndex(query),
    claims: new SqliteClaimStore(query, context.keys, context.runner, context.clock),
    ping: async () => {
      await query('SELECT 1');
    },
    close,
  };
}

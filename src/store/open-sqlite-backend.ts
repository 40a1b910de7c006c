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

/** keyv's table, exactly as @keyv/sqlite 4 creates it (table `keyv`, default key size). */
const KEYV_TABLE_SCHEMA = 'CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )';

/**
 * Opens the SQLite file (creating its directory), in WAL mode so that readers do not block the
 * writer when several processes share the file, and creates the tables keyv does not: `claims`
 * and `sorted_index`. Records live in keyv's own table, `keyv`.
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

  const adapter = new KeyvSqlite({
    uri: `sqlite://${filename}`,
    table: 'keyv',
    busyTimeout: BUSY_TIMEOUT_MS,
  });
  // namespace undefined: keys are used exactly as StoreKeys builds them, the same on both backends.
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  // Without a listener, an 'error' event (the adapter emits one when the file cannot be opened)
  // would be thrown by EventEmitter and crash the process.
  keyv.on('error', (error: unknown) => logger.error({ err: error }, 'SQLite store error'));
  const adapterQuery = adapter.query as SqliteQuery;
  // Every statement, keyv's included, runs on a connection of ours that keeps its statements
  // prepared (see openSqliteConnection); the adapter's own connection only creates its table.
  let connection: SqliteConnection | undefined;
  const query: SqliteQuery = (sql, ...parameters) => {
    if (!connection) return Promise.reject(new Error('the SQLite connection is not open'));
    return connection.query(sql, ...parameters);
  };
  adapter.query = query;

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const results = await Promise.allSettled([connection?.close(), adapter.disconnect()]);
    for (const result of results) {
      if (result.status === 'rejected')
        logger.warn({ err: result.reason }, 'closing the SQLite store failed');
    }
  };

  try {
    // Called before this tick ends: the adapter's connection promise must get a handler before it
    // can reject, or a failed open would be an unhandled rejection.
    const setup = (async () => {
      const [adapterReady, opened] = await Promise.allSettled([
        adapterQuery('SELECT 1'),
        openSqliteConnection(inMemory ? ':memory:' : filename, BUSY_TIMEOUT_MS),
      ]);
      if (opened.status === 'fulfilled') connection = opened.value;
      if (adapterReady.status === 'rejected') throw adapterReady.reason;
      if (opened.status === 'rejected') throw opened.reason;
      // Also here: with :memory:, each connection has a database of its own.
      await query(KEYV_TABLE_SCHEMA);
      if (!inMemory) {
        await query('PRAGMA journal_mode = WAL');
        // In WAL mode, NORMAL syncs at checkpoints instead of on every commit (SQLite's advice for
        // WAL): the file stays consistent, a crash of the app loses nothing, and only a power loss
        // or OS crash can drop the last commits, as Redis's default `appendfsync everysec` can.
        // FULL cost an fsync for each of the eight writes of a trigger: on the benchmark machine,
        // about half of a trigger's end-to-end time (docs/benchmarks.md).
        await query('PRAGMA synchronous = NORMAL');
      }
      for (const statement of [...SQLITE_CLAIMS_SCHEMA, ...SQLITE_SORTED_INDEX_SCHEMA])
        await query(statement);
    })();
    await context.runner.run('prepare the SQLite tables', () => setup);
  } catch (error) {
    // Already a StoreError naming the store and SQLite's reason (SQLITE_CANTOPEN, SQLITE_BUSY…).
    await close();
    throw error;
  }

  return {
    keyv,
    index: new SqliteSortedIndex(query),
    claims: new SqliteClaimStore(query, context.keys, context.runner),
    ping: async () => {
      await query('SELECT 1');
    },
    close,
  };
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { StoreError } from '../core/errors';
import type { Backend, BackendContext } from './backend';
import { describeError } from './create-operation-runner';
import { SQLITE_CLAIMS_SCHEMA, SqliteClaimStore } from './sqlite-claim-store';
import type { SqliteQuery } from './sqlite-query';
import { SQLITE_SORTED_INDEX_SCHEMA, SqliteSortedIndex } from './sqlite-sorted-index';

/**
 * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY.
 * Below the operation timeout, so that a long lock surfaces as SQLite's own error.
 */
const BUSY_TIMEOUT_MS = 4000;

/**
 * Runs the statements on the connection one at a time, in the order they are asked for.
 *
 * node-sqlite3 prepares and steps a statement on the libuv thread pool, but finalizes it on the
 * main thread, and sqlite3_finalize takes the connection's mutex. With several statements in
 * flight on one connection, the event loop blocked on that mutex until a pool thread finished its
 * statement (an fsync, under FULL): measured as 8 to 13% of the main thread's time under load, and
 * as acks delayed by tens of milliseconds. SQLite runs one statement at a time per connection in
 * any case, so queueing them here loses nothing, and the next statement starts as soon as the
 * previous one is finalized.
 */
export function oneAtATime(query: SqliteQuery): SqliteQuery {
  let tail: Promise<unknown> = Promise.resolve();
  return (sql, ...parameters) => {
    const result = tail.then(() => query(sql, ...parameters));
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}

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
  // Every statement, keyv's own included, one at a time: see oneAtATime.
  const query = oneAtATime(adapter.query as SqliteQuery);
  adapter.query = query;

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await adapter.disconnect();
    } catch (error) {
      logger.warn({ err: error }, 'closing the SQLite store failed');
    }
  };

  try {
    // Called before this tick ends: the adapter's connection promise must get a handler before it
    // can reject, or a failed open would be an unhandled rejection.
    const setup = (async () => {
      if (!inMemory) {
        await query('PRAGMA journal_mode = WAL');
        // In WAL mode, NORMAL syncs at checkpoints instead of on every commit (SQLite's advice for
        // WAL): the file stays consistent, a crash of the app loses nothing, and only a power loss
        // or OS crash can drop the last commits, as Redis's default `appendfsync everysec` can.
        // FULL cost an fsync per statement, about ten per trigger, and node-sqlite3 finalizes each
        // statement on the main thread under the connection's mutex, so every fsync also stalled
        // the event loop, acks included (docs/benchmarks.md).
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

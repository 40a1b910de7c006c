// Declared in package.json at the version @keyv/sqlite depends on, so npm installs one copy (one
// native build) that both use. This connection is ours: keyv never sees it.
import { Database, type Statement } from 'sqlite3';
import type { SqliteQuery } from './sqlite-query';

/**
 * Prepared statements kept at most: the store uses about twenty distinct SQL texts, each with as
 * many copies as calls of it were ever in flight at once.
 */
const MAX_PREPARED_STATEMENTS = 256;

/** How long close() waits for the statements in flight (below the store's operation timeout). */
const CLOSE_WAIT_MS = 4000;

/** A SQLite connection whose `query` reuses prepared statements. */
export interface SqliteConnection {
  /** `Database#all`'s contract: positional values or one object of `$named` values. */
  query: SqliteQuery;
  /** Finalizes the statements and closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens `filename` with a cache of prepared statements. Why not `Database#all`, as @keyv/sqlite
 * does: it prepares a new statement for every call (a trip to the thread pool) and finalizes it
 * on the main thread, where sqlite3_finalize waits for the connection's mutex while a pool thread
 * runs another statement. With many statements per trigger and many triggers in flight, that was
 * the largest single cost on the event loop (docs/benchmarks.md). This connection serves the
 * claims and the sorted indexes; keyv's records stay on @keyv/sqlite's own connection.
 */
export function openSqliteConnection(filename: string, busyTimeoutMs: number): Promise<SqliteConnection> {
  return new Promise((resolve, reject) => {
    const db: Database = new Database(filename, (error) => {
      if (error) {
        reject(error);
        return;
      }
      db.configure('busyTimeout', busyTimeoutMs);
      resolve(withStatementCache(db));
    });
  });
}

function withStatementCache(db: Database): SqliteConnection {
  /** Idle prepared statements by SQL text: one copy per call that was ever in flight at once. */
  const idle = new Map<string, Statement[]>();
  /** Statements kept (idle or in use), against MAX_PREPARED_STATEMENTS. */
  let kept = 0;
  /** Calls between taking a statement and giving it back. */
  let busy = 0;
  let closed = false;
  let onIdle: (() => void) | undefined;

  const prepare = (sql: string): Promise<Statement> =>
    new Promise<Statement>((resolve, reject) => {
      // node-sqlite3 drops the calls queued on a statement that fails to prepare: nothing is
      // queued on one before it is prepared.
      const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
    });
  const finalize = (statement: Statement) =>
    new Promise<void>((resolve) => statement.finalize(() => resolve()));

  const query: SqliteQuery = async (sql, ...parameters) => {
    if (closed) throw new Error('the SQLite connection is closed');
    busy += 1;
    // A statement runs one call at a time (node-sqlite3 queues the others, and starts each only
    // when the event loop has handled the one before), so calls in flight at once get a copy each.
    let statement = idle.get(sql)?.pop();
    let keep = true;
    try {
      if (!statement) {
        keep = kept < MAX_PREPARED_STATEMENTS;
        if (keep) kept += 1;
        try {
          statement = await prepare(sql);
        } catch (error) {
          if (keep) kept -= 1;
          throw error;
        }
      }
      const prepared = statement;
      return await new Promise<unknown[]>((resolve, reject) => {
        prepared.all(...parameters, (error: Error | null, rows: unknown[]) =>
          error ? reject(error) : resolve(rows),
        );
      });
    } finally {
      if (statement) {
        if (keep && !closed) {
          const copies = idle.get(sql);
          if (copies) copies.push(statement);
          else idle.set(sql, [statement]);
        } else {
          // Beyond the bound (used once, as Database#all does), or closing.
          if (keep) kept -= 1;
          void finalize(statement);
        }
      }
      busy -= 1;
      if (busy === 0) onIdle?.();
    }
  };

  return {
    query,
    async close() {
      closed = true;
      // sqlite3_close refuses while a statement is unfinalized: let the calls in flight finish.
      if (busy > 0) {
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          setTimeout(resolve, CLOSE_WAIT_MS).unref();
        });
      }
      const statements = [...idle.values()].flat();
      idle.clear();
      await Promise.all(statements.map(finalize));
      await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

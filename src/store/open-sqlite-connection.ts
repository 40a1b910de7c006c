import { createRequire } from 'node:module';
import type { Database, Statement } from 'sqlite3';
import type { SqliteQuery } from './sqlite-query';

// node-sqlite3 is @keyv/sqlite's driver. Resolved through @keyv/sqlite, so that this is the very
// module (and native binding) that @keyv/sqlite declares and uses, not a second copy.
const sqlite3 = createRequire(require.resolve('@keyv/sqlite'))('sqlite3') as typeof import('sqlite3');

/**
 * Prepared statements kept at most: the store uses about twenty distinct SQL texts, each with as
 * many copies as calls of it were ever in flight at once.
 */
const MAX_PREPARED_STATEMENTS = 256;

/** A SQLite connection whose `query` reuses prepared statements. */
export interface SqliteConnection {
  /** Same contract as @keyv/sqlite's `query` (Database#all): positional values or one `$named` object. */
  query: SqliteQuery;
  /** Finalizes the statements and closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens `filename` with a cache of prepared statements. Why not `Database#all`: it prepares a new
 * statement for every call and finalizes it on the main thread, and sqlite3_finalize waits for the
 * connection's mutex, which a thread-pool thread holds while it runs another statement. Under load
 * (a dozen statements per trigger, many triggers in flight) the event loop spent 8 to 13% of its
 * time blocked there (docs/benchmarks.md). A prepared statement is bound and stepped on the
 * thread pool, and finalized only at close: the main thread never waits for the mutex.
 */
export function openSqliteConnection(filename: string, busyTimeoutMs: number): Promise<SqliteConnection> {
  return new Promise((resolve, reject) => {
    const db: Database = new sqlite3.Database(filename, (error) => {
      if (error) {
        reject(error);
        return;
      }
      db.configure('busyTimeout', busyTimeoutMs);
      resolve(withStatementCache(db));
    });
  });
}

/** Prepared copies of one SQL statement: one per call in flight, reused when idle. */
interface StatementPool {
  idle: Statement[];
  size: number;
}

function withStatementCache(db: Database): SqliteConnection {
  const pools = new Map<string, StatementPool>();
  let total = 0;

  const prepare = (sql: string): Promise<Statement> =>
    new Promise<Statement>((resolve, reject) => {
      // node-sqlite3 drops the calls queued on a statement that fails to prepare: nothing is
      // queued on one before it is prepared.
      const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
    });

  const query: SqliteQuery = async (sql, ...parameters) => {
    // A statement runs one call at a time (node-sqlite3 queues the others, and starts each only
    // when the event loop has handled the previous one), so concurrent calls of the same SQL each
    // get a copy of their own.
    let pool = pools.get(sql);
    if (!pool) {
      pool = { idle: [], size: 0 };
      pools.set(sql, pool);
    }
    let statement = pool.idle.pop();
    let keep = true;
    if (!statement) {
      keep = total < MAX_PREPARED_STATEMENTS;
      if (keep) {
        pool.size += 1;
        total += 1;
      }
      try {
        statement = await prepare(sql);
      } catch (error) {
        if (keep) {
          pool.size -= 1;
          total -= 1;
        }
        throw error;
      }
    }
    const prepared = statement;
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        prepared.all(...parameters, (error: Error | null, rows: unknown[]) =>
          error ? reject(error) : resolve(rows),
        );
      });
    } finally {
      if (keep) pool.idle.push(prepared);
      // Beyond the bound: used once, as Database#all does.
      else prepared.finalize();
    }
  };

  return {
    query,
    async close() {
      const statements = [...pools.values()].flatMap((pool) => pool.idle);
      pools.clear();
      await Promise.all(statements.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
      await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

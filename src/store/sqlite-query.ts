/**
 * @keyv/sqlite's `query`: `Database#all` of node-sqlite3, promisified, on the adapter's own
 * connection (so claims and indexes share its busy timeout and need no second connection).
 * Parameters are positional values or one object of `$named` values.
 */
export type SqliteQuery = (sql: string, ...parameters: unknown[]) => Promise<unknown[]>;

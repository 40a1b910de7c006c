/**
 * A statement on our own SQLite connection (see openSqliteConnection): node-sqlite3's
 * `Database#all` contract, promisified. Parameters are positional values or one object of
 * `$named` values.
 */
export type SqliteQuery = (sql: string, ...parameters: unknown[]) => Promise<unknown[]>;

import { randomUUID } from 'node:crypto';
import type { ClaimResult, ClaimStore, Clock } from '../core/ports';
import { checkTtl } from './check-ttl';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import type { SqliteQuery } from './sqlite-query';

/** Creates the table behind {@link SqliteClaimStore}; idempotent. */
export const SQLITE_CLAIMS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS claims (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     token TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
];

/*
 * One statement decides the claim and reports the holder. An expired row is taken over; an
 * unexpired one is "updated" to itself, which makes RETURNING report the current holder in the
 * same statement. The random token tells the two outcomes apart even when both claimants use the
 * same value. SQLite runs the statement under its write lock, so concurrent claims from any number
 * of connections or processes on the same file are serialised: exactly one wins.
 */
const CLAIM_SQL = `
  INSERT INTO claims (key, value, token, expires_at) VALUES ($key, $value, $token, $expiresAt)
  ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN claims.expires_at <= $now THEN excluded.value ELSE claims.value END,
    token = CASE WHEN claims.expires_at <= $now THEN excluded.token ELSE claims.token END,
    expires_at = CASE WHEN claims.expires_at <= $now THEN excluded.expires_at ELSE claims.expires_at END
  RETURNING value, token`;

/** Expired rows are deleted at most this often, by whichever claim comes along. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * {@link ClaimStore} on a SQLite table. Expiry uses the injected clock, this process's in
 * production (processes sharing a file share a machine). Expired rows are ignored at once and
 * swept on a later claim.
 */
export class SqliteClaimStore implements ClaimStore {
  private lastSweep = 0;

  constructor(
    private readonly query: SqliteQuery,
    private readonly keys: StoreKeys,
    private readonly runner: OperationRunner,
    private readonly clock: Clock,
  ) {}

  async claim(key: string, value: string, ttlMs: number): Promise<ClaimResult> {
    checkTtl(ttlMs);
    return this.runner.run(`claim ${key}`, async () => {
      const now = this.clock();
      await this.sweep(now);
      const token = randomUUID();
      const rows = (await this.query(CLAIM_SQL, {
        $key: this.keys.claim(key),
        $value: value,
        $token: token,
        $expiresAt: now + ttlMs,
        $now: now,
      })) as Array<{ value: string; token: string }>;
      const row = rows[0];
      if (row === undefined) throw new Error('the claim statement returned no row');
      return row.token === token ? { claimed: true } : { claimed: false, existing: row.value };
    });
  }

  async update(key: string, value: string, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    return this.runner.run(`update claim ${key}`, async () => {
      // An upsert: a claim that expired meanwhile is re-established (see RedisClaimStore#update).
      await this.query(
        `INSERT INTO claims (key, value, token, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, token = excluded.token,
           expires_at = excluded.expires_at`,
        [this.keys.claim(key), value, randomUUID(), this.clock() + ttlMs],
      );
    });
  }

  get(key: string): Promise<string | undefined> {
    return this.runner.run(`read claim ${key}`, async () => {
      const rows = (await this.query('SELECT value FROM claims WHERE key = ? AND expires_at > ?', [
        this.keys.claim(key),
        this.clock(),
      ])) as Array<{ value: string }>;
      return rows[0]?.value;
    });
  }

  release(key: string): Promise<void> {
    return this.runner.run(`release claim ${key}`, async () => {
      await this.query('DELETE FROM claims WHERE key = ?', [this.keys.claim(key)]);
    });
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    await this.query('DELETE FROM claims WHERE expires_at <= ?', [now]);
  }
}

import type { ClaimResult, ClaimStore } from '../core/ports';
import { checkTtl } from './check-ttl';
import type { OperationRunner } from './create-operation-runner';
import type { RedisClient } from './create-redis-client';
import type { StoreKeys } from './create-store-keys';

/** How often `claim` retries when the holder vanished between its SET and its GET. */
const MAX_ATTEMPTS = 3;

/**
 * {@link ClaimStore} on plain Redis strings with native expiry (`PX`), through the node-redis
 * client directly: keyv has no set-if-absent. Redis expires keys itself, so nothing needs sweeping.
 */
export class RedisClaimStore implements ClaimStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly runner: OperationRunner,
  ) {}

  async claim(key: string, value: string, ttlMs: number): Promise<ClaimResult> {
    checkTtl(ttlMs);
    return this.runner.run(`claim ${key}`, async () => {
      const redisKey = this.keys.claim(key);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // The decision is this one atomic command. The GET after a refusal only fetches the
        // holder's value for the caller (SET NX GET would do both, but needs Redis 7).
        const set = await this.client.set(redisKey, value, {
          condition: 'NX',
          expiration: { type: 'PX', value: ttlMs },
        });
        if (set !== null) return { claimed: true };
        const existing = await this.client.get(redisKey);
        if (existing !== null) return { claimed: false, existing };
        // Released or expired in between: the key is free again, so try to claim it.
      }
      throw new Error(`the claim changed hands ${MAX_ATTEMPTS} times in a row`);
    });
  }

  async update(key: string, value: string, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    return this.runner.run(`update claim ${key}`, async () => {
      // Unconditional: the caller holds the claim by protocol, and if it expired meanwhile,
      // re-establishing it keeps the duplicate guard up rather than silently dropping it.
      await this.client.set(this.keys.claim(key), value, { expiration: { type: 'PX', value: ttlMs } });
    });
  }

  get(key: string): Promise<string | undefined> {
    return this.runner.run(`read claim ${key}`, async () => {
      const value = await this.client.get(this.keys.claim(key));
      return value ?? undefined;
    });
  }

  release(key: string): Promise<void> {
    return this.runner.run(`release claim ${key}`, async () => {
      await this.client.del(this.keys.claim(key));
    });
  }
}

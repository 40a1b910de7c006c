/**
 * Rejects a claim lifetime that is not a positive whole number of milliseconds. A bug, not a store
 * failure, hence a RangeError: Redis would refuse `PX 0`, and a claim that never expires (or has
 * already expired) defeats its purpose.
 */
export function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`a claim needs a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

import type { ClaimStore } from '../core/ports';

/**
 * Hands back the leases a stopping replica still holds (work cut off by the grace period), so that
 * another replica takes that work over at once instead of when the leases expire. A lease that
 * cannot be released is logged: it expires by itself.
 */
export async function releaseLeases(
  claims: Pick<ClaimStore, 'release'>,
  keys: Iterable<string>,
  warn: (fields: { err: unknown; key: string }, msg: string) => void,
  what: string,
): Promise<void> {
  await Promise.all(
    [...keys].map((key) =>
      claims.release(key).catch((error: unknown) => {
        warn({ err: error, key }, `could not release a ${what} lease; it expires by itself`);
      }),
    ),
  );
}

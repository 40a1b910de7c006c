/**
 * Waits until every promise of `work` has settled, or `ms` has passed, whichever comes first; never
 * rejects. For a stop with a grace period: what is still running after it is left to its leases.
 */
export async function settleWithin(
  work: readonly (Promise<unknown> | undefined)[],
  ms: number,
): Promise<void> {
  const pending = work.filter((p): p is Promise<unknown> => p !== undefined);
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(pending),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

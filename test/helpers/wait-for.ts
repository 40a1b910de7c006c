/**
 * Generic polling helper for tests that wait on something with no event to subscribe to
 * (a store row appearing, a counter reaching a value).
 *
 * ```ts
 * import { waitFor } from '../helpers/wait-for';
 *
 * const row = await waitFor(() => store.get('run-1'), { timeoutMs: 2000, description: 'run-1 stored' });
 * await waitFor(() => handlerRuns === 2);
 * ```
 *
 * Prefer the event-driven waits of the fakes (`fake.waitForCall`, `fake.waitForResponse`,
 * `socket.sendSlashCommand` resolving with the ack) where they fit: they do not poll.
 */

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 2000 ms). Keep it well below jest's testTimeout. */
  timeoutMs?: number;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
  /** Named in the timeout error, so a failing test says what it waited for. */
  description?: string;
}

/**
 * Calls `check` until it returns a value that is not `undefined`, `null` or `false` (a thrown
 * error counts as "not yet"), and resolves with that value. Rejects after `timeoutMs` with the
 * description and the last error thrown by `check`, if any.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs = 2000, intervalMs = 10, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor: ${description} not met within ${timeoutMs} ms${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

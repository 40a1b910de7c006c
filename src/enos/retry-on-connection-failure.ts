import { EnosConnectionError } from '../core/errors';

/** Never more than this many resends, whatever the configuration says. */
export const MAX_CONNECTION_RETRIES = 2;

/** The default pauses before the first and the second resend. */
export const DEFAULT_RETRY_BACKOFF_MS: readonly number[] = [100, 300];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt`, and runs it again after `backoffMs[i]` when it fails with an
 * `EnosConnectionError`, at most {@link MAX_CONNECTION_RETRIES} times. Only for calls that are safe
 * to repeat (GETs, token requests): a broken connection may have delivered the request. Timeouts
 * and HTTP errors are not retried (a slow gateway would only get slower, and the caller's
 * patience is already spent).
 */
export async function retryOnConnectionFailure<T>(
  attempt: () => Promise<T>,
  backoffMs: readonly number[] = DEFAULT_RETRY_BACKOFF_MS,
  onRetry?: (error: EnosConnectionError, retry: number) => void,
): Promise<T> {
  const pauses = backoffMs.slice(0, MAX_CONNECTION_RETRIES);
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const pause = pauses[retry];
      if (!(error instanceof EnosConnectionError) || pause === undefined) throw error;
      onRetry?.(error, retry + 1);
      await sleep(pause);
    }
  }
}

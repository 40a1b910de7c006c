/** The longest Retry-After we sit out before giving up: beyond it the caller is better told. */
const MAX_WAIT_MS = 30_000;
const MAX_ATTEMPTS = 3;

function retryAfterSeconds(error: unknown): number | undefined {
  const e = error as { code?: unknown; retryAfter?: unknown } | undefined;
  return e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number'
    ? e.retryAfter
    : undefined;
}

/**
 * Runs a Web API call again after Slack's Retry-After when Slack answers 429. A 429 means the call
 * was not carried out, so a retry cannot post twice; any other failure is not retried here (a
 * resent chat.postMessage after a 5xx could post twice). The client is configured with
 * `rejectRateLimitedCalls` so that 429s surface here instead of being retried blindly.
 */
export async function retryRateLimited<T>(
  call: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const seconds = retryAfterSeconds(error);
      if (seconds === undefined || attempt >= MAX_ATTEMPTS || seconds * 1000 > MAX_WAIT_MS) throw error;
      await sleep(seconds * 1000);
    }
  }
}

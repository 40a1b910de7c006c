/**
 * How a backfill run's trigger job ended without a run, as the backfill's engine reads it back:
 * the backfill reporter (src/slack/backfill-run-reporter.ts) writes it as a claim in the ClaimStore
 * (whichever replica ran the job, recovery included), the engine reads it under the backfill's
 * lease. A triggered run needs none: its audit record holds the instance ID.
 */
export interface BackfillRunResult {
  /** What the thread shows for the failed run (already safe as mrkdwn). */
  failure: string;
  /** EnOS's code, when EnOS refused: 62102 "repeatedly in 1 minute" is a wait, not a failure. */
  enosCode?: number;
  /** EnOS's own words, to tell a 62102 "within a minute" from a 62102 "incorrect parameter". */
  enosMessage?: string;
}

/** Kept long enough for any engine pass to read it; the run's failure is then in the backfill record. */
export const BACKFILL_RUN_RESULT_TTL_MS = 24 * 60 * 60 * 1000;

export function backfillRunResultKey(jobId: string): string {
  return `backfill-run-result:${jobId}`;
}

export function parseBackfillRunResult(value: string): BackfillRunResult {
  try {
    const parsed = JSON.parse(value) as BackfillRunResult;
    if (typeof parsed.failure === 'string') return parsed;
  } catch {
    // An unreadable value still means the job ended without a run.
  }
  return { failure: 'The run was not triggered.' };
}

/** EnOS's "do not trigger the same workflow repeatedly in 1 minute" (62102): wait and send again. */
export function isRepeatedWithinAMinute(
  result: Pick<BackfillRunResult, 'enosCode' | 'enosMessage'>,
): boolean {
  return result.enosCode === 62102 && /repeated|1 minute|one minute/i.test(result.enosMessage ?? '');
}

/**
 * The pure rules of a running backfill (docs/product.md, "Backfill"): what a run's EnOS status means for
 * the backfill, when the next run may be triggered, and the progress line its thread shows. No
 * clock, no I/O: the engine that triggers and watches the runs hands in what it saw.
 */
import { isTerminalStatus } from './run-status';

/**
 * EnOS refuses the same flow twice within a minute (62102 "repeatedly in 1 minute"): the next
 * run waits 61 s after the previous trigger's answer, and a 62102 is a wait of as long.
 */
export const BACKFILL_SPACING_MS = 61_000;

/** Where one business date of a backfill is. */
export type BackfillRunState =
  | 'pending'
  | 'running'
  | 'done'
  | 'failed'
  | 'skipped'
  /** Not run: the backfill was cancelled before its turn, or it was cancelled in EnOS. */
  | 'cancelled';

export interface BackfillRun {
  /** `YYYY-MM-DD`: the run's `${cal_dt}`. */
  businessDate: string;
  /** Epoch ms sent as `triggerTime`. */
  triggerTime: number;
  state: BackfillRunState;
  /** Set once EnOS answered the trigger. */
  instanceId?: string;
  /** The last EnOS status name seen (`RUNNING`, `FAIL`…), for the progress line. */
  status?: string;
  /** Epoch ms of EnOS's answer to Update And Trigger. */
  answeredAt?: number;
  /** Epoch ms of the poll that saw the run end. */
  endedAt?: number;
}

/**
 * What a run's EnOS status means for the backfill: SUCCESS and SKIP are done; FAIL,
 * INTERNAL_ERROR and TIMEOUT failed; a CANCEL done in EnOS stops the backfill as a failure does;
 * anything not terminal is still running.
 */
export function backfillRunOutcome(status: number): 'done' | 'failed' | 'cancelled' | 'running' {
  if (!isTerminalStatus(status)) return 'running';
  if (status === 1 || status === 10) return 'done';
  if (status === 8) return 'cancelled';
  return 'failed';
}

/**
 * The earliest moment the run after `previous` may be triggered: once `previous` was seen to end,
 * and at least BACKFILL_SPACING_MS after its trigger's answer. `undefined` while it has not ended
 * (or was never answered, and so never ran: then at once).
 */
export function nextTriggerAt(
  previous: Pick<BackfillRun, 'answeredAt' | 'endedAt'> | undefined,
): number | undefined {
  if (!previous || previous.answeredAt === undefined) return previous?.endedAt ?? 0;
  if (previous.endedAt === undefined) return undefined;
  return Math.max(previous.endedAt, previous.answeredAt + BACKFILL_SPACING_MS);
}

export interface BackfillTally {
  total: number;
  /** Done, and skipped by the caller after a failure: the dates nobody needs to look at again. */
  done: number;
  failed: number;
  /** The business date of the run in progress, if one is. */
  running?: string;
}

export function tallyBackfill(runs: readonly BackfillRun[]): BackfillTally {
  const running = runs.find((run) => run.state === 'running');
  return {
    total: runs.length,
    done: runs.filter((run) => run.state === 'done' || run.state === 'skipped').length,
    failed: runs.filter((run) => run.state === 'failed').length,
    ...(running ? { running: running.businessDate } : {}),
  };
}

/** `3/7 done · 1 running (2026-11-04) · 0 failed`. */
export function progressLine(tally: BackfillTally): string {
  const running = tally.running === undefined ? '0 running' : `1 running (${tally.running})`;
  return `${tally.done}/${tally.total} done · ${running} · ${tally.failed} failed`;
}

import type { BackfillRecord, BackfillRecordRun } from './backfill';
import { BACKFILL_SPACING_MS, backfillRunOutcome } from './backfill-progress';
import { statusName } from './run-status';

/**
 * What the engine does next with a backfill (src/slack/backfill-runner.ts), decided from the
 * record and the clock alone:
 * - `start`: run `index` has no answer yet (pending and due, or running whose trigger job the
 *   engine must find or make: the job id is deterministic, so this is safe to repeat);
 * - `watch`: run `index` was triggered; the run watcher reports its end;
 * - `wait`: nothing before `until` (spacing: the previous run's end and its answer + 61 s);
 * - `end`: no run left to start: the backfill is finished;
 * - `idle`: paused or stopped, nothing running: only a control moves it.
 */
export type BackfillStep =
  | { kind: 'start'; index: number }
  | { kind: 'watch'; index: number }
  | { kind: 'wait'; until: number }
  | { kind: 'end' }
  | { kind: 'idle' };

export function nextBackfillStep(record: BackfillRecord, now: number): BackfillStep {
  const running = record.runs.findIndex((run) => run.state === 'running');
  if (running >= 0) {
    return record.runs[running]!.instanceId === undefined
      ? { kind: 'start', index: running }
      : { kind: 'watch', index: running };
  }
  if (record.status !== 'running') return { kind: 'idle' };
  const next = record.runs.findIndex((run) => run.state === 'pending');
  if (next < 0) return { kind: 'end' };
  const until = earliestTrigger(record.runs);
  return until > now ? { kind: 'wait', until } : { kind: 'start', index: next };
}

/**
 * The earliest moment the next run may be triggered: after every earlier run was seen to end, and
 * 61 s after the last answer EnOS gave (a 62102 "within a minute" included: it sets the pending
 * run's `answeredAt`). This is nextTriggerAt of the latest run, over all of them.
 */
export function earliestTrigger(runs: readonly BackfillRecordRun[]): number {
  let at = 0;
  for (const run of runs) {
    if (run.answeredAt !== undefined) at = Math.max(at, run.answeredAt + BACKFILL_SPACING_MS);
    if (run.endedAt !== undefined) at = Math.max(at, run.endedAt);
  }
  return at;
}

/** A run seen to end in EnOS with `status`: the run, and the backfill's status after it. */
export function endRun(record: BackfillRecord, index: number, status: number, now: number): BackfillRecord {
  const outcome = backfillRunOutcome(status);
  if (outcome === 'running') return record;
  const name = statusName(status);
  const failure =
    outcome === 'failed'
      ? `The run ended in EnOS with ${name}.`
      : outcome === 'cancelled'
        ? 'The run was cancelled in EnOS.'
        : undefined;
  const runs = record.runs.map((run, i) =>
    i === index
      ? {
          ...run,
          // A run cancelled in EnOS stops the backfill as a failure does (Retry or Skip go on),
          // unless the backfill itself was cancelled (Cancel all cancels it in EnOS).
          state: outcome === 'cancelled' && record.status !== 'cancelled' ? ('failed' as const) : outcome,
          status: name,
          endedAt: now,
          ...(failure ? { failure } : {}),
        }
      : run,
  );
  return settleRun({ ...record, runs }, now, outcome !== 'done');
}

/** After a run ended (`failed` or not): stopped when the backfill stops at a failure, and when it is next due. */
export function settleRun(record: BackfillRecord, now: number, failed: boolean): BackfillRecord {
  const stop = failed && record.onFailure === 'stop' && record.status === 'running';
  const next: BackfillRecord = { ...record, status: stop ? 'stopped' : record.status, updatedAt: now };
  return { ...next, nextAt: nextDue(next, now) };
}

/** When the engine should look at `record` next: at once unless the next trigger must wait. */
export function nextDue(record: BackfillRecord, now: number): number {
  const step = nextBackfillStep(record, now);
  return step.kind === 'wait' ? step.until : now;
}

/**
 * The controls of a started backfill (docs/product.md, "Backfill"): Pause, Resume, Cancel remaining,
 * Cancel all, and after a stop at a failure Retry or Skip that date. Pure: the engine
 * (src/slack/backfill-runner.ts) applies them under the backfill's lease, writes the record, edits
 * the progress reply and cancels in EnOS when told.
 *
 * No control makes a run `running` (only the engine triggers), no cancel leaves a run `pending`,
 * and an ended backfill (finished, cancelled) takes no control: those are the invariants the
 * property test walks.
 */
import type {
  BackfillControl,
  BackfillControlRequest,
  BackfillRecord,
  BackfillRecordRun,
  BackfillStatus,
} from './backfill';
import { BACKFILL_SPACING_MS } from './backfill-progress';

/** What applying a control asks the engine to do besides writing the record. */
export interface AppliedBackfillControl {
  /** The record after the control (unchanged when refused). */
  record: BackfillRecord;
  /** Cancel all: the running run's instance, to cancel in EnOS. */
  cancelInstance?: string;
  /** The control does not fit the backfill's state (Resume while running …): what to tell the clicker. */
  refused?: string;
}

/** The words for a control in a sentence (`paused`, `cancelled the remaining runs` …). */
export const BACKFILL_CONTROL_DONE: Record<BackfillControl, string> = {
  pause: 'paused',
  resume: 'resumed',
  'cancel-remaining': 'cancelled the remaining runs',
  'cancel-all': 'cancelled all runs',
  retry: 'retried',
  skip: 'skipped',
};

const STATUS_WORDS: Record<BackfillStatus, string> = {
  running: 'running',
  paused: 'paused',
  stopped: 'stopped at a failed run',
  finished: 'finished',
  cancelled: 'cancelled',
};

/**
 * The run a stopped backfill stopped at: the last one that failed, or that was cancelled in EnOS
 * (a CANCEL done in EnOS stops the backfill as a failure does). Undefined when it is not stopped.
 */
export function stoppedRunIndex(record: Pick<BackfillRecord, 'status' | 'runs'>): number | undefined {
  if (record.status !== 'stopped') return undefined;
  for (let i = record.runs.length - 1; i >= 0; i--) {
    const state = record.runs[i]?.state;
    if (state === 'failed' || state === 'cancelled') return i;
  }
  return undefined;
}

/**
 * Applies a control to a backfill, under its lease (src/core/backfill.ts). A control that does not
 * fit the backfill's state is refused, with words for the clicker, and changes nothing.
 */
export function applyBackfillControl(
  record: BackfillRecord,
  request: BackfillControlRequest,
  now: number,
): AppliedBackfillControl {
  const refuse = (why: string): AppliedBackfillControl => ({ record, refused: why });
  const changed = (status: BackfillStatus, runs: BackfillRecordRun[], nextAt: number): BackfillRecord => ({
    ...record,
    status,
    runs,
    nextAt,
    lastControl: { control: request.control, slackUserId: request.slackUserId, at: now },
    updatedAt: now,
  });
  const ended = record.status === 'finished' || record.status === 'cancelled';
  if (ended) {
    return refuse(
      `This backfill has ${record.status === 'finished' ? 'finished' : 'been cancelled'}: nothing is left to control.`,
    );
  }
  const state = STATUS_WORDS[record.status];

  switch (request.control) {
    case 'pause':
      if (record.status !== 'running') {
        return refuse(
          record.status === 'paused'
            ? 'This backfill is already paused.'
            : `This backfill is ${state}: Retry, Skip or Cancel remaining continue or end it, there is nothing to pause.`,
        );
      }
      // The running run (if any) finishes; the engine starts no next one.
      return { record: changed('paused', record.runs, record.nextAt) };

    case 'resume':
      if (record.status !== 'paused') {
        return refuse(
          record.status === 'running'
            ? 'This backfill is already running.'
            : `This backfill is ${state}: Retry or Skip that date to continue it.`,
        );
      }
      return { record: changed('running', record.runs, now) };

    case 'cancel-remaining':
    case 'cancel-all': {
      // A running run is left as it is: it finishes (Cancel remaining) or EnOS cancels it (Cancel
      // all) and the engine records what the watcher sees, so that the thread still reports it.
      const runs = record.runs.map((run) =>
        run.state === 'pending' ? { ...run, state: 'cancelled' as const } : run,
      );
      const running = record.runs.find((run) => run.state === 'running');
      const applied: AppliedBackfillControl = { record: changed('cancelled', runs, now) };
      if (request.control === 'cancel-all' && running?.instanceId !== undefined) {
        applied.cancelInstance = running.instanceId;
      }
      return applied;
    }

    case 'retry':
    case 'skip': {
      const index = stoppedRunIndex(record);
      const stopped = index === undefined ? undefined : record.runs[index];
      if (index === undefined || !stopped) {
        return refuse(
          `This backfill is ${state}, not stopped at a failed run: there is no date to ${request.control}.`,
        );
      }
      const runs = [...record.runs];
      if (request.control === 'skip') {
        runs[index] = { ...stopped, state: 'skipped' };
        return { record: changed('running', runs, now) };
      }
      // A new attempt: pending again with the attempts made so far (the failed one counted); the
      // engine adds one when it starts it, so its trigger job is a new one (backfillJobId(id, date,
      // attempts + 1)). The failed attempt's instance, status and failure go; its answer and end
      // stay, because EnOS refuses the same flow twice within a minute: the engine's spacing
      // (earliestTrigger) starts the new attempt 61 s after the failed one's answer at the earliest.
      const { instanceId: _i, status: _s, failure: _f, ...planned } = stopped;
      runs[index] = { ...planned, state: 'pending', attempts: stopped.attempts };
      const { answeredAt } = stopped;
      const notBefore = answeredAt === undefined ? now : Math.max(now, answeredAt + BACKFILL_SPACING_MS);
      return { record: changed('running', runs, notBefore) };
    }
  }
  return refuse('This button is not one I know.');
}

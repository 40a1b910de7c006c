import type { BackfillControlRequest, BackfillRecord } from './backfill';

/** What applying a control asks the engine to do besides writing the record. */
export interface AppliedBackfillControl {
  /** The record after the control (unchanged when refused). */
  record: BackfillRecord;
  /** Cancel all: the running run's instance, to cancel in EnOS. */
  cancelInstance?: string;
  /** The control does not fit the backfill's state (Resume while running …): what to tell the clicker. */
  refused?: string;
}

/**
 * Applies a control to a backfill, under its lease (src/core/backfill.ts). Pure: the engine
 * (src/slack/backfill-runner.ts) writes the record, edits the progress reply and cancels in EnOS.
 * Not implemented yet in this commit: it refuses every control.
 */
export function applyBackfillControl(
  record: BackfillRecord,
  request: BackfillControlRequest,
  _now: number,
): AppliedBackfillControl {
  return { record, refused: `The control ${request.control} is not built yet.` };
}

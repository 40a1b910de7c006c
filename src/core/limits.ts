/**
 * Bounds on what a person may ask for, in one place so the parser, the time resolver and the modal
 * agree. Exceeding any of them is a usage error that names the limit; none is a technical limit of
 * EnOS (which documents none), they keep a typo or a paste accident from becoming a run.
 */
export const LIMITS = {
  /**
   * Characters of slash-command text, as Slack sends it (escaped). Slack's composer caps a message
   * at 4,000 characters; 3,000 leaves room for escaping while catching pasted logs. Longer
   * parameter lists belong in the modal.
   */
  maxTextLength: 3000,
  /** Parameters per run: flows carry a handful; 50 is generous and keeps the parent message readable. */
  maxParameters: 50,
  /** Characters of a parameter name. */
  maxKeyLength: 128,
  /** Characters of a parameter value (after unescaping). */
  maxValueLength: 2000,
  /**
   * How far ahead a run may be scheduled, in days (`in 9000h`, `on 2030-01-01 at 10:00`). A year
   * and a day so that "the same date next year" is still accepted.
   */
  maxAheadDays: 366,
  /** How far back a run may be back-dated, in days (EnOS computes `${cal_dt}` and friends from it). */
  maxBackdateDays: 366,
  /**
   * A clock time that was reached at most this long ago counts as now (docs/product.md §1), so
   * `at 14:00` typed at 14:00:40 runs instead of being refused.
   */
  justPassedMs: 60_000,
} as const;

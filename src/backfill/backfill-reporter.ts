import type { BackfillControlRequest, BackfillRecord } from '../core/backfill';
import type { PostedReply } from '../core/ports';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';

/** What the parent message shows: the plan as started, with the flow's name. */
export type BackfillAnnouncement = Pick<
  StoredBackfillPlan,
  'flowId' | 'flowName' | 'runs' | 'order' | 'onFailure' | 'parameters' | 'channelId'
>;

/** Where a started backfill's messages went, or why nothing could be shown (nothing is started then). */
export type BackfillAnnounced =
  | { ok: true; threadTs?: string; progress?: PostedReply }
  | { ok: false; reason: 'cannot-post' | 'failed' };

/**
 * Where a backfill tells what happens (docs/product.md, "Backfill"): Slack's thread (the parent,
 * the progress reply kept current, the notes and the end), or the terminal. The engine and the
 * start sequence (src/backfill) call it; none of its methods throws for a message that could not
 * be shown, except `announce`, which says so.
 */
export interface BackfillReporter {
  /** The parent message and the progress reply of a backfill about to be recorded. */
  announce(plan: BackfillAnnouncement, record: BackfillRecord): Promise<BackfillAnnounced>;
  /** The progress shows `record` (the reply edited, the line rewritten). */
  progress(record: BackfillRecord): Promise<void>;
  /** A failed run stopped the backfill (onFailure: stop). */
  stopped(record: BackfillRecord, businessDate: string, failure: string): Promise<void>;
  /** The one end message (all done, finished with failures, cancelled). */
  ended(record: BackfillRecord): Promise<void>;
  /** A control was refused: its clicker is told why. */
  refused(record: BackfillRecord, request: BackfillControlRequest, why: string): Promise<void>;
}

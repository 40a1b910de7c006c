import type { types } from '@slack/bolt';
import type { BackfillRecord } from '../../core/backfill';

/**
 * The control buttons under a backfill's progress reply (Pause, Resume, Cancel remaining, Cancel
 * all, Retry, Skip). Built in the `ctl` branch; this placeholder shows none, so that the engine's
 * progress reply already leaves their room (at most one actions block).
 */
export function backfillControlBlocks(_record: BackfillRecord): types.KnownBlock[] {
  return [];
}

import type { BackfillOnFailure, BackfillOrder } from './parse-backfill';
import type { EnosIdentity, FlowParameter } from './ports';

/** How long a backfill preview's Start button is good for (docs/product.md: as a preview's, 15 minutes). */
export const BACKFILL_PLAN_TTL_MS = 15 * 60 * 1000;

/**
 * A previewed backfill, kept for its **Start backfill (N runs)** button: the button carries only
 * `id`, so what starts is what was shown, whatever a payload says, and a click from a modal (which
 * has no conversation) finds the conversation the preview was asked in.
 */
export interface StoredBackfillPlan {
  id: string;
  teamId: string;
  /** The previewer: only they may start it. */
  slackUserId: string;
  /** Where the backfill's thread goes. */
  channelId: string;
  flowId: number;
  flowName: string;
  /** The previewer's EnOS identity at the preview (checked again at Start). */
  identity: EnosIdentity;
  runs: Array<{ businessDate: string; triggerTime: number; local: string }>;
  order: BackfillOrder;
  onFailure: BackfillOnFailure;
  parameters: FlowParameter[];
  zone: string;
  serverZone: string;
  createdAt: number;
}

/** Previewed backfills by id, each for a while (a keyv record with a TTL). */
export interface BackfillPlanStore {
  put(plan: StoredBackfillPlan, ttlMs: number): Promise<void>;
  get(teamId: string, id: string): Promise<StoredBackfillPlan | undefined>;
}

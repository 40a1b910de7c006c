/**
 * A started backfill as the store keeps it (docs/product.md, "Backfill"): the contract between the
 * engine that runs it (src/slack/backfill-runner.ts), the controls that steer it
 * (src/slack/listeners/actions/backfill-control.ts) and the views that list it (`backfills`, the
 * Home tab, `history`). The pure rules of a run's outcome and of spacing are in backfill-progress.ts.
 *
 * One writer at a time: every change to a record is made under the backfill's lease in the
 * ClaimStore (`backfillLeaseKey`). A control click does not write the record; it asks for a control
 * (`BackfillStore.requestControl`), and whoever holds the lease applies it, so that a click and a
 * runner pass never overwrite each other.
 */
import type { BackfillRun } from './backfill-progress';
import type { BackfillOnFailure, BackfillOrder } from './parse-backfill';
import type { EnosIdentity, FlowParameter, PostedReply } from './ports';

/** Where a backfill is as a whole. */
export type BackfillStatus =
  /** Runs are triggered one after another. */
  | 'running'
  /** Paused by a control: the running run (if any) finishes, no next run starts. */
  | 'paused'
  /** Stopped at a failed run (`onFailure: 'stop'`): waits for Retry, Skip or a cancel. */
  | 'stopped'
  /** Every run done, skipped or (with keep going) failed: the end was told. */
  | 'finished'
  /** Cancel remaining / Cancel all: no run starts again. */
  | 'cancelled';

/** The buttons of the progress reply (and the console's words for them). */
export type BackfillControl = 'pause' | 'resume' | 'cancel-remaining' | 'cancel-all' | 'retry' | 'skip';

/** One run of a started backfill: the planned run, and where it is. */
export interface BackfillRecordRun extends BackfillRun {
  /** `YYYY-MM-DD HH:mm[:ss]` in the caller's zone (or the zone named), as the preview showed it. */
  local: string;
  /** Attempts so far (Retry adds one); the trigger job of attempt n is `backfillJobId(id, date, n)`. */
  attempts: number;
  /** Why it failed, in the user's words (already safe to show as text), when it did. */
  failure?: string;
}

/** A started backfill. */
export interface BackfillRecord {
  id: string;
  teamId: string;
  /** Who started it: mentioned in the end message; may control it. */
  slackUserId: string;
  /** The caller's EnOS identity at the start: every run is triggered and polled as it. */
  identity: EnosIdentity;
  flowId: number;
  flowName: string;
  /** The flow's owners (EnOS usernames) at the start: a linked clicker whose username is one may control it. */
  owners: string[];
  parameters: FlowParameter[];
  order: BackfillOrder;
  onFailure: BackfillOnFailure;
  /** The zone `runs[].local` is in, and the server's zone as shown. */
  zone: string;
  serverZone: string;
  /** The parent message: the backfill's thread. */
  channelId: string;
  threadTs?: string;
  /** The one progress reply kept current. */
  progress?: PostedReply;
  /** In the order they run. */
  runs: BackfillRecordRun[];
  status: BackfillStatus;
  /** Epoch ms the engine should look at it next (a due trigger, a due poll); the store's index score. */
  nextAt: number;
  /** The end message (mentioning the caller) was posted. */
  endTold?: boolean;
  /** Who changed it last with a control, for the thread: `<@U…> paused`. */
  lastControl?: { control: BackfillControl; slackUserId: string; at: number };
  createdAt: number;
  updatedAt: number;
  /**
   * The approval request that started it, when its policy rule requires approval: one approval
   * covers the whole range, so its runs do not ask again (who approved is in the request).
   */
  approvalId?: string;
}

/** A backfill that has not ended: it holds its flow (one backfill per flow at a time). */
export function isActiveBackfill(record: Pick<BackfillRecord, 'status'>): boolean {
  return record.status === 'running' || record.status === 'paused' || record.status === 'stopped';
}

/** The lease a runner pass or a control application holds while it changes the record. */
export function backfillLeaseKey(teamId: string, backfillId: string): string {
  return `backfill-lease:${teamId}:${backfillId}`;
}

/** The claim that makes a backfill the only active one of its flow: its value is the backfill's id. */
export function backfillFlowKey(teamId: string, flowId: number): string {
  return `backfill-flow:${teamId}:${flowId}`;
}

/** The trigger job (and audit record) id of one attempt at one business date: the same on every replica. */
export function backfillJobId(backfillId: string, businessDate: string, attempt: number): string {
  return `${backfillId}-${businessDate}-${attempt}`;
}

/** A control asked for and not applied yet. */
export interface BackfillControlRequest {
  control: BackfillControl;
  slackUserId: string;
  /** Epoch ms of the click. */
  at: number;
}

/**
 * Backfills in the store, shared by every replica. Which replica changes one is decided by its
 * lease in the ClaimStore, not here.
 */
export interface BackfillStore {
  /** Creates or replaces the record; indexes it by `nextAt` while active, and in its team's active list. */
  put(record: BackfillRecord): Promise<void>;
  get(teamId: string, id: string): Promise<BackfillRecord | undefined>;
  /** Active backfills due at `now` (nextAt ≤ now), most overdue first, at most `limit`. */
  listDue(now: number, limit: number): Promise<BackfillRecord[]>;
  /** The team's active backfills, newest first (`/flow-trigger backfills`, the Home tab). */
  listActive(teamId: string, limit: number): Promise<BackfillRecord[]>;
  /**
   * Asks for a control; the first request waits until `takeControl` takes it (a second click
   * meanwhile gets the first one back, and is told it is being applied).
   */
  requestControl(
    teamId: string,
    id: string,
    request: BackfillControlRequest,
  ): Promise<{ accepted: true } | { accepted: false; pending: BackfillControlRequest }>;
  /** The control waiting for the backfill, removed from the store (called under the lease). */
  takeControl(teamId: string, id: string): Promise<BackfillControlRequest | undefined>;
}

import type { ApprovalRequest } from './approval-request';
import type { FlowTriggerError } from './errors';
import type { NewRunWatch } from './new-run-watch';
import type { WhenSpec } from './parse-when';
import type { PolicyRequest, RuleRef } from './policy/decide-policy';
import type { RecoverySettings } from './recovery-rules';
import type { ResolvedTime } from './resolve-time';
import type { TriggerJob } from './trigger-job';

/**
 * The domain types and the interfaces the core needs from the outside world. The core imports
 * nothing that does I/O: adapters (EnOS client, keyv store, Slack) implement these interfaces and
 * are handed in by the composition function (`src/compose-app.ts`, used by `src/main.ts` and the
 * tests). Every port of the core is here: EnOS, the stores, the clock, and the trigger use case's
 * own (`TriggerDeps`, `TriggerReporter`, `RunWatchLink`, at the end).
 */

/** A workflow parameter for one run: `KEY=VALUE`. Values pass through verbatim (`${cal_dt}` stays). */
export interface FlowParameter {
  key: string;
  value: string;
}

/** The EnOS user on whose behalf a gateway call is made. */
export interface EnosCaller {
  userId: string;
  orgId: string;
}

/** A linked Slack user's EnOS identity. */
export interface EnosIdentity extends EnosCaller {
  /** EnOS username: flow owners are listed by username, not by userId. */
  userName: string;
}

/** A Slack user (in a workspace) linked to an EnOS user. */
export interface Link extends EnosIdentity {
  teamId: string;
  slackUserId: string;
  /** Slack user ID of whoever created the link (an admin, or the user through self-link). */
  linkedBy: string;
  /** ISO 8601 instant. */
  linkedAt: string;
}

export interface FlowTask {
  taskName: string;
  taskId: string;
  nodeId?: string;
}

/**
 * Get Flow's `data`, normalised: owners split, JSON strings decoded. Only what flow-trigger reads;
 * the other fields EnOS sends (desc, active, visitor, hasEditPri…) are dropped by the schema.
 */
export interface Flow {
  flowId: number;
  flowName: string;
  /** 0 manual, 1 periodic, 2 temporary. */
  type?: number;
  cycle?: string;
  freq?: string;
  /** EnOS usernames, trimmed, no empty entries. */
  owners: string[];
  /** The flow's current global parameters. */
  parameters: FlowParameter[];
  tasks: FlowTask[];
  /** The workflow is locked. */
  locked: boolean;
  /** The calling user is locked. */
  isUserLocked: boolean;
}

/** One entry of Get My Flow (EnOS sends `flowId` as a string; normalised to a number). */
export interface MyFlow {
  flowId: number;
  flowName: string;
  cycle?: string;
}

export interface FlowInstanceTask {
  taskName?: string;
  taskInstId?: string;
  status?: string;
}

/** Get Flow Instance's `data`, normalised. Times are EnOS server-zone strings `yyyy-MM-dd HH:mm:ss`. */
export interface FlowInstance {
  instanceId: string;
  flowId: number;
  flowName: string;
  /** -1 FAIL, 0 INIT, 1 SUCCESS, 2 RUNNING, 3 SUSPEND, 4 INTERNAL_ERROR, 5 WAIT, 6 READY, 7 TIMEOUT, 8 CANCEL, 9 RERUN, 10 SKIP */
  status: number;
  triggerTime?: string;
  startTime?: string;
  endTime?: string;
  parameters: FlowParameter[];
  tasks: FlowInstanceTask[];
}

export interface TriggerRequest {
  flowId: number;
  /** Epoch milliseconds. */
  triggerTime: number;
  parameters: FlowParameter[];
}

/**
 * The EnOS batch-processing API as the core sees it. Implementations throw the typed errors of
 * `core/errors.ts` (EnosApiError, EnosAuthError, EnosHttpError, EnosTimeoutError,
 * EnosConnectionError, EnosMalformedResponseError).
 */
export interface EnosGateway {
  getFlow(caller: EnosCaller, flowId: number): Promise<Flow>;
  getMyFlows(caller: EnosCaller, expression?: string): Promise<MyFlow[]>;
  /** Never retried once the request may have reached EnOS: a resend could run the flow twice. */
  updateAndTrigger(caller: EnosCaller, request: TriggerRequest): Promise<{ flowInstanceId: string }>;
  getFlowInstance(caller: EnosCaller, flowInstId: string): Promise<FlowInstance>;
  cancelFlowInstance(caller: EnosCaller, flowInstId: string): Promise<void>;
  /**
   * The users of an EnOS organization (IAM API, docs/enos-api.md §3.9), called with the application's
   * own credentials (it needs the OU administrator policy). For self-linking by email.
   */
  listOrgUsers(orgId: string): Promise<EnosOrgUserList>;
  /**
   * Get Task Instance Log as `caller`: at most `maxLength` characters of the log of one task of a
   * run (`FlowInstanceTask.taskInstId`). EnOS's 62109 "No log found" is the `no-log` answer, not an
   * error; any other refusal throws. Logs are untrusted and may hold secrets: mask before showing.
   */
  getTaskLog(caller: EnosCaller, taskInstId: string, maxLength?: number): Promise<TaskLog>;
  /**
   * Get Time Zone: the zone EnOS writes its zone-less times in, as EnOS spells it (`GMT+8`).
   * Called as the application (no userId/orgId).
   */
  getTimeZone(): Promise<string>;
  /** Get Current Time: the EnOS server's clock in epoch ms, to measure skew against ours. */
  getCurrentTime(): Promise<number>;
  /**
   * List Flow Instances (`POST flowInstances?action=search`): the instances of `flowId` (every
   * status, whatever their scheduling type) whose trigger time lies in the range. Recovery uses it
   * to learn whether an Update And Trigger whose answer was lost created a run.
   */
  listFlowInstances(caller: EnosCaller, query: FlowInstanceQuery): Promise<ListedFlowInstance[]>;
}

/** What List Flow Instances is asked for. */
export interface FlowInstanceQuery {
  flowId: number;
  /** Epoch ms, inclusive. */
  fromTriggerTime: number;
  toTriggerTime: number;
}

/** One element of List Flow Instances: a FlowInstance plus its creation time (server-zone text). */
export interface ListedFlowInstance extends FlowInstance {
  createTime?: string;
}

/** Get Task Instance Log's answer. */
export type TaskLog =
  /** The log as EnOS sent it (at most the `maxLength` asked for). */
  | { kind: 'log'; text: string }
  /** EnOS has no log for the task (62109 "No log found"): e.g. it never started. */
  | { kind: 'no-log'; message: string };

/** An IAM user of the organization: `{id, name, email, state, organizationId}`. */
export interface EnosOrgUser {
  /** The EnOS userId (`u…`). */
  id: string;
  /** The EnOS username: what flow owners are listed by. */
  name?: string;
  email?: string;
  state?: string;
  organizationId?: string;
}

/** The user list as far as it could be read. */
export interface EnosOrgUserList {
  users: EnosOrgUser[];
  /**
   * False when EnOS said it holds more users than could be read (pagination that did not
   * finish): a match found in part of a list proves nothing about the rest.
   */
  complete: boolean;
}

/** Milliseconds since the epoch; injected so that tests control time. */
export type Clock = () => number;

/** Slack user → EnOS user links, per Slack workspace (team). */
export interface LinkStore {
  get(teamId: string, slackUserId: string): Promise<Link | undefined>;
  /** Creates or replaces the link of `link.teamId`/`link.slackUserId`. */
  put(link: Link): Promise<void>;
  /** Returns whether a link existed. */
  remove(teamId: string, slackUserId: string): Promise<boolean>;
  /** Every link of the team, sorted by Slack user ID. */
  list(teamId: string): Promise<Link[]>;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: string };

/**
 * Atomic claims with an expiry, shared by every replica that shares the store: the basis of
 * "nothing runs twice". `claim` is one atomic operation in the backend (Redis `SET NX PX`,
 * a single SQLite statement), never get-then-set.
 */
export interface ClaimStore {
  /** Claims `key` for `ttlMs` with `value`, unless an unexpired claim exists: then returns its value. */
  claim(key: string, value: string, ttlMs: number): Promise<ClaimResult>;
  /** Replaces the value of an existing claim, keeping it for `ttlMs` from now. */
  update(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value of an unexpired claim. */
  get(key: string): Promise<string | undefined>;
  release(key: string): Promise<void>;
}

export type AuditOutcome =
  /** Accepted, not yet answered by EnOS. */
  | 'pending'
  /** EnOS returned a flow instance ID. */
  | 'triggered'
  /** A prerequisite check failed; EnOS was not asked to trigger. */
  | 'refused'
  /** EnOS (or the way to it) failed, and nothing was started. */
  | 'failed'
  /** The trigger request may or may not have reached EnOS (timeout, reset after sending). */
  | 'unknown'
  /** The same request within the duplicate window: not sent again. */
  | 'duplicate';

/** One trigger attempt, kept as the audit trail. */
export interface AuditRecord {
  /** Unique per attempt. */
  id: string;
  teamId: string;
  slackUserId: string;
  enosUserId: string;
  enosUserName: string;
  orgId: string;
  flowId: number;
  flowName?: string;
  /** Epoch ms sent to EnOS as `triggerTime`. */
  triggerTime: number;
  /** IANA zone the time was resolved in. */
  zone: string;
  parameters: FlowParameter[];
  /** Where the request came from. */
  source: 'command' | 'modal' | 'button' | 'console';
  /** ISO 8601 instant the request was received. */
  requestedAt: string;
  /** ISO 8601 instant of the last change. */
  updatedAt: string;
  /** Where the parent message and thread are (or the conversation the result was sent to privately). */
  channelId: string;
  threadTs?: string;
  outcome: AuditOutcome;
  instanceId?: string;
  /** For refused/failed/unknown: the error code and the technical message. */
  error?: { code: string; message: string; enosCode?: number };
  /** How the triggered run ended, written by the run watcher when it stops watching. */
  run?: AuditRunOutcome;
  /** Set when the attempt is one run of a backfill (src/core/backfill.ts): `history` shows it as such. */
  backfill?: { id: string; businessDate: string };
  /** The request needed approval (a policy rule): when it was asked and who decided. */
  approval?: AuditApproval;
}

/** The end of a watched run, as the audit record keeps it. */
export interface AuditRunOutcome {
  /** The last EnOS status code seen (`FlowInstance.status`). */
  status: number;
  /** True when the watcher stopped before the run finished (WATCH_MAX_HOURS, or EnOS kept failing). */
  gaveUp?: boolean;
  /** ISO 8601 instant the watcher stopped watching. */
  at: string;
}

export interface AuditStore {
  /** Creates or replaces the record with `record.teamId`/`record.id`. */
  put(record: AuditRecord): Promise<void>;
  get(teamId: string, id: string): Promise<AuditRecord | undefined>;
  /** Newest first (by requestedAt), optionally for one Slack user and/or one flow. */
  listRecent(
    teamId: string,
    filter: { slackUserId?: string; flowId?: number; limit: number },
  ): Promise<AuditRecord[]>;
  /**
   * What `history` may show a caller, newest first: their own attempts, and the attempts announced
   * in `channelId` (never another user's private result). Read from per-user and
   * per-conversation indexes, so the cost does not grow with the team's whole history.
   */
  listVisible(
    teamId: string,
    filter: { slackUserId: string; channelId: string; flowId?: number; limit: number },
  ): Promise<AuditRecord[]>;
  /**
   * Deletes records requested before `cutoffMs` (epoch ms), with their index entries, at most
   * `batch` of them; returns how many were deleted (fewer than `batch`: nothing older is left).
   */
  deleteOlderThan(cutoffMs: number, batch: number): Promise<number>;
}

/** A triggered run the watcher follows until it finishes: one record per flow instance. */
export interface RunWatch {
  /** The flow instance: the record's key (instance IDs are unique in EnOS). */
  instanceId: string;
  teamId: string;
  /** The audit record of the trigger attempt. */
  attemptId: string;
  /** Who triggered it: the final message mentions them. */
  slackUserId: string;
  /** The EnOS identity that triggered it, and that Get Flow Instance is called as. */
  identity: EnosIdentity;
  flowId: number;
  flowName?: string;
  /** Epoch ms sent to EnOS as `triggerTime`. */
  triggerTime: number;
  /** Where the thread is: the parent message's conversation and ts. */
  channelId: string;
  threadTs?: string;
  /** The thread reply the watcher keeps current (chat.update); absent when it is ephemeral. */
  reply?: { channelId: string; ts: string };
  /** The result went to the caller privately (DM or ephemeral), not to the channel. */
  private: boolean;
  /**
   * Saved before the reply was posted and its ts not recorded yet: if that never happens (the
   * process died in between), the watcher posts a new reply instead of editing one.
   */
  awaitingReply?: boolean;
  /** Epoch ms the watch started. */
  createdAt: number;
  /** Epoch ms of the next Get Flow Instance: the due time the store orders watches by. */
  nextPollAt: number;
  /** Epoch ms after which the watcher gives up: max(triggerTime, createdAt) + WATCH_MAX_HOURS. */
  giveUpAt: number;
  /** Backoff step: polls since the run last changed phase. */
  step: number;
  polls: number;
  /** Failed polls in a row (EnOS unreachable or refusing). */
  errors: number;
  /** The last status seen, and the phase shown in the reply. */
  lastStatus?: number;
  lastPhase?: string;
  /**
   * The run is one of a backfill: polled at the shortest interval, and its end goes to the
   * backfill (its progress reply), not to a message of its own.
   */
  backfill?: { teamId: string; id: string };
}

/**
 * The watch list, shared by every replica that shares the store, so that a restart resumes every
 * watch. Which replica polls a due watch is decided by a lease in the ClaimStore, not here.
 */
export interface WatchStore {
  /** Creates or replaces the watch of `watch.instanceId`, due at `watch.nextPollAt`. */
  put(watch: RunWatch): Promise<void>;
  get(instanceId: string): Promise<RunWatch | undefined>;
  remove(instanceId: string): Promise<void>;
  /** Watches due at `now` (nextPollAt ≤ now), most overdue first, at most `limit`. */
  listDue(now: number, limit: number): Promise<RunWatch[]>;
}

/**
 * Trigger jobs (see core/trigger-job.ts): what Slack acknowledged, recorded before the ack, with
 * the step it reached, shared by every replica that shares the store. Which replica works on a job
 * is decided by a lease in the ClaimStore, not here.
 */
export interface JobStore {
  /** Creates or replaces the job of `job.id`, due for recovery at `job.dueAt`. */
  put(job: TriggerJob): Promise<void>;
  get(id: string): Promise<TriggerJob | undefined>;
  remove(id: string): Promise<void>;
  /** Jobs due at `now` (dueAt ≤ now), most overdue first, at most `limit`. */
  listDue(now: number, limit: number): Promise<TriggerJob[]>;
}

/**
 * A previewed trigger, kept for its Trigger button (docs/product.md, "Preview (dry run)"): the button
 * carries only `id`, so what runs is what was shown, whatever a payload says.
 */
export interface StoredPreview {
  id: string;
  teamId: string;
  /** The previewer: only they may trigger it. */
  slackUserId: string;
  channelId: string;
  flowId: number;
  /** What the Trigger button sends: `now` and `in …` as asked, an explicit time pinned to the instant shown. */
  when: WhenSpec;
  /** The instant shown for an explicit time; absent for `now` and `in …`, resolved again at the click. */
  pinnedEpochMs?: number;
  /** The previewed time was back-dated: a time that was ahead and has passed since is not back-dated silently. */
  backdated: boolean;
  parameters: FlowParameter[];
  createdAt: number;
}

/** Previews by id, each for a while (a keyv record with a TTL, on either backend). */
export interface PreviewStore {
  put(preview: StoredPreview, ttlMs: number): Promise<void>;
  get(teamId: string, id: string): Promise<StoredPreview | undefined>;
}

/*
 * The trigger use case's ports (src/core/trigger-flow.ts) and the types they speak in: what the
 * Slack side implements (TriggerReporter) and what the composition hands in (TriggerDeps).
 */

/** A trigger request, as parsed from a command or a form. */
export interface TriggerCommand {
  teamId: string;
  slackUserId: string;
  /** The conversation the request came from (or was asked to post in). */
  channelId: string;
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
  source: AuditRecord['source'];
}

/** Why a request was refused before EnOS was asked to trigger. */
export type RefusalReason =
  | 'flow-not-found'
  | 'no-access'
  | 'user-locked'
  | 'flow-locked'
  | 'not-owner'
  | 'no-tasks';

/** What the caller is told privately: no trigger attempt happened (or it is someone else's). */
export type PrivateNotice =
  | { kind: 'not-linked'; admins: string[]; selfLink: boolean }
  | { kind: 'time-invalid'; message: string }
  | { kind: 'duplicate'; flowId: number; earlier: EarlierAttempt }
  | { kind: 'store-failed'; error: FlowTriggerError }
  /** The policy file refuses it: `why` names the rule, `how` says how to get allowed. */
  | { kind: 'policy-refused'; flowId: number; why: string; how: string };

/** What the duplicate guard remembers about the first of two identical requests. */
export interface EarlierAttempt {
  attemptId: string;
  requestedAt: string;
  channelId?: string;
  threadTs?: string;
  /** Set when the thread is private to the caller (the bot could not post in the channel). */
  private?: boolean;
}

/** The parent message: the request as the channel's audit trail shows it. */
export interface Announcement {
  attemptId: string;
  slackUserId: string;
  identity: EnosIdentity;
  flowId: number;
  /** Known when Get Flow succeeded. */
  flowName?: string;
  time: ResolvedTime;
  parameters: FlowParameter[];
}

/** Where the outcome goes: a thread in the channel, or the caller's private replies. */
export interface ThreadRef {
  channelId: string;
  /** The parent message's ts; absent when the result goes privately to the caller. */
  threadTs?: string;
  private: boolean;
}

export type TriggerResult =
  | { kind: 'triggered'; instanceId: string; flow: Flow; time: ResolvedTime }
  | {
      kind: 'refused';
      reason: RefusalReason;
      flowId: number;
      identity: EnosIdentity;
      flow?: Flow;
      error?: FlowTriggerError;
    }
  /** Failed, and nothing was started. */
  | { kind: 'failed'; error: FlowTriggerError; stage: 'check' | 'trigger' }
  /** Failed in a way that leaves open whether EnOS started the run. */
  | { kind: 'unknown'; error: FlowTriggerError };

/** The Slack side of a trigger, bound to one request. */
export interface TriggerReporter {
  /** Tells the caller privately (an ephemeral message). */
  notify(notice: PrivateNotice): Promise<void>;
  /**
   * Posts the parent message, falling back to the caller's private replies where the bot cannot
   * post. Throws when Slack cannot be reached at all: then nothing may be triggered.
   */
  announce(announcement: Announcement): Promise<ThreadRef>;
  /**
   * Posts the outcome under the parent message (or privately). Resolves with the reply's place
   * when it is a message the bot can edit later (the run watcher keeps it current).
   */
  reply(
    thread: ThreadRef,
    result: TriggerResult,
    announcement: Announcement,
  ): Promise<PostedReply | undefined>;
  /**
   * Recovery: tells the caller that nothing was triggered and why, in the thread when there is one
   * (else privately, a DM when no response_url is left), with a button to trigger it again.
   */
  notTriggered(
    thread: ThreadRef | undefined,
    reason: NotTriggeredReason,
    subject: RecoveryNoticeSubject,
  ): Promise<void>;
  /** Recovery: says in the thread (once) that EnOS is being asked whether the run started. */
  checking(thread: ThreadRef, subject: RecoveryNoticeSubject): Promise<void>;
  /**
   * Posts the approval request in the conversation (with who must approve and its buttons).
   * Resolves undefined where the bot cannot post (nobody could approve it); throws when Slack
   * cannot be reached. Absent: approval cannot be asked for.
   */
  requestApproval?(request: ApprovalRequest): Promise<PostedReply | undefined>;
}

/** A message the bot posted and may edit (chat.update). */
export interface PostedReply {
  channelId: string;
  ts: string;
}

export interface TriggerDeps {
  enos: EnosGateway;
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  newId: () => string;
  /** The caller's IANA zone (Slack profile, or the configured default). */
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
  admins: string[];
  selfLink: boolean;
  /** Logs what the user does not see; never given secrets. */
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Starts watching a triggered run until it finishes (absent: runs are not watched). */
  startWatch?: (run: NewRunWatch) => Promise<void>;
  /** Where each step of the job is recorded (absent: nowhere, the job lives in memory only). */
  jobs?: JobStore;
  /** The run watches, as the job's last steps need them (absent: runs are not watched). */
  watches?: RunWatchLink;
  /** How long a worker's lease on a job lasts: recovery looks at a job once it may have lapsed. */
  leaseMs?: number;
  /** RECOVERY_MAX_AGE_SECONDS in ms (default 600 s). */
  maxAgeMs?: number;
  recovery: RecoverySettings;
  /**
   * The policy file's verdict on the request (absent: no policy). Undefined: allowed; else the
   * refusal, in words. Asked once, after Get Flow (the rules match EnOS's flow name) and before the
   * announcement, so that a refused request leaves no trace in the channel and never reaches EnOS.
   */
  checkPolicy?: (request: PolicyRequest) => Promise<PolicyCheck>;
  /**
   * Requests that wait for approval (absent: a request that needs approval is refused, as where
   * nobody could approve it, e.g. the console).
   */
  approvals?: ApprovalStore;
}

/** The watch of a run, seen from its trigger job. */
export interface RunWatchLink {
  exists(instanceId: string): Promise<boolean>;
  /** Records the run's reply on its watch, once posted (undefined: the reply cannot be edited). */
  replyPosted(instanceId: string, reply: PostedReply | undefined): Promise<void>;
}

/** What a recovery notice is about. */
export interface RecoveryNoticeSubject {
  attemptId: string;
  slackUserId: string;
  flowId: number;
  flowName?: string;
}

/** Why recovery tells the caller that nothing was triggered. */
export type NotTriggeredReason =
  /** Not sent before RECOVERY_MAX_AGE_SECONDS passed (the app was down): Run it now. */
  | { kind: 'expired'; ageMs: number }
  /** Sent, its answer lost, and EnOS lists no run for it: Run again. */
  | { kind: 'not-found' };

/** How a trigger request ended, for the caller of the use case (tests, buttons, logs). */
export type TriggerSummary =
  | { kind: PrivateNotice['kind'] }
  | { kind: 'slack-unreachable'; attemptId: string }
  /** Too old to send after a restart: the caller was told, with Run it now. */
  | { kind: 'expired'; attemptId: string }
  /** Sent, answer lost, EnOS does not list the run yet: recovery asks again later. */
  | { kind: 'waiting'; attemptId: string }
  | { kind: TriggerResult['kind']; attemptId: string; instanceId?: string }
  /** A policy rule needs approval: the request was posted and waits (approval-request.ts). */
  | { kind: 'awaiting-approval'; attemptId: string };

/** AuditRecord.approval: who decided a request that needed approval (ISO 8601 instants). */
export interface AuditApproval {
  requested: string;
  approvedBy: string[];
  rejectedBy?: string;
  /** The Reject's reason, as typed (untrusted: shown inert). */
  reason?: string;
  withdrawn?: boolean;
  /** When the request reached its final state. */
  at?: string;
}

/** What a policy rule asks before a request may run: approvals from other people. */
export interface ApprovalNeed {
  rule: RuleRef;
  count: number;
  timeoutMs: number;
  /** Slack user ids who may approve (the requester left out). */
  eligibleApprovers: string[];
  /** Who must approve and within how long, in words with mentions. */
  summary: string;
}

/**
 * The policy's verdict as the trigger use case takes it: undefined (allowed), a refusal in words,
 * or the approvals it needs first.
 */
export type PolicyCheck = { why: string; how: string } | { needsApproval: ApprovalNeed } | undefined;

/**
 * Approval requests (core/approval-request.ts) by id, with an index of the pending ones by deadline
 * for the expiry pass. Atomic decisions are made on top of it (core/approval-update.ts).
 */
export interface ApprovalStore {
  /** Creates or replaces the request; a pending one is indexed by its deadline, a final one not. */
  put(request: ApprovalRequest): Promise<void>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  remove(id: string): Promise<void>;
  /** Pending requests whose deadline is at or before `now`, most overdue first, at most `limit`. */
  listExpired(now: number, limit: number): Promise<ApprovalRequest[]>;
}

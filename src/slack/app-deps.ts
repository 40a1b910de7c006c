import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ApprovalPayload, ApprovalRequest } from '../core/approval-request';
import type { BackfillStore } from '../core/backfill';
import type {
  ApprovalStore,
  AuditStore,
  ClaimStore,
  Clock,
  EnosGateway,
  JobStore,
  LinkStore,
  PreviewStore,
  WatchStore,
} from '../core/ports';
import type { BackfillPlanStore } from '../core/stored-backfill-plan';
import type { InFlight } from '../in-flight';
import type { BackfillRunner, BackfillRunnerSettings } from './backfill-runner';
import type { JobRunnerState, RecoveryOptions } from './job-runner';
import type { PolicyGate } from './policy-gate';
import type { RunWatcher, WatchSettings } from './run-watcher';

/** Everything the Slack listeners need, handed in by the composition root: no globals. */
export interface AppDeps {
  logger: Logger;
  enos: EnosGateway;
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  newId: () => string;
  /** Zone for callers whose Slack profile has none (DEFAULT_TIMEZONE). */
  defaultZone: string;
  /** How long a caller's Slack time zone is cached. */
  zoneCacheMs: number;
  admins: string[];
  defaultOrgId: string;
  selfLink: boolean;
  inFlight: InFlight;
  /** The watch list of triggered runs. */
  watches: WatchStore;
  /** WATCH_* configuration; defaults where absent. */
  watch?: Partial<WatchSettings>;
  /** ENOS_SERVER_TIMEZONE: the zone EnOS writes run times in (default UTC). */
  enosServerZone?: string;
  /** BACKFILL_CAL_DT_OFFSET_DAYS, BACKFILL_MAX_RUNS; defaults (1, 100) where absent. */
  backfill?: { calDtOffsetDays?: number; maxRuns?: number };
  /** Answers when the store does: `GET /healthz` is 200 only then (Store.ping). */
  pingStore: () => Promise<void>;
  /** Trigger jobs: every acknowledged trigger request until it is done. */
  jobs: JobStore;
  /** RECOVERY_MAX_AGE_SECONDS, JOB_LEASE_SECONDS; defaults where absent. */
  recovery?: Partial<RecoveryOptions>;
  /** ENOS_REQUEST_TIMEOUT_MS: recovery concludes "not found" only after it (+ 60 s). */
  enosRequestTimeoutMs?: number;
  /** Previewed triggers, for their Trigger button. */
  previews: PreviewStore;
  /** POLICY_FILE in force (absent: no policy); swapped on SIGHUP. */
  policy?: PolicyGate;
  /** Started backfills (src/core/backfill.ts). */
  backfills: BackfillStore;
  /** Previewed backfills, for their Start button. */
  backfillPlans: BackfillPlanStore;
  /** The backfill engine's settings; defaults where absent. */
  backfillRunner?: Partial<BackfillRunnerSettings>;
  /** Requests waiting for approval (absent: a request that needs approval is refused). */
  approvals?: ApprovalStore;
  /**
   * Starts a backfill once its approval request is approved (wired by the backfill engine; absent:
   * the thread says that it cannot start in this build).
   */
  onBackfillApproved?: (
    payload: Extract<ApprovalPayload, { kind: 'backfill' }>,
    approvers: string[],
    request: ApprovalRequest,
  ) => Promise<void>;
}

/** What listeners get: the app's dependencies plus what is built from the Slack client. */
export interface ListenerDeps extends AppDeps {
  /** The caller's IANA zone: Slack profile, cached, else the configured default. */
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
  /** Follows triggered runs; built from the Slack client. */
  watcher: RunWatcher;
  /** The app's Web API client: workers and recovery post with it, whoever received the request. */
  slackClient: WebClient;
  /** SLACK_API_TIMEOUT_MS, for posts to a stored response_url. */
  slackTimeoutMs: number;
  /** This replica's job leases and queue. */
  jobRunner: JobRunnerState;
  /** RECOVERY_MAX_AGE_SECONDS in ms, resolved. */
  maxAgeMs: number;
  /** Runs the started backfills; `kick` makes its next step happen at once (Start, a control). */
  backfillEngine: BackfillRunner;
}

/*
 * What each listener surface reads, so that a reader sees what it touches. A surface that reads
 * something more names it here: the listeners get exactly these types.
 */

/**
 * The trigger path shared by every surface that triggers (commands, the form, the buttons) and by
 * recovery: the link check, the durable intake (acceptTrigger), the queue turn (enqueueJob) and
 * the use case's steps (triggerDepsFrom, the Slack reporter).
 */
export type TriggerPathDeps = Pick<
  ListenerDeps,
  | 'admins'
  | 'audit'
  | 'backfill'
  | 'claims'
  | 'clock'
  | 'enos'
  | 'enosRequestTimeoutMs'
  | 'enosServerZone'
  | 'inFlight'
  | 'jobRunner'
  | 'jobs'
  | 'links'
  | 'logger'
  | 'maxAgeMs'
  | 'newId'
  | 'policy'
  | 'previews'
  | 'selfLink'
  | 'slackClient'
  | 'slackTimeoutMs'
  | 'watcher'
  | 'zoneOf'
  | 'backfills'
  | 'backfillPlans'
  | 'backfillEngine'
  | 'approvals'
  | 'onBackfillApproved'
>;

/** The slash command: the trigger path, plus the organization `link` defaults to. */
export type CommandDeps = TriggerPathDeps & Pick<ListenerDeps, 'defaultOrgId'>;

/** The form (views): opened, refreshed and submitted; a submission triggers. */
export type ViewDeps = TriggerPathDeps;

/** The buttons (actions): Run again, Edit and run, Cancel, Refresh, the full log, the Home tab's form. */
export type ActionDeps = TriggerPathDeps;

/** The global shortcut: opens the form. */
export type ShortcutDeps = ViewDeps;

/** The Home tab (app_home_opened): the caller's link, active backfills, recent triggers and live run states. */
export type EventDeps = Pick<
  ListenerDeps,
  'admins' | 'audit' | 'clock' | 'enos' | 'enosServerZone' | 'inFlight' | 'links' | 'logger' | 'selfLink'
> &
  Pick<ListenerDeps, 'backfills'>;

/** The form's flow search (block_suggestion). */
export type OptionDeps = Pick<ListenerDeps, 'enos' | 'links' | 'logger'>;

/** Recovery of trigger jobs (src/slack/job-runner.ts): the trigger path, nothing else. */
export type RecoveryDeps = TriggerPathDeps;

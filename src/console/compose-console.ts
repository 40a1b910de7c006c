import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BackfillOnFailure, BackfillOrder, BackfillRequest } from '../core/parse-backfill';
import { BACKFILL_DEFAULTS, type PlannedRun } from '../core/plan-backfill';
import type { PolicyRequest } from '../core/policy/decide-policy';
import type {
  AuditStore,
  ClaimStore,
  Clock,
  EnosGateway,
  EnosIdentity,
  Flow,
  FlowParameter,
  LinkStore,
  TriggerSummary,
  WatchStore,
} from '../core/ports';
import { type BackfillPreviewOutcome, previewBackfill } from '../core/preview-backfill';
import { type PreviewOutcome, previewRequest } from '../core/preview-request';
import { DEFAULT_MAX_AGE_MS, runTriggerJob } from '../core/trigger-flow';
import { type JobCommand, newTriggerJob } from '../core/trigger-job';
import type { WatchPolicy } from '../core/watch-policy';
import { answerRunStatus } from '../slack/listeners/commands/answer-run-status';
import { createRunWatcher } from '../slack/run-watcher';
import type { SlackMessage } from '../slack/ui/slack-message';
import type { ConsoleOutput } from './console-output';
import { CONSOLE_CHANNEL, createConsoleRunReporter, createConsoleTriggerReporter } from './console-reporters';

/**
 * The core services of the console, composed here on purpose (and small, to switch to a shared
 * composition later): the trigger use case with the console's reporter, and a run watcher whose
 * reporter prints progress. Trigger jobs are not written to the store: recovery runs in the Slack
 * app and could only report to Slack, so a console request lives in this process.
 */
export interface ConsoleServicesDeps {
  enos: EnosGateway;
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  /** The console's own watches: never the Slack app's list, whose watcher would report to Slack. */
  watches: WatchStore;
  clock: Clock;
  logger: Logger;
  /** The Slack user acted as, and their workspace. */
  as: { teamId: string; slackUserId: string };
  zone: string;
  serverZone: string;
  admins: string[];
  selfLink: boolean;
  watch: { policy: WatchPolicy; tickMs: number };
  enosTimeoutMs: number;
  out: ConsoleOutput;
  /**
   * POLICY_FILE's verdict, as for every other way of triggering (absent: no policy): a refusal or
   * nothing. The console cannot collect approvals, so a rule that requires one refuses here
   * (policyRefusalCheck).
   */
  checkPolicy?: ConsolePolicyCheck;
  /** BACKFILL_CAL_DT_OFFSET_DAYS and BACKFILL_MAX_RUNS (absent: their defaults). */
  backfill?: { calDtOffsetDays: number; maxRuns: number };
  /**
   * Starts a previewed backfill (the backfill engine's use case). Optional: without it, `start`
   * after a backfill preview says that this build cannot start one from the console.
   */
  startBackfill?: (input: ConsoleBackfillStart) => Promise<{ backfillId: string }>;
}

/** What starting a previewed backfill hands the engine: exactly the runs that were shown. */
export interface ConsoleBackfillStart {
  /** The Slack user the console acts as, and their workspace. */
  as: { teamId: string; slackUserId: string };
  identity: EnosIdentity;
  flow: Flow;
  /** In the order they run, as previewed. */
  runs: PlannedRun[];
  parameters: FlowParameter[];
  order: BackfillOrder;
  onFailure: BackfillOnFailure;
}

/** A trigger to preview, as the command parser reads it. */
export type ConsolePreviewAsk = JobCommand;

export interface ConsoleServices {
  trigger(command: JobCommand): Promise<TriggerSummary>;
  status(instanceId: string): Promise<SlackMessage>;
  /** The caller's audit records, newest first. */
  history(flowId: number | undefined, limit: number): ReturnType<AuditStore['listVisible']>;
  /** `preview …`: the trigger's checks and its exact request, nothing sent (the core use case). */
  preview(ask: ConsolePreviewAsk): Promise<PreviewOutcome>;
  /** `backfill …`: the runs planned and the checks, nothing sent (the core use case). */
  previewBackfill(request: BackfillRequest): Promise<BackfillPreviewOutcome>;
  /** What the answers' words need: who can link an unlinked user, and the server's zone. */
  wording: { admins: string[]; selfLink: boolean; serverZone: string };
  /** Present only when the build has a backfill engine to hand the runs to. */
  startBackfill?: (input: Omit<ConsoleBackfillStart, 'as'>) => Promise<{ backfillId: string }>;
  /** Stops the watcher. */
  stop(): Promise<void>;
}

export function composeConsole(deps: ConsoleServicesDeps): ConsoleServices {
  const { as, logger } = deps;
  const watcher = createRunWatcher({
    reporter: createConsoleRunReporter(deps.out),
    enos: deps.enos,
    watches: deps.watches,
    claims: deps.claims,
    audit: deps.audit,
    clock: deps.clock,
    logger,
    serverZone: deps.serverZone,
    settings: { policy: deps.watch.policy, tickMs: deps.watch.tickMs },
  });
  watcher.start();
  const log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) =>
    logger[level](fields ?? {}, msg);
  const triggerReporter = createConsoleTriggerReporter(deps.out);
  // The console has no conversation: the policy is asked without one (a rule naming channels refuses).
  const checkPolicy = deps.checkPolicy;
  const consolePolicy: ConsolePolicyCheck | undefined = checkPolicy
    ? ({ conversationId: _none, ...request }) => checkPolicy(request)
    : undefined;
  const startBackfill = deps.startBackfill;

  return {
    trigger(command) {
      const id = randomUUID();
      const origin = {
        teamId: as.teamId,
        slackUserId: as.slackUserId,
        channelId: CONSOLE_CHANNEL,
        deliveryKey: `console:${id}`,
        source: 'console' as const,
      };
      const job = newTriggerJob(id, origin, command, deps.clock(), 60_000);
      return runTriggerJob(
        {
          enos: deps.enos,
          links: deps.links,
          claims: deps.claims,
          audit: deps.audit,
          clock: deps.clock,
          newId: randomUUID,
          zoneOf: async () => deps.zone,
          admins: deps.admins,
          selfLink: deps.selfLink,
          log,
          startWatch: watcher.startWatch,
          watches: { exists: watcher.exists, replyPosted: watcher.replyPosted },
          maxAgeMs: DEFAULT_MAX_AGE_MS,
          recovery: {
            maxAgeMs: DEFAULT_MAX_AGE_MS,
            enosTimeoutMs: deps.enosTimeoutMs,
            serverZone: deps.serverZone,
          },
          ...(deps.checkPolicy ? { checkPolicy: deps.checkPolicy } : {}),
        },
        job,
        triggerReporter,
      );
    },
    status(instanceId) {
      return answerRunStatus(
        {
          links: deps.links,
          enos: deps.enos,
          admins: deps.admins,
          selfLink: deps.selfLink,
          enosServerZone: deps.serverZone,
          clock: deps.clock,
          logger,
        },
        as,
        instanceId,
      );
    },
    history(flowId, limit) {
      return deps.audit.listVisible(as.teamId, {
        slackUserId: as.slackUserId,
        channelId: CONSOLE_CHANNEL,
        ...(flowId === undefined ? {} : { flowId }),
        limit,
      });
    },
    preview(ask) {
      return previewRequest(
        {
          links: deps.links,
          claims: deps.claims,
          enos: { getFlow: (caller, flowId) => deps.enos.getFlow(caller, flowId) },
          clock: deps.clock,
          zoneOf: async () => deps.zone,
          serverZone: deps.serverZone,
          calDtOffsetDays: deps.backfill?.calDtOffsetDays ?? BACKFILL_DEFAULTS.calDtOffsetDays,
          ...(consolePolicy ? { checkPolicy: consolePolicy } : {}),
        },
        { ...as, channelId: CONSOLE_CHANNEL, ...ask },
      );
    },
    previewBackfill(request) {
      return previewBackfill(
        {
          links: deps.links,
          enos: { getFlow: (caller, flowId) => deps.enos.getFlow(caller, flowId) },
          clock: deps.clock,
          zoneOf: async () => deps.zone,
          serverZone: deps.serverZone,
          ...(deps.backfill ? { backfill: deps.backfill } : {}),
          ...(checkPolicy ? { checkPolicy } : {}),
        },
        as,
        request,
      );
    },
    wording: { admins: deps.admins, selfLink: deps.selfLink, serverZone: deps.serverZone },
    ...(startBackfill ? { startBackfill: (input) => startBackfill({ ...input, as }) } : {}),
    stop: () => watcher.stop(2000),
  };
}

/** The console's policy check: a refusal in words, or undefined when allowed. */
export type ConsolePolicyCheck = (
  request: PolicyRequest,
) => Promise<{ why: string; how: string } | undefined>;

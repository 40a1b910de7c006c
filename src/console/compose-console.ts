import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type BackfillRunner, createBackfillEngine } from '../backfill/backfill-engine';
import { beginBackfill } from '../backfill/begin-backfill';
import { type BackfillStore, backfillFlowKey } from '../core/backfill';
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
  TriggerReporter,
  TriggerSummary,
  WatchStore,
} from '../core/ports';
import { type BackfillPreviewOutcome, previewBackfill } from '../core/preview-backfill';
import { type PreviewOutcome, previewRequest } from '../core/preview-request';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import { DEFAULT_MAX_AGE_MS, runTriggerJob } from '../core/trigger-flow';
import { type JobCommand, newTriggerJob, type TriggerJob } from '../core/trigger-job';
import type { WatchPolicy } from '../core/watch-policy';
import { createBackfillRunReporter } from '../slack/backfill-run-reporter';
import { answerRunStatus } from '../slack/listeners/commands/answer-run-status';
import { createRunWatcher } from '../slack/run-watcher';
import type { SlackMessage } from '../slack/ui/slack-message';
import { createConsoleBackfillReporter } from './console-backfill-reporter';
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
  startBackfill?: (input: ConsoleBackfillStart) => Promise<ConsoleBackfillStarted>;
  /**
   * The backfills (the store's): with them, and no `startBackfill` handed in, the console runs the
   * backfill engine itself (src/backfill), its runs through the console's trigger path and its
   * progress printed here. Every `tickMs` (of the wall clock; the engine's times are `clock`'s).
   */
  backfills?: { store: BackfillStore; tickMs: number };
}

/** What `start` came to: the backfill's id, or why it did not start (lines to print). */
export type ConsoleBackfillStarted = { backfillId: string } | { refused: string[] };

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
  startBackfill?: (input: Omit<ConsoleBackfillStart, 'as'>) => Promise<ConsoleBackfillStarted>;
  /** Stops the watcher. */
  stop(): Promise<void>;
}

export function composeConsole(deps: ConsoleServicesDeps): ConsoleServices {
  const { as, logger } = deps;
  // Built below, on the trigger path that the watcher is part of: a backfill's run's end goes to it.
  let engine: BackfillRunner | undefined;
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
    onBackfillRunEnded: async (watch, view) => {
      await engine?.runEnded(watch, view);
    },
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
  const runJob = (job: TriggerJob, reporter: TriggerReporter) =>
    runTriggerJob(
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
      reporter,
    );
  const built =
    !deps.startBackfill && deps.backfills
      ? consoleBackfills(deps, deps.backfills, watcher, runJob)
      : undefined;
  engine = built?.engine;
  const startBackfill = deps.startBackfill ?? built;

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
      return runJob(job, triggerReporter);
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
    stop: async () => {
      await engine?.stop(2000);
      if (deps.backfills && engine) await freeUnfinished(deps, deps.backfills.store);
      await watcher.stop(2000);
    },
  };
}

/** The console's policy check: a refusal in words, or undefined when allowed. */
export type ConsolePolicyCheck = (
  request: PolicyRequest,
) => Promise<{ why: string; how: string } | undefined>;

/**
 * The console's backfills: the one engine (src/backfill), its runs through the console's trigger
 * path with the reporter that shows nothing per run, its progress and end printed; `start` is the
 * shared start sequence. Only the console's own backfills are taken (the store may be the app's).
 */
function consoleBackfills(
  deps: ConsoleServicesDeps,
  backfills: { store: BackfillStore; tickMs: number },
  watcher: ReturnType<typeof createRunWatcher>,
  runJob: (job: TriggerJob, reporter: TriggerReporter) => Promise<TriggerSummary>,
): ((input: ConsoleBackfillStart) => Promise<ConsoleBackfillStarted>) & { engine: BackfillRunner } {
  const reporter = createConsoleBackfillReporter(deps.out);
  const engine = createBackfillEngine(
    {
      backfills: backfills.store,
      watches: deps.watches,
      claims: deps.claims,
      audit: deps.audit,
      enos: deps.enos,
      watcher,
      clock: deps.clock,
      logger: deps.logger,
      reporter,
      trigger: {
        source: 'console',
        leaseMs: 60_000,
        // Trigger jobs of the console live in this process (see ConsoleServicesDeps).
        existing: async () => undefined,
        async run(job) {
          await runJob(job, createBackfillRunReporter(job, deps.claims, deps.logger));
          return 'ran';
        },
      },
      owns: (record) => record.channelId === CONSOLE_CHANNEL,
    },
    { tickMs: backfills.tickMs },
  );
  engine.start();
  const start = async (input: ConsoleBackfillStart): Promise<ConsoleBackfillStarted> => {
    const plan: StoredBackfillPlan = {
      id: randomUUID(),
      teamId: input.as.teamId,
      slackUserId: input.as.slackUserId,
      channelId: CONSOLE_CHANNEL,
      flowId: input.flow.flowId,
      flowName: input.flow.flowName,
      identity: input.identity,
      runs: input.runs.map(({ businessDate, triggerTime, local }) => ({ businessDate, triggerTime, local })),
      order: input.order,
      onFailure: input.onFailure,
      parameters: input.parameters,
      zone: deps.zone,
      serverZone: deps.serverZone,
      createdAt: deps.clock(),
    };
    const outcome = await beginBackfill(
      {
        claims: deps.claims,
        backfills: backfills.store,
        clock: deps.clock,
        newId: randomUUID,
        logger: deps.logger,
        reporter,
        engine,
      },
      plan,
      input.flow,
      input.as.slackUserId,
    );
    if (outcome.kind === 'started') return { backfillId: outcome.record.id };
    if (outcome.kind === 'busy') {
      return {
        refused: [
          `Not started: flow ${input.flow.flowId} already has a backfill in progress` +
            (outcome.first ? ` (${outcome.first.id}, started by @${outcome.first.slackUserId})` : '') +
            ', and a flow has one backfill at a time. Wait for it to end.',
        ],
      };
    }
    return { refused: ['Not started: the backfill could not be shown here.'] };
  };
  return Object.assign(start, { engine });
}

/**
 * At exit, the flows of the console's unfinished backfills are freed (their one-backfill claims
 * may be in the app's store): nothing runs them once the console is gone.
 */
async function freeUnfinished(deps: ConsoleServicesDeps, store: BackfillStore): Promise<void> {
  try {
    const active = await store.listActive(deps.as.teamId, 100);
    for (const record of active.filter((r) => r.channelId === CONSOLE_CHANNEL)) {
      const flowKey = backfillFlowKey(record.teamId, record.flowId);
      if ((await deps.claims.get(flowKey)) === record.id) await deps.claims.release(flowKey);
      deps.out.print([`Backfill ${record.id} of flow ${record.flowId} was left unfinished.`], 'bad');
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not free the flows of the console’s unfinished backfills');
  }
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { applyBackfillControl } from '../core/apply-backfill-control';
import {
  type BackfillControlRequest,
  type BackfillRecord,
  type BackfillStore,
  backfillFlowKey,
  backfillJobId,
  backfillLeaseKey,
  isActiveBackfill,
} from '../core/backfill';
import { BACKFILL_SPACING_MS } from '../core/backfill-progress';
import {
  type BackfillRunResult,
  backfillRunResultKey,
  isRepeatedWithinAMinute,
  parseBackfillRunResult,
} from '../core/backfill-run-result';
import type { NewRunWatch } from '../core/new-run-watch';
import { endRun, nextBackfillStep, settleRun } from '../core/next-backfill-step';
import type { AuditStore, ClaimStore, Clock, EnosGateway, RunWatch, WatchStore } from '../core/ports';
import { isTerminalStatus } from '../core/run-status';
import type { RunView } from '../core/run-view';
import { settleWithin } from '../core/settle-within';
import { newTriggerJob, type TriggerJob } from '../core/trigger-job';
import { releaseLeases } from '../store/release-leases';
import type { BackfillReporter } from './backfill-reporter';

/** BACKFILL_* engine settings. */
export interface BackfillRunnerSettings {
  /** How often due backfills are looked for; 0 runs no timer (tests call tick()). */
  tickMs: number;
  /** The backfill lease: longer than one step (a trigger's checks and send) can take. */
  leaseMs: number;
  /** Backfills taken per pass. */
  batchSize: number;
  /**
   * While a run is watched, how often the engine checks that its watch still exists (the watcher
   * tells the end at once; this only catches an end that was lost).
   */
  reconcileMs: number;
}

export const DEFAULT_BACKFILL_RUNNER_SETTINGS: BackfillRunnerSettings = {
  tickMs: 5_000,
  leaseMs: 30_000,
  batchSize: 50,
  reconcileMs: 300_000,
};

/**
 * How a backfill's run is triggered: as a trigger job through the front end's trigger path (Slack:
 * the durable job queue; the console: its in-process trigger use case), with a reporter that
 * shows nothing per run and leaves a run that did not start its words (backfill-run-reporter.ts).
 */
export interface BackfillTriggerPort {
  /** The audit source of the runs' trigger jobs. */
  source: TriggerJob['origin']['source'];
  /** The job lease a new trigger job gets. */
  leaseMs: number;
  /** The run's trigger job if one was kept (Slack's job store); the console keeps none. */
  existing(jobId: string): Promise<TriggerJob | undefined>;
  /** Runs the job once; 'pending' when it is already queued or running elsewhere. `fresh`: just made. */
  run(job: TriggerJob, fresh: boolean): Promise<'ran' | 'pending'>;
}

/** What the engine is built from: the stores, EnOS, the watcher, and its two ports. */
export interface BackfillEngineDeps {
  backfills: BackfillStore;
  watches: WatchStore;
  claims: ClaimStore;
  audit: AuditStore;
  enos: Pick<EnosGateway, 'cancelFlowInstance' | 'getFlowInstance'>;
  watcher: { startWatch(run: NewRunWatch): Promise<void> };
  clock: Clock;
  logger: Logger;
  reporter: BackfillReporter;
  trigger: BackfillTriggerPort;
  /**
   * Which backfills this engine runs, when the store is shared with another front end (the Slack
   * app and the terminal console each run their own: each reports where it can).
   */
  owns?: (record: BackfillRecord) => boolean;
}

/** What one pass did, for tests and the log. */
export type BackfillPassSummary = Partial<Record<'busy' | 'advanced', number>>;

/** The backfill engine of one replica. */
export interface BackfillRunner {
  /** A pass now, then one every tickMs (unref'd timer). */
  start(): void;
  /** Stops the timer, waits up to `graceMs` for the pass, hands back the leases it holds. */
  stop(graceMs?: number): Promise<void>;
  /** One pass over the due backfills; passes never overlap. */
  tick(): Promise<BackfillPassSummary>;
  /** Looks at one backfill at once (Start, a control click), whatever its due time. */
  kick(teamId: string, id: string): Promise<void>;
  /** The run watcher saw a backfill's run end (its RunReporter for backfill watches calls this). */
  runEnded(watch: RunWatch, view: RunView): Promise<void>;
}

/**
 * Runs backfills one run at a time (docs/product.md, "Backfill"). A pass on a timer takes the due
 * backfills from the store, each under its lease (so replicas share them and each step happens
 * once), applies a control asked for, then the next step (src/core/next-backfill-step.ts):
 *
 * - a run is triggered THROUGH THE TRIGGER PATH: a trigger job with the deterministic id
 *   `backfillJobId(id, date, attempt)`, so a rerun after a crash (or another replica) finds the
 *   same job, its audit record or its result, and the intake's recovery rules apply (a `sent` job
 *   whose answer was lost is looked up, never resent). Its reporter posts nothing;
 * - its run is watched by the run watcher, which hands the end to `runEnded`: the run's state is
 *   written under the backfill's lease and the progress reply edited (one write, one edit);
 * - the next run waits for max(the previous run's end, its answer + 61 s); EnOS's 62102
 *   "repeatedly in 1 minute" is a wait of 61 s;
 * - the end (all done, stopped at a failure, cancelled) is one thread message mentioning the caller.
 */
export function createBackfillEngine(
  deps: BackfillEngineDeps,
  options: Partial<BackfillRunnerSettings> = {},
): BackfillRunner {
  const settings: BackfillRunnerSettings = { ...DEFAULT_BACKFILL_RUNNER_SETTINGS, ...options };
  const logger = deps.logger.child({ component: 'backfill-runner' });
  const ownerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const held = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<BackfillPassSummary> | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();

  /**
   * Runs `work` under the backfill's lease, renewed while it runs (a step that triggers waits for
   * EnOS); 'busy' when another pass holds it. A replica that dies loses it within `leaseMs`.
   */
  async function underLease<T>(teamId: string, id: string, work: () => Promise<T>): Promise<T | 'busy'> {
    const key = backfillLeaseKey(teamId, id);
    const lease = await deps.claims.claim(key, ownerId, settings.leaseMs);
    if (!lease.claimed) return 'busy';
    held.add(key);
    const renew = setInterval(
      () => {
        deps.claims.update(key, ownerId, settings.leaseMs).catch((error: unknown) => {
          logger.warn({ err: error, key }, 'could not renew a backfill lease');
        });
      },
      Math.max(100, Math.floor(settings.leaseMs / 3)),
    );
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      held.delete(key);
      await deps.claims.release(key).catch((error: unknown) => {
        logger.warn({ err: error, key }, 'could not release a backfill lease; it expires by itself');
      });
    }
  }

  /** One step of one backfill, under its lease. */
  async function advance(teamId: string, id: string): Promise<'busy' | 'advanced'> {
    const result = await underLease(teamId, id, async () => {
      let record = await deps.backfills.get(teamId, id);
      if (!record) return;
      const control = await deps.backfills.takeControl(teamId, id);
      if (control) record = await applyControl(record, control);
      if (!isActiveBackfill(record)) {
        // Cancel remaining lets the running run finish: the end is told once it has.
        if (!record.endTold && !record.runs.some((r) => r.state === 'running')) await finish(record);
        return;
      }
      const now = deps.clock();
      const step = nextBackfillStep(record, now);
      switch (step.kind) {
        case 'idle':
          return;
        case 'wait':
          if (record.nextAt !== step.until) await save({ ...record, nextAt: step.until, updatedAt: now });
          return;
        case 'end':
          await finish({ ...record, status: 'finished', updatedAt: now });
          return;
        case 'watch':
          await reconcile(record, step.index);
          return;
        case 'start':
          await startRun(record, step.index);
          return;
      }
    });
    return result === 'busy' ? 'busy' : 'advanced';
  }

  async function save(record: BackfillRecord): Promise<void> {
    await deps.backfills.put(record);
  }

  /** The progress shows `record`; never throws (a deleted reply must not stop the backfill). */
  async function editProgress(record: BackfillRecord): Promise<void> {
    await deps.reporter.progress(record);
  }

  /** A control asked for by a click: applied (pure), then the record, EnOS and the reply. */
  async function applyControl(
    record: BackfillRecord,
    request: BackfillControlRequest,
  ): Promise<BackfillRecord> {
    const applied = applyBackfillControl(record, request, deps.clock());
    if (applied.refused) {
      await deps.reporter.refused(record, request, applied.refused);
      return record;
    }
    if (applied.cancelInstance) {
      try {
        await deps.enos.cancelFlowInstance(record.identity, applied.cancelInstance);
      } catch (error) {
        logger.warn(
          { err: error, backfillId: record.id, instanceId: applied.cancelInstance },
          'could not cancel a backfill’s running run in EnOS',
        );
      }
    }
    const next = { ...applied.record, updatedAt: deps.clock() };
    await save(isActiveBackfill(next) ? { ...next, nextAt: Math.min(next.nextAt, deps.clock()) } : next);
    // An ended backfill's reply is edited by finish(), at once, unless a run is still running
    // (Cancel remaining, Cancel all): then now, so that it shows the cancelled dates and no buttons.
    if (isActiveBackfill(next) || next.runs.some((r) => r.state === 'running')) await editProgress(next);
    return next;
  }

  /** The end: one message that mentions the caller, the flow freed, the reply without buttons. */
  async function finish(record: BackfillRecord): Promise<void> {
    await deps.reporter.ended(record);
    const ended = { ...record, endTold: true, updatedAt: deps.clock() };
    await save(ended);
    await editProgress(ended);
    const flowKey = backfillFlowKey(record.teamId, record.flowId);
    try {
      if ((await deps.claims.get(flowKey)) === record.id) await deps.claims.release(flowKey);
    } catch (error) {
      logger.warn({ err: error, backfillId: record.id }, 'could not free the flow of an ended backfill');
    }
    logger.info({ backfillId: record.id, status: record.status }, 'backfill ended');
  }

  /**
   * Triggers run `index` (or finds what became of its trigger job): the job, its audit record or
   * the result its reporter left tell the answer; one write and one edit record it.
   */
  async function startRun(record: BackfillRecord, index: number): Promise<void> {
    const run = record.runs[index]!;
    const attempt = run.state === 'running' ? Math.max(run.attempts, 1) : run.attempts + 1;
    const jobId = backfillJobId(record.id, run.businessDate, attempt);
    const answer = await triggerOnce(record, index, jobId);
    if (answer.kind === 'pending') return;
    const now = deps.clock();
    if (answer.kind === 'triggered') {
      const runs = record.runs.map((r, i) =>
        i === index
          ? (({ failure: _, ...rest }) => ({
              ...rest,
              state: 'running' as const,
              attempts: attempt,
              instanceId: answer.instanceId,
              answeredAt: answer.at,
            }))(r)
          : r,
      );
      const next = { ...record, runs, nextAt: now + settings.reconcileMs, updatedAt: now };
      await save(next);
      await editProgress(next);
      return;
    }
    if (isRepeatedWithinAMinute(answer.result)) {
      // Not a failure: the same date again once EnOS's minute has passed.
      logger.info(
        { backfillId: record.id, businessDate: run.businessDate },
        'EnOS asks to wait a minute; waiting',
      );
      const runs = record.runs.map((r, i) =>
        i === index ? { ...r, state: 'pending' as const, attempts: attempt, answeredAt: now } : r,
      );
      await save({ ...record, runs, nextAt: now + BACKFILL_SPACING_MS, updatedAt: now });
      return;
    }
    const runs = record.runs.map((r, i) =>
      i === index
        ? { ...r, state: 'failed' as const, attempts: attempt, failure: answer.result.failure, endedAt: now }
        : r,
    );
    await record_(settleRun({ ...record, runs }, now, true), index);
  }

  /** Writes a run's end, edits the reply, and says so when the backfill stopped at it. */
  async function record_(next: BackfillRecord, index: number): Promise<void> {
    await save(next);
    await editProgress(next);
    const run = next.runs[index]!;
    if (next.status === 'stopped') {
      await deps.reporter.stopped(next, run.businessDate, run.failure ?? '');
    }
  }

  type TriggerAnswer =
    | { kind: 'triggered'; instanceId: string; at: number }
    | { kind: 'failed'; result: BackfillRunResult }
    | { kind: 'pending' };

  /** What the trigger job `jobId` came to, running it (once) if it is not done. */
  async function triggerOnce(record: BackfillRecord, index: number, jobId: string): Promise<TriggerAnswer> {
    const known = await answerOf(record, jobId);
    if (known.kind !== 'pending') return known;
    const run = record.runs[index]!;
    let job = await deps.trigger.existing(jobId);
    const fresh = !job;
    if (!job) {
      if ((await deps.audit.get(record.teamId, jobId)) !== undefined) {
        // A job that ended without a result and without its audit's final outcome: not run twice.
        return {
          kind: 'failed',
          result: { failure: ':grey_question: What became of this run’s trigger is not known.' },
        };
      }
      job = newTriggerJob(
        jobId,
        {
          teamId: record.teamId,
          slackUserId: record.slackUserId,
          channelId: record.channelId,
          deliveryKey: `backfill:${jobId}`,
          source: deps.trigger.source,
          backfill: {
            id: record.id,
            businessDate: run.businessDate,
            ...(record.threadTs ? { threadTs: record.threadTs } : {}),
            ...(record.approvalId ? { approvalId: record.approvalId } : {}),
          },
        },
        {
          flowId: record.flowId,
          when: { kind: 'epoch', epochMs: run.triggerTime, zone: record.zone },
          parameters: record.parameters,
        },
        deps.clock(),
        deps.trigger.leaseMs,
      );
    }
    const work = deps.trigger.run(job, fresh);
    inFlight.add(work);
    try {
      if ((await work) === 'pending') return { kind: 'pending' };
    } finally {
      inFlight.delete(work);
    }
    return answerOf(record, jobId);
  }

  async function answerOf(record: BackfillRecord, jobId: string): Promise<TriggerAnswer> {
    const result = await deps.claims.get(backfillRunResultKey(jobId));
    if (result !== undefined) return { kind: 'failed', result: parseBackfillRunResult(result) };
    const audit = await deps.audit.get(record.teamId, jobId);
    if (audit?.outcome === 'triggered' && audit.instanceId) {
      return { kind: 'triggered', instanceId: audit.instanceId, at: Date.parse(audit.updatedAt) };
    }
    return { kind: 'pending' };
  }

  /** A watched run: its watch tells the end; a lost end is read from EnOS once. */
  async function reconcile(record: BackfillRecord, index: number): Promise<void> {
    const run = record.runs[index]!;
    const instanceId = run.instanceId!;
    const now = deps.clock();
    if (await deps.watches.get(instanceId)) {
      await save({ ...record, nextAt: now + settings.reconcileMs, updatedAt: now });
      return;
    }
    try {
      const instance = await deps.enos.getFlowInstance(record.identity, instanceId);
      if (isTerminalStatus(instance.status)) {
        await record_(endRun(record, index, instance.status, now), index);
        return;
      }
      // Running and not watched (its watch was lost): watched again.
      await deps.watcher.startWatch({
        instanceId,
        teamId: record.teamId,
        attemptId: backfillJobId(record.id, run.businessDate, run.attempts),
        slackUserId: record.slackUserId,
        identity: record.identity,
        flowId: record.flowId,
        flowName: record.flowName,
        triggerTime: run.triggerTime,
        channelId: record.channelId,
        ...(record.threadTs ? { threadTs: record.threadTs } : {}),
        private: false,
        backfill: { teamId: record.teamId, id: record.id },
      });
    } catch (error) {
      logger.warn(
        { err: error, backfillId: record.id, instanceId },
        'could not read a backfill’s run from EnOS',
      );
    }
    await save({ ...record, nextAt: now + settings.reconcileMs, updatedAt: now });
  }

  async function runEndedOnce(watch: RunWatch, view: RunView): Promise<'busy' | 'done'> {
    const backfill = watch.backfill;
    if (!backfill) return 'done';
    const result = await underLease(backfill.teamId, backfill.id, async () => {
      const record = await deps.backfills.get(backfill.teamId, backfill.id);
      if (!record) return;
      const index = record.runs.findIndex((r) => r.instanceId === watch.instanceId && r.state === 'running');
      if (index < 0) return;
      const now = deps.clock();
      const status = view.status ?? watch.lastStatus;
      if (view.gaveUp || status === undefined || !isTerminalStatus(status)) {
        const runs = record.runs.map((r, i) =>
          i === index
            ? {
                ...r,
                state: 'failed' as const,
                endedAt: now,
                failure:
                  ':grey_question: flow-trigger stopped watching this run before it ended; look at it in EnOS.',
              }
            : r,
        );
        const settled = settleRun({ ...record, runs }, now, true);
        await record_(settled, index);
        if (!isActiveBackfill(settled) && !settled.endTold) await finish(settled);
        return;
      }
      const ended = endRun(record, index, status, now);
      await record_(ended, index);
      if (!isActiveBackfill(ended) && !ended.endTold) await finish(ended);
    });
    return result === 'busy' ? 'busy' : 'done';
  }

  const pass = async (): Promise<BackfillPassSummary> => {
    const listed = await deps.backfills.listDue(deps.clock(), settings.batchSize);
    const owns = deps.owns;
    const due = owns ? listed.filter((record) => owns(record)) : listed;
    const summary: BackfillPassSummary = {};
    // One at a time per pass: a backfill's step is a few calls; the trigger queue bounds the rest.
    for (const record of due) {
      try {
        const outcome = await advance(record.teamId, record.id);
        summary[outcome] = (summary[outcome] ?? 0) + 1;
      } catch (error) {
        logger.error(
          { err: error, backfillId: record.id },
          'a backfill step failed; the next pass tries again',
        );
      }
    }
    return summary;
  };

  const tick = (): Promise<BackfillPassSummary> => {
    const previous = current ?? Promise.resolve({});
    const next = previous.catch(() => ({})).then(pass);
    current = next;
    const clear = () => {
      if (current === next) current = undefined;
    };
    void next.then(clear, clear);
    return next;
  };

  async function kick(teamId: string, id: string): Promise<void> {
    if (stopped) return;
    // Behind the pass in progress, so that the two never work on one backfill at once here.
    const previous = current ?? Promise.resolve({});
    const next = previous
      .catch(() => ({}))
      .then(async () => {
        await advance(teamId, id);
        return {};
      });
    current = next;
    const clear = () => {
      if (current === next) current = undefined;
    };
    void next.then(clear, clear);
    await next.catch((error: unknown) =>
      logger.error({ err: error, backfillId: id }, 'a backfill step failed'),
    );
  }

  return {
    start() {
      if (timer || stopped) return;
      if (settings.tickMs <= 0) return;
      timer = setInterval(() => {
        if (current) return;
        tick().catch((error: unknown) => logger.error({ err: error }, 'a backfill pass failed'));
      }, settings.tickMs);
      timer.unref();
    },

    async stop(graceMs = 10_000) {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await settleWithin([current, ...inFlight], graceMs);
      await releaseLeases(deps.claims, held, (fields, msg) => logger.warn(fields, msg), 'backfill');
    },

    tick,

    kick,

    async runEnded(watch, view) {
      // The engine's pass may hold the lease for a moment: wait for it rather than lose the end
      // (if it is lost all the same, the engine reads the run from EnOS when its watch is gone).
      for (let attempt = 0; attempt < 40; attempt++) {
        if ((await runEndedOnce(watch, view)) === 'done') {
          if (watch.backfill && !stopped) {
            void kick(watch.backfill.teamId, watch.backfill.id);
          }
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      logger.warn(
        { instanceId: watch.instanceId },
        'could not record a backfill run’s end now; the engine will',
      );
    },
  };
}

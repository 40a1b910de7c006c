import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { settleWithin } from '../core/settle-within';
import type { TriggerJob } from '../core/trigger-job';
import { releaseLeases } from '../store/release-leases';
import { queueOwner } from './admit-trigger';
import type { RecoveryDeps, TriggerPathDeps } from './app-deps';
import { type JobWork, triggerFromSlack } from './trigger-from-slack';

/** How trigger jobs are worked on and recovered: RECOVERY_* and the job lease. */
export interface RecoveryOptions {
  /** RECOVERY_MAX_AGE_SECONDS in ms: a job not yet sent runs after a restart only if younger. */
  maxAgeMs: number;
  /** JOB_LEASE_SECONDS in ms: how long a dead replica's lease blocks its jobs. */
  leaseMs: number;
  /** How often due jobs are looked for; 0 runs no timer (tests call tick()). */
  tickMs: number;
  /** Jobs taken per pass. */
  batchSize: number;
}

export const DEFAULT_RECOVERY_OPTIONS: RecoveryOptions = {
  maxAgeMs: 600_000,
  leaseMs: 30_000,
  tickMs: 5_000,
  batchSize: 50,
};

/** The job lease's side of one replica, shared by the listeners and recovery. */
export interface JobRunnerState {
  leaseMs: number;
  /** Names this replica in lease values, for whoever looks at the store. */
  ownerId: string;
  /** The job leases this replica holds right now, so that stopping can hand them back. */
  held: Set<string>;
  /** Jobs waiting in (or running from) this replica's queue: a recovery pass does not queue them again. */
  queued: Set<string>;
}

export function createJobRunnerState(leaseMs: number): JobRunnerState {
  return {
    leaseMs,
    ownerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    held: new Set(),
    queued: new Set(),
  };
}

/** What came of a queued job: its work's outcome, 'failed' (thrown), or 'left' (stopping first). */
export type JobOutcome = JobWork | 'failed' | 'left';

/**
 * What `enqueueJob` did. Refused: nothing was queued (the job is still in the store); `waiting` is
 * every trigger waiting (`queue-full`) or the caller's own (`share-full`).
 */
export type JobEnqueued =
  | { queued: true; done: Promise<JobOutcome> }
  | { queued: false; reason: 'queue-full' | 'share-full'; waiting: number };

/**
 * Queues "job <id>" in this replica's trigger queue, for its caller's turn (each caller has a share
 * of the queue: src/in-flight.ts): the in-memory queue is only a local concurrency limit, the
 * request itself is in the store. A job still waiting at shutdown is left in the store, where the
 * next start (or another replica) takes it up: nothing is dropped.
 */
export function enqueueJob(
  deps: TriggerPathDeps,
  job: Pick<TriggerJob, 'id'> & { origin: Pick<TriggerJob['origin'], 'teamId' | 'slackUserId'> },
  log: Logger,
): JobEnqueued {
  const { queued } = deps.jobRunner;
  const jobId = job.id;
  let outcome: JobOutcome = 'left';
  const enqueued = deps.inFlight.enqueue(
    async () => {
      try {
        outcome = await triggerFromSlack(deps, jobId, log);
      } catch (error) {
        outcome = 'failed';
        // The job stays in the store: recovery tries it again once its lease lapses.
        log.error({ err: error, jobId }, 'working on a trigger job failed; recovery will try it again');
      }
    },
    {
      owner: queueOwner(job.origin.teamId, job.origin.slackUserId),
      abandon: async () => {
        log.info(
          { jobId },
          'stopping before a queued trigger got its turn: it stays in the store for the next start',
        );
      },
    },
  );
  if (!enqueued.queued) return enqueued;
  queued.add(jobId);
  return {
    queued: true,
    done: enqueued.done.then(() => {
      queued.delete(jobId);
      return outcome;
    }),
  };
}

/** What one recovery pass found and did, for the log and tests. */
export type RecoveryPassSummary = Partial<Record<TriggerJob['state']['step'], number>> & {
  outcomes?: Partial<Record<JobOutcome | 'queue-full' | 'share-full', number>>;
};

/** Recovery of one replica: the periodic pass over jobs whose lease lapsed or whose check is due. */
export interface JobRecovery {
  /** A pass now, then one every tickMs (unref'd timer). */
  start(): void;
  /**
   * Stops the timer, waits up to `graceMs` for the pass, then for `drained` (the triggers in
   * flight: their leases are still in use), and hands back the job leases still held.
   */
  stop(graceMs?: number, drained?: Promise<unknown>): Promise<void>;
  /** One pass; passes never overlap. */
  tick(): Promise<RecoveryPassSummary>;
}

/**
 * At start and every `tickMs`, on every replica: the jobs due now (their worker died, so their
 * lease lapsed; or a check of EnOS is due), each queued here and worked on under its lease, so that
 * exactly one replica resumes each. One info line per pass that found something, with counts.
 */
export function createJobRecovery(deps: RecoveryDeps, options: RecoveryOptions): JobRecovery {
  const logger = deps.logger.child({ component: 'recovery' });
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<RecoveryPassSummary> | undefined;
  let stopped = false;

  const pass = async (): Promise<RecoveryPassSummary> => {
    const due = await deps.jobs.listDue(deps.clock(), options.batchSize);
    const mine = due.filter((job) => !deps.jobRunner.queued.has(job.id));
    if (mine.length === 0) return {};
    const summary: RecoveryPassSummary = {};
    const outcomes: NonNullable<RecoveryPassSummary['outcomes']> = {};
    for (const job of mine) summary[job.state.step] = (summary[job.state.step] ?? 0) + 1;
    logger.info({ found: mine.length, ...summary }, 'recovery: resuming trigger jobs left unfinished');
    const runs = mine.map((job) => enqueueJob(deps, job, logger));
    const results = await Promise.all(runs.map((run) => (run.queued ? run.done : run.reason)));
    for (const result of results) outcomes[result] = (outcomes[result] ?? 0) + 1;
    summary.outcomes = outcomes;
    logger.info({ found: mine.length, ...outcomes }, 'recovery: pass finished');
    return summary;
  };

  const tick = (): Promise<RecoveryPassSummary> => {
    const previous = current ?? Promise.resolve({});
    const next = previous.catch(() => ({})).then(pass);
    current = next;
    const clear = () => {
      if (current === next) current = undefined;
    };
    void next.then(clear, clear);
    return next;
  };

  const run = () => {
    if (current || stopped) return;
    tick().catch((error: unknown) =>
      logger.error({ err: error }, 'a recovery pass failed; the next one tries again'),
    );
  };

  return {
    start() {
      if (timer || stopped) return;
      run();
      if (options.tickMs <= 0) return;
      timer = setInterval(run, options.tickMs);
      timer.unref();
    },

    async stop(graceMs = 10_000, drained = Promise.resolve()) {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await settleWithin([current], graceMs);
      await drained.catch(() => undefined);
      // Leases of jobs cut off by the grace period: handing them back lets a successor resume them at once.
      await releaseLeases(deps.claims, deps.jobRunner.held, (fields, msg) => logger.warn(fields, msg), 'job');
    },

    tick,
  };
}

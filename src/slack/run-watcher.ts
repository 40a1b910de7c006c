import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { type NewRunWatch, newRunWatch } from '../core/new-run-watch';
import { type PollPassSummary, pollDueWatches } from '../core/poll-due-watches';
import {
  leaseKey,
  type PollResult,
  type PollWatchDeps,
  pollWatch,
  type RunReporter,
} from '../core/poll-watch';
import type { AuditStore, ClaimStore, Clock, EnosGateway, RunWatch, WatchStore } from '../core/ports';
import type { RunView } from '../core/run-view';
import { settleWithin } from '../core/settle-within';
import { DEFAULT_WATCH_POLICY, type WatchPolicy } from '../core/watch-policy';
import { releaseLeases } from '../store/release-leases';
import { createRunReporter } from './run-reporter';

/** How the watcher polls: WATCH_* configuration. */
export interface WatchSettings {
  policy: WatchPolicy;
  /** WATCH_LEASE_SECONDS: how long a dead replica's lease blocks a watch. */
  leaseMs: number;
  /** WATCH_TICK_SECONDS: how often due watches are looked for; 0 runs no timer (tests call tick()). */
  tickMs: number;
  /** Watches taken per pass. */
  batchSize: number;
  /** Watches polled at once within a pass. */
  concurrency: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  policy: DEFAULT_WATCH_POLICY,
  leaseMs: 120_000,
  tickMs: 5_000,
  batchSize: 50,
  concurrency: 4,
};

/** What {@link createRunWatcher} is built from. */
export interface RunWatcherOptions {
  /** Slack, where the runs' replies are kept current (the Slack run reporter)… */
  client?: WebClient;
  /** …or any other reporter (the terminal console). */
  reporter?: RunReporter;
  enos: EnosGateway;
  watches: WatchStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  /** ENOS_SERVER_TIMEZONE. */
  serverZone: string;
  settings?: Partial<WatchSettings>;
  /** How long a trigger job may take to record its reply before the watcher posts a new one. */
  replyGraceMs?: number;
  /**
   * Where the end of a backfill's run goes (the backfill engine's `runEnded`): such a run posts
   * nothing of its own, its backfill's progress reply shows it.
   */
  onBackfillRunEnded?: (watch: RunWatch, view: RunView) => Promise<void>;
}

/** The run watcher of one replica. */
export interface RunWatcher {
  /** Starts the timer (unref'd: it never keeps the process alive). */
  start(): void;
  /** Stops the timer, waits up to `graceMs` for the pass in progress, releases the leases it holds. */
  stop(graceMs?: number): Promise<void>;
  /** One pass over the due watches; passes never overlap (a second call waits for the first). */
  tick(): Promise<PollPassSummary>;
  /** Adds a triggered run to the watch list (the trigger use case's `startWatch`). */
  startWatch(run: NewRunWatch): Promise<void>;
  /** Polls one watched run now, whatever its due time (after a cancel), if no replica is polling it. */
  pollNow(instanceId: string): Promise<PollResult>;
  /**
   * Whether the run has a watch (a trigger job's rerun does not make a second one); an existing
   * one is written again, so that it is listed even if its index entry was never written.
   */
  exists(instanceId: string): Promise<boolean>;
  /**
   * Records the trigger's reply on the run's watch, saved before the reply was posted (undefined:
   * the reply was private and cannot be edited), under the watch's lease.
   */
  replyPosted(instanceId: string, reply: { channelId: string; ts: string } | undefined): Promise<void>;
}

/**
 * Follows triggered runs until they finish: every `tickMs` it polls the watches that are due, each
 * under its lease (see pollWatch), so that replicas sharing a store share the work and each due
 * time is polled once. The watch list is in the store: a restarted replica resumes every watch.
 */
export function createRunWatcher(options: RunWatcherOptions): RunWatcher {
  const settings: WatchSettings = { ...DEFAULT_WATCH_SETTINGS, ...options.settings };
  const logger = options.logger.child({ component: 'run-watcher' });
  const held = new Set<string>();
  const deps: PollWatchDeps = {
    enos: options.enos,
    watches: options.watches,
    claims: options.claims,
    audit: options.audit,
    clock: options.clock,
    policy: settings.policy,
    leaseMs: settings.leaseMs,
    serverZone: options.serverZone,
    reporter: forBackfills(
      options.reporter ?? createRunReporter(requireClient(options.client), logger),
      options.onBackfillRunEnded,
    ),
    ownerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    held,
    replyGraceMs: options.replyGraceMs,
    log: (level, msg, fields) => logger[level](fields ?? {}, msg),
  };
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<PollPassSummary> | undefined;
  let stopped = false;

  const tick = (): Promise<PollPassSummary> => {
    const previous = current ?? Promise.resolve({});
    const pass = previous
      .catch(() => ({}))
      .then(() => pollDueWatches(deps, { limit: settings.batchSize, concurrency: settings.concurrency }))
      .then((summary) => {
        if (Object.keys(summary).length > 0) logger.debug({ summary }, 'watch pass');
        return summary;
      });
    current = pass;
    void pass.then(
      () => {
        if (current === pass) current = undefined;
      },
      () => {
        if (current === pass) current = undefined;
      },
    );
    return pass;
  };

  return {
    start() {
      if (timer || stopped || settings.tickMs <= 0) return;
      timer = setInterval(() => {
        // A pass still running (a slow EnOS) is not queued behind: the next tick comes soon enough.
        if (current) return;
        tick().catch((error: unknown) => logger.error({ err: error }, 'a watch pass failed'));
      }, settings.tickMs);
      timer.unref();
    },

    async stop(graceMs = 10_000) {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await settleWithin([current], graceMs);
      // A poll cut off by the grace period keeps its lease; handing it back lets another replica
      // take the watch over at once instead of after the lease expires.
      await releaseLeases(options.claims, held, (fields, msg) => logger.warn(fields, msg), 'watch');
    },

    tick,

    async startWatch(run) {
      await options.watches.put(newRunWatch(settings.policy, run, options.clock()));
      logger.info({ instanceId: run.instanceId, attemptId: run.attemptId }, 'watching the run');
    },

    pollNow(instanceId) {
      return pollWatch(deps, instanceId, { force: true });
    },

    async exists(instanceId) {
      const watch = await options.watches.get(instanceId);
      if (!watch) return false;
      // Written again: a replica killed between writing a watch's record and its index entry leaves
      // a watch no pass would ever list; the trigger's rerun puts it back in the list.
      await options.watches.put(watch);
      return true;
    },

    async replyPosted(instanceId, reply) {
      const key = leaseKey(instanceId);
      // A poll holds the lease for a moment at most: wait for it rather than race its write.
      for (let attempt = 0; attempt < 20; attempt++) {
        const lease = await options.claims.claim(key, deps.ownerId, settings.leaseMs);
        if (lease.claimed) {
          try {
            const watch = await options.watches.get(instanceId);
            if (!watch) return;
            const { awaitingReply: _, ...rest } = watch;
            await options.watches.put({ ...rest, ...(reply ? { reply } : {}) });
            return;
          } finally {
            await options.claims.release(key).catch(() => undefined);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      logger.warn(
        { instanceId },
        'could not record the run’s reply on its watch: the watcher posts a new one',
      );
    },
  };
}

/** The reporter, except for a backfill's runs: their end goes to the backfill, nothing is posted. */
function forBackfills(
  reporter: RunReporter,
  onBackfillRunEnded: RunWatcherOptions['onBackfillRunEnded'],
): RunReporter {
  const post = reporter.post?.bind(reporter);
  return {
    update: (watch, view) => (watch.backfill ? Promise.resolve() : reporter.update(watch, view)),
    notify: (watch, view) =>
      watch.backfill
        ? (onBackfillRunEnded?.(watch, view) ?? Promise.resolve())
        : reporter.notify(watch, view),
    ...(post
      ? {
          post: (watch: RunWatch, view: RunView) =>
            watch.backfill ? Promise.resolve(undefined) : post(watch, view),
        }
      : {}),
  };
}

function requireClient(client: WebClient | undefined): WebClient {
  if (!client) throw new Error('createRunWatcher needs a Slack client or a reporter');
  return client;
}

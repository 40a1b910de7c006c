import {
  type BackfillEngineDeps,
  type BackfillRunner,
  type BackfillRunnerSettings,
  createBackfillEngine,
} from '../backfill/backfill-engine';
import type { TriggerPathDeps } from './app-deps';
import { enqueueJob } from './job-runner';
import { createSlackBackfillReporter } from './slack-backfill-reporter';

export type {
  BackfillPassSummary,
  BackfillRunner,
  BackfillRunnerSettings,
} from '../backfill/backfill-engine';
export { DEFAULT_BACKFILL_RUNNER_SETTINGS } from '../backfill/backfill-engine';

/** What the Slack app's engine is built from: the trigger path (its runs are trigger jobs), the backfills, the watches. */
export type BackfillRunnerDeps = TriggerPathDeps & Pick<BackfillEngineDeps, 'backfills' | 'watches'>;

/** The console's backfills share the store; their progress can only be shown in its terminal. */
const CONSOLE_CONVERSATION = 'console';

/**
 * The Slack app's backfill engine (src/backfill/backfill-engine.ts): its runs are trigger jobs of
 * the durable queue (enqueueJob, whose reporter for a backfill's run posts nothing), and what it
 * tells goes to the backfill's thread.
 */
export function createBackfillRunner(
  deps: BackfillRunnerDeps,
  options: Partial<BackfillRunnerSettings> = {},
): BackfillRunner {
  const logger = deps.logger.child({ component: 'backfill-runner' });
  return createBackfillEngine(
    {
      backfills: deps.backfills,
      watches: deps.watches,
      claims: deps.claims,
      audit: deps.audit,
      enos: deps.enos,
      watcher: deps.watcher,
      clock: deps.clock,
      logger: deps.logger,
      reporter: createSlackBackfillReporter(deps, logger),
      trigger: {
        source: 'command',
        leaseMs: deps.jobRunner.leaseMs,
        existing: (jobId) => deps.jobs.get(jobId),
        async run(job, fresh) {
          if (fresh) await deps.jobs.put(job);
          if (deps.jobRunner.queued.has(job.id)) return 'pending';
          const enqueued = enqueueJob(deps, job, logger);
          if (!enqueued.queued) return 'pending';
          await enqueued.done;
          return 'ran';
        },
      },
      owns: (record) => record.channelId !== CONSOLE_CONVERSATION,
    },
    options,
  );
}

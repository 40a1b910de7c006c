import { type PollResult, type PollWatchDeps, pollWatch } from './poll-watch';

/** How many due watches one pass takes, and how many it polls at once. */
export interface PollDueOptions {
  limit: number;
  concurrency: number;
}

/** What one pass did, by outcome: for logs and tests. */
export type PollPassSummary = Partial<Record<PollResult | 'failed', number>>;

/**
 * One pass of the watcher: the watches due now, each polled under its lease, a few at a time. A
 * failure of one watch (the store, a bug) is logged and does not stop the others; the watch stays
 * due and is tried again on the next pass.
 */
export async function pollDueWatches(deps: PollWatchDeps, options: PollDueOptions): Promise<PollPassSummary> {
  const due = await deps.watches.listDue(deps.clock(), options.limit);
  const summary: PollPassSummary = {};
  const queue = due.map((watch) => watch.instanceId);
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      let result: PollResult | 'failed';
      try {
        result = await pollWatch(deps, id);
      } catch (error) {
        deps.log('error', 'polling a watched run failed; it is tried again on the next pass', {
          instanceId: id,
          err: error,
        });
        result = 'failed';
      }
      summary[result] = (summary[result] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, due.length)) }, worker));
  return summary;
}

import { claimKey } from './claim-key';
import { EnosApiError, FlowTriggerError } from './errors';
import { parseEnosTime } from './parse-enos-time';
import type {
  AuditRunOutcome,
  AuditStore,
  ClaimStore,
  Clock,
  EnosGateway,
  RunWatch,
  TriggerDeps,
  WatchStore,
} from './ports';
import { readFailureLogs } from './read-failure-logs';
import { runPhase } from './run-status';
import { type RunView, runViewOf } from './run-view';
import { nextPollAt, type WatchPolicy } from './watch-policy';

/**
 * One poll of one watched run, under its lease: Get Flow Instance, then keep the thread reply
 * current, and at the end post the final message and drop the watch. The Slack side is the
 * `RunReporter` port, so the whole lifecycle is testable without a server.
 */

/** The Slack side of a watch. Implementations never throw: a failed edit must not stop the watch. */
export interface RunReporter {
  /** Edits the thread reply to show `view` (nothing when the reply was ephemeral). */
  update(watch: RunWatch, view: RunView): Promise<void>;
  /** Posts the one new thread message at the end, which notifies the caller. */
  notify(watch: RunWatch, view: RunView): Promise<void>;
  /**
   * Posts a new reply showing `view` (in the thread, else a DM), for a watch whose trigger died
   * before recording its reply; resolves with where it is, to edit it from then on.
   */
  post?(watch: RunWatch, view: RunView): Promise<{ channelId: string; ts: string } | undefined>;
}

/** What a poll needs. */
export interface PollWatchDeps {
  enos: EnosGateway;
  watches: WatchStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  policy: WatchPolicy;
  /** How long a lease lasts: longer than a poll can take, short enough to resume soon after a crash. */
  leaseMs: number;
  /** ENOS_SERVER_TIMEZONE. */
  serverZone: string;
  reporter: RunReporter;
  /** Names this replica in lease values, for whoever looks at the store. */
  ownerId: string;
  /** The lease keys this replica holds right now, so that stopping can release them. */
  held?: Set<string>;
  /**
   * How long a watch may wait for its trigger to record the reply (`awaitingReply`) before the
   * watcher concludes the trigger died and posts a new reply itself (the job lease).
   */
  replyGraceMs?: number;
  log: TriggerDeps['log'];
}

/** What became of a poll request. */
export type PollResult =
  /** EnOS was asked; the watch goes on. */
  | 'polled'
  /** The run finished: final message posted, watch removed. */
  | 'finished'
  /** The watcher stopped watching (deadline, or EnOS kept refusing): said so, watch removed. */
  | 'gave-up'
  /** Another replica holds the lease: it is polling this run right now. */
  | 'busy'
  /** Not due (any more): another replica polled this due time already. */
  | 'not-due'
  /** No such watch (finished meanwhile). */
  | 'gone';

/** EnOS refusing the same instance this many times in a row is an answer, not a hiccup. */
export const MAX_REFUSALS_IN_A_ROW = 5;

/** The lease of one watched run in the ClaimStore. */
export function leaseKey(instanceId: string): string {
  return claimKey('lease', 'watch', instanceId);
}

/**
 * Polls the watch of `instanceId` if it is due (or at once, with `force`), holding its lease for
 * the duration. The lease is claimed atomically, then the watch is read again: a replica that
 * listed the watch as due just before another one polled it finds it moved on and does nothing,
 * so each due time is polled once across replicas. The lease is released after; a replica that
 * dies holding it loses it when it expires.
 */
export async function pollWatch(
  deps: PollWatchDeps,
  instanceId: string,
  options: { force?: boolean } = {},
): Promise<PollResult> {
  const key = leaseKey(instanceId);
  const lease = await deps.claims.claim(key, deps.ownerId, deps.leaseMs);
  if (!lease.claimed) return 'busy';
  deps.held?.add(key);
  try {
    const watch = await deps.watches.get(instanceId);
    if (!watch) return 'gone';
    if (!options.force && watch.nextPollAt > deps.clock()) return 'not-due';
    return await pollOnce(deps, watch);
  } finally {
    deps.held?.delete(key);
    try {
      await deps.claims.release(key);
    } catch (error) {
      deps.log('warn', 'could not release a watch lease; it expires by itself', { key, err: error });
    }
  }
}

async function pollOnce(deps: PollWatchDeps, polled: RunWatch): Promise<PollResult> {
  let watch = polled;
  let view: RunView;
  try {
    const instance = await deps.enos.getFlowInstance(watch.identity, watch.instanceId);
    if (watch.polls === 0) checkServerZone(deps, watch, instance.triggerTime);
    view = runViewOf(instance, {
      serverZone: deps.serverZone,
      now: deps.clock(),
      triggerTime: watch.triggerTime,
    });
  } catch (error) {
    return pollFailed(deps, watch, error);
  }
  const now = deps.clock();
  if (watch.awaitingReply && now - watch.createdAt >= (deps.replyGraceMs ?? 0) && deps.reporter.post) {
    // The trigger saved the watch, then died before recording its reply (or before posting it):
    // a new reply, since there is none known to edit. Posted once: the watch records it at once.
    const reply = await deps.reporter.post(watch, view);
    const { awaitingReply: _, ...rest } = watch;
    watch = { ...rest, ...(reply ? { reply } : {}) };
    await deps.watches.put(watch);
  }
  if (view.finished) {
    await finish(deps, watch, view);
    return 'finished';
  }
  if (now >= watch.giveUpAt) {
    await finish(deps, watch, { ...view, gaveUp: { reason: 'deadline', hours: watchHours(deps) } });
    return 'gave-up';
  }
  const changed = view.phase !== watch.lastPhase || view.status !== watch.lastStatus;
  if (changed) await deps.reporter.update(watch, view);
  // Back to the shortest interval after a change: the next one often follows soon.
  // A backfill's run is polled at the shortest interval: the next run waits for its end.
  const step = changed || watch.backfill ? 0 : watch.step + 1;
  await deps.watches.put({
    ...watch,
    ...(view.flowName ? { flowName: view.flowName } : {}),
    lastStatus: view.status,
    lastPhase: view.phase,
    step,
    polls: watch.polls + 1,
    errors: 0,
    nextPollAt: nextPollAt(deps.policy, now, step, watch.giveUpAt),
  });
  return 'polled';
}

/**
 * EnOS writes its times without a zone. The run's trigger time is known exactly (the app sent it),
 * so a server reading that is off by a quarter-hour or more means ENOS_SERVER_TIMEZONE is not the
 * server's zone, and every start and end shown is off as much: say so once per run, in the log.
 */
function checkServerZone(deps: PollWatchDeps, watch: RunWatch, serverText: string | undefined): void {
  const read = parseEnosTime(serverText, deps.serverZone);
  if (read === undefined || Math.abs(read - watch.triggerTime) < 15 * 60_000) return;
  deps.log('warn', 'EnOS times look shifted: check that ENOS_SERVER_TIMEZONE is the EnOS server’s zone', {
    instanceId: watch.instanceId,
    serverZone: deps.serverZone,
    offByMinutes: Math.round((read - watch.triggerTime) / 60_000),
  });
}

/**
 * EnOS could not be asked, or refused. Unreachable EnOS is retried with the same backoff until the
 * deadline; a refusal (a business error code) several times in a row ends the watch with an
 * explanation, since asking again will not change the answer.
 */
async function pollFailed(deps: PollWatchDeps, watch: RunWatch, error: unknown): Promise<PollResult> {
  if (!(error instanceof FlowTriggerError)) throw error;
  const now = deps.clock();
  const errors = watch.errors + 1;
  deps.log('warn', 'could not read a watched run from EnOS', {
    instanceId: watch.instanceId,
    errors,
    err: error,
  });
  const refusedForGood = error instanceof EnosApiError && errors >= MAX_REFUSALS_IN_A_ROW;
  if (refusedForGood || now >= watch.giveUpAt) {
    await finish(deps, watch, {
      ...lastKnownView(watch, now),
      gaveUp: { reason: refusedForGood ? 'errors' : 'deadline', hours: watchHours(deps), error },
    });
    return 'gave-up';
  }
  await deps.watches.put({
    ...watch,
    errors,
    polls: watch.polls + 1,
    step: watch.step + 1,
    nextPollAt: nextPollAt(deps.policy, now, watch.step + 1, watch.giveUpAt),
  });
  return 'polled';
}

/** The run as last seen, for a final message when EnOS cannot be asked any more. */
function lastKnownView(watch: RunWatch, now: number): RunView {
  const status = watch.lastStatus;
  return {
    instanceId: watch.instanceId,
    flowId: watch.flowId,
    flowName: watch.flowName,
    phase:
      status === undefined ? runPhase(0, watch.triggerTime, now) : runPhase(status, watch.triggerTime, now),
    ...(status === undefined ? {} : { status }),
    finished: false,
    triggerTime: watch.triggerTime,
    failedTasks: [],
  };
}

function watchHours(deps: PollWatchDeps): number {
  return Math.round((deps.policy.maxWatchMs / 3_600_000) * 100) / 100;
}

/**
 * The end of a watch: the reply shows the final state, one new message notifies the caller, the
 * audit record learns how the run ended, and the watch is removed last, so that a failure before
 * that leaves the watch to be finished again by the next poll rather than forgotten.
 */
async function finish(deps: PollWatchDeps, watch: RunWatch, view: RunView): Promise<void> {
  await deps.reporter.update(watch, view);
  // A backfill's run ends in its progress reply, which shows no logs: none are read for it.
  await deps.reporter.notify(watch, watch.backfill ? view : await withFailureLogs(deps, watch, view));
  await recordOutcome(deps, watch, {
    status: view.status ?? watch.lastStatus ?? 0,
    ...(view.gaveUp ? { gaveUp: true } : {}),
    at: new Date(deps.clock()).toISOString(),
  });
  await deps.watches.remove(watch.instanceId);
}

/**
 * A failed run's final message says why: the log tails of its failed tasks, read as the run's
 * caller. Reading them never throws and has a time budget, so the message goes out regardless.
 */
async function withFailureLogs(deps: PollWatchDeps, watch: RunWatch, view: RunView): Promise<RunView> {
  if (view.phase !== 'failed' || view.gaveUp || view.failedTasks.length === 0) return view;
  const failureLogs = await readFailureLogs(deps, watch.identity, view.failedTasks);
  return { ...view, failureLogs };
}

/**
 * Adds the run's end to its audit record. Only the lease holder writes a record after its trigger
 * finished, so this read-then-write has no competitor; a failure is logged, not fatal.
 */
async function recordOutcome(deps: PollWatchDeps, watch: RunWatch, run: AuditRunOutcome): Promise<void> {
  try {
    const record = await deps.audit.get(watch.teamId, watch.attemptId);
    if (!record) return;
    await deps.audit.put({ ...record, run, updatedAt: run.at });
  } catch (error) {
    deps.log('warn', 'could not record how the run ended in its audit record', {
      attemptId: watch.attemptId,
      instanceId: watch.instanceId,
      err: error,
    });
  }
}

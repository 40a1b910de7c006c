/**
 * When the watcher asks EnOS about a run. Pure arithmetic on epoch milliseconds, so the whole
 * schedule is tested without a timer.
 *
 * - A run triggered for now is first asked about after the minimum interval; a scheduled run at
 *   its trigger time (nothing happens before it, and polling a scheduled run all night would be
 *   noise).
 * - While nothing changes, the interval doubles from the minimum up to the maximum; a change of
 *   phase (waiting → running) starts again at the minimum, since the next change often follows
 *   soon (a short task finishing).
 * - The watch ends at max(trigger time, start of the watch) + the maximum watch time; the last
 *   poll happens at that deadline exactly.
 */

/** WATCH_POLL_MIN_SECONDS, WATCH_POLL_MAX_SECONDS and WATCH_MAX_HOURS, in milliseconds. */
export interface WatchPolicy {
  minIntervalMs: number;
  maxIntervalMs: number;
  maxWatchMs: number;
}

/** The default policy: 15 s doubling to 5 min, for 24 h. */
export const DEFAULT_WATCH_POLICY: WatchPolicy = {
  minIntervalMs: 15_000,
  maxIntervalMs: 300_000,
  maxWatchMs: 24 * 3_600_000,
};

/** The first poll of a run triggered at `now` for `triggerTime`. */
export function firstPollAt(policy: WatchPolicy, triggerTime: number, now: number): number {
  return Math.max(now + policy.minIntervalMs, triggerTime);
}

/** The deadline of a watch started at `createdAt` for a run due at `triggerTime`. */
export function giveUpAt(policy: WatchPolicy, triggerTime: number, createdAt: number): number {
  return Math.max(triggerTime, createdAt) + policy.maxWatchMs;
}

/** The interval after `step` polls without a change: min · 2^step, at most max. */
export function pollInterval(policy: WatchPolicy, step: number): number {
  // Capped before exponentiating: 2^step overflows to Infinity for a long-idle watch.
  const doublings = Math.min(Math.max(0, step), 40);
  return Math.min(policy.minIntervalMs * 2 ** doublings, policy.maxIntervalMs);
}

/** The next poll after one at `now`, never later than the deadline. */
export function nextPollAt(policy: WatchPolicy, now: number, step: number, deadline: number): number {
  return Math.min(now + pollInterval(policy, step), Math.max(deadline, now));
}

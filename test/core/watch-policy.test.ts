import {
  DEFAULT_WATCH_POLICY,
  firstPollAt,
  giveUpAt,
  nextPollAt,
  pollInterval,
  type WatchPolicy,
} from '../../src/core/watch-policy';

const policy: WatchPolicy = { minIntervalMs: 15_000, maxIntervalMs: 300_000, maxWatchMs: 24 * 3_600_000 };
const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);

describe('watch policy', () => {
  it('defaults to 15 s doubling to 5 min, for 24 h', () => {
    expect(DEFAULT_WATCH_POLICY).toEqual(policy);
  });

  it('asks about a run for now after the minimum interval, and a scheduled run at its trigger time', () => {
    expect(firstPollAt(policy, NOW, NOW)).toBe(NOW + 15_000);
    // A back-dated run starts at once.
    expect(firstPollAt(policy, NOW - 86_400_000, NOW)).toBe(NOW + 15_000);
    expect(firstPollAt(policy, NOW + 4 * 3_600_000, NOW)).toBe(NOW + 4 * 3_600_000);
  });

  it('backs off from the minimum to the maximum, doubling', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50, 10_000].map((step) => pollInterval(policy, step))).toEqual([
      15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000,
    ]);
    expect(pollInterval(policy, -3)).toBe(15_000);
  });

  it('gives up at max(trigger time, start of the watch) + the maximum', () => {
    expect(giveUpAt(policy, NOW, NOW)).toBe(NOW + 86_400_000);
    expect(giveUpAt(policy, NOW + 3_600_000, NOW)).toBe(NOW + 3_600_000 + 86_400_000);
    expect(giveUpAt(policy, NOW - 3_600_000, NOW)).toBe(NOW + 86_400_000);
  });

  it('never schedules a poll after the deadline: the last one is at the deadline', () => {
    const deadline = NOW + 100_000;
    expect(nextPollAt(policy, NOW, 0, deadline)).toBe(NOW + 15_000);
    expect(nextPollAt(policy, NOW + 90_000, 3, deadline)).toBe(deadline);
    expect(nextPollAt(policy, deadline + 5, 3, deadline)).toBe(deadline + 5);
  });
});

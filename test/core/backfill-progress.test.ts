import {
  BACKFILL_SPACING_MS,
  type BackfillRun,
  backfillRunOutcome,
  nextTriggerAt,
  progressLine,
  tallyBackfill,
} from '../../src/core/backfill-progress';

describe('backfillRunOutcome', () => {
  it.each([
    [1, 'done'],
    [10, 'done'],
    [-1, 'failed'],
    [4, 'failed'],
    [7, 'failed'],
    [8, 'cancelled'],
    [0, 'running'],
    [2, 'running'],
    [3, 'running'],
    [5, 'running'],
    [6, 'running'],
    [9, 'running'],
    [42, 'running'],
  ])('status %i is %s', (status, outcome) => {
    expect(backfillRunOutcome(status)).toBe(outcome);
  });
});

describe('nextTriggerAt', () => {
  const answeredAt = 1_000_000;
  it('waits 61 s after the previous answer when the run ended sooner', () => {
    expect(nextTriggerAt({ answeredAt, endedAt: answeredAt + 5_000 })).toBe(answeredAt + BACKFILL_SPACING_MS);
    expect(BACKFILL_SPACING_MS).toBe(61_000);
  });
  it('goes as soon as the previous run was seen to end when that is later', () => {
    expect(nextTriggerAt({ answeredAt, endedAt: answeredAt + 600_000 })).toBe(answeredAt + 600_000);
  });
  it('waits for a run that has not ended, and starts the first at once', () => {
    expect(nextTriggerAt({ answeredAt })).toBeUndefined();
    expect(nextTriggerAt(undefined)).toBe(0);
  });
});

describe('the progress line', () => {
  const run = (businessDate: string, state: BackfillRun['state']): BackfillRun => ({
    businessDate,
    triggerTime: 0,
    state,
  });
  it('reads as product.md shows it', () => {
    const runs = [
      run('2026-11-01', 'done'),
      run('2026-11-02', 'done'),
      run('2026-11-03', 'skipped'),
      run('2026-11-04', 'running'),
      run('2026-11-05', 'pending'),
      run('2026-11-06', 'pending'),
      run('2026-11-07', 'pending'),
    ];
    expect(progressLine(tallyBackfill(runs))).toBe('3/7 done · 1 running (2026-11-04) · 0 failed');
    expect(progressLine(tallyBackfill([run('2026-11-01', 'failed'), run('2026-11-02', 'cancelled')]))).toBe(
      '0/2 done · 0 running · 1 failed',
    );
  });
});

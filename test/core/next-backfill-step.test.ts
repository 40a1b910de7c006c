/** The engine's pure decisions: which step, when the next trigger may go, and a run's end. */
import type { BackfillRecord, BackfillRecordRun } from '../../src/core/backfill';
import { earliestTrigger, endRun, nextBackfillStep, settleRun } from '../../src/core/next-backfill-step';
import { resolveTime } from '../../src/core/resolve-time';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);

const run = (businessDate: string, over: Partial<BackfillRecordRun> = {}): BackfillRecordRun => ({
  businessDate,
  triggerTime: Date.parse(`${businessDate}T01:00:00Z`),
  local: `${businessDate} 01:00`,
  state: 'pending',
  attempts: 0,
  ...over,
});

const record = (runs: BackfillRecordRun[], over: Partial<BackfillRecord> = {}): BackfillRecord => ({
  id: 'b1',
  teamId: 'T1',
  slackUserId: 'U1',
  identity: { userId: 'u1', orgId: 'o1', userName: 'alice' },
  flowId: 3377,
  flowName: 'daily load',
  owners: ['alice'],
  parameters: [],
  order: 'oldest-first',
  onFailure: 'stop',
  zone: 'UTC',
  serverZone: 'UTC',
  channelId: 'C1',
  runs,
  status: 'running',
  nextAt: T0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

describe('nextBackfillStep', () => {
  it('starts the first pending run at once, in the order of the runs', () => {
    expect(nextBackfillStep(record([run('2026-11-01'), run('2026-11-02')]), T0)).toEqual({
      kind: 'start',
      index: 0,
    });
  });

  it('watches a triggered run, and starts again a running one whose answer is not recorded', () => {
    const watched = record([
      run('2026-11-01', { state: 'running', instanceId: 'i1', answeredAt: T0 }),
      run('2026-11-02'),
    ]);
    expect(nextBackfillStep(watched, T0 + 999_000)).toEqual({ kind: 'watch', index: 0 });
    expect(nextBackfillStep(record([run('2026-11-01', { state: 'running', attempts: 1 })]), T0)).toEqual({
      kind: 'start',
      index: 0,
    });
  });

  it('waits for max(previous end, previous answer + 61 s)', () => {
    const quick = record([run('a', { state: 'done', answeredAt: T0, endedAt: T0 + 15_000 }), run('b')]);
    expect(nextBackfillStep(quick, T0 + 60_999)).toEqual({ kind: 'wait', until: T0 + 61_000 });
    expect(nextBackfillStep(quick, T0 + 61_000)).toEqual({ kind: 'start', index: 1 });
    const slow = record([run('a', { state: 'done', answeredAt: T0, endedAt: T0 + 300_000 }), run('b')]);
    expect(earliestTrigger(slow.runs)).toBe(T0 + 300_000);
    // A 62102 wait sets the pending run's answer time.
    expect(earliestTrigger([run('a', { answeredAt: T0 + 5 })])).toBe(T0 + 61_005);
  });

  it('ends when nothing is pending, and is idle when paused or stopped', () => {
    expect(
      nextBackfillStep(record([run('a', { state: 'done' }), run('b', { state: 'skipped' })]), T0),
    ).toEqual({
      kind: 'end',
    });
    expect(nextBackfillStep(record([run('a')], { status: 'paused' }), T0)).toEqual({ kind: 'idle' });
    expect(
      nextBackfillStep(record([run('a', { state: 'failed' }), run('b')], { status: 'stopped' }), T0),
    ).toEqual({
      kind: 'idle',
    });
  });
});

describe('endRun', () => {
  const running = (onFailure: BackfillRecord['onFailure']) =>
    record([run('a', { state: 'running', instanceId: 'i1', answeredAt: T0, attempts: 1 }), run('b')], {
      onFailure,
    });

  it('SUCCESS is done, and the next run is due 61 s after the answer', () => {
    const next = endRun(running('stop'), 0, 1, T0 + 15_000);
    expect(next.runs[0]).toMatchObject({ state: 'done', status: 'SUCCESS', endedAt: T0 + 15_000 });
    expect(next.status).toBe('running');
    expect(next.nextAt).toBe(T0 + 61_000);
  });

  it('FAIL stops the backfill with stop, and goes on with keep going', () => {
    const stopped = endRun(running('stop'), 0, -1, T0 + 90_000);
    expect(stopped.runs[0]).toMatchObject({
      state: 'failed',
      status: 'FAIL',
      failure: 'The run ended in EnOS with FAIL.',
    });
    expect(stopped.status).toBe('stopped');
    const going = endRun(running('keep-going'), 0, 7, T0 + 90_000);
    expect(going.status).toBe('running');
    expect(going.nextAt).toBe(T0 + 90_000);
  });

  it('a CANCEL in EnOS stops it like a failure; a status not terminal changes nothing', () => {
    const cancelled = endRun(running('keep-going'), 0, 8, T0 + 90_000);
    expect(cancelled.runs[0]).toMatchObject({ state: 'failed', status: 'CANCEL' });
    expect(cancelled.status).toBe('running');
    expect(settleRun(running('stop'), T0, true).status).toBe('stopped');
    expect(endRun(running('stop'), 0, 2, T0)).toEqual(running('stop'));
  });

  it('a run cancelled in EnOS by Cancel all is cancelled, not failed', () => {
    const next = endRun({ ...running('stop'), status: 'cancelled' }, 0, 8, T0 + 5_000);
    expect(next.runs[0]).toMatchObject({ state: 'cancelled', status: 'CANCEL' });
    expect(next.status).toBe('cancelled');
  });
});

describe('the epoch `when` of a backfill run', () => {
  it('resolves to the exact instant, back-dated, in the zone given', () => {
    const epochMs = Date.UTC(2026, 10, 21, 1, 0, 0);
    expect(resolveTime({ kind: 'epoch', epochMs, zone: 'Europe/Berlin' }, { now: T0, zone: 'UTC' })).toEqual({
      ok: true,
      time: { epochMs, zone: 'Europe/Berlin', local: '2026-11-21 02:00', immediate: false, backdated: true },
    });
  });
});

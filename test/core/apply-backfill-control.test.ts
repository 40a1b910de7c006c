import { applyBackfillControl, stoppedRunIndex } from '../../src/core/apply-backfill-control';
import type { BackfillControl, BackfillRecord } from '../../src/core/backfill';
import { BACKFILL_SPACING_MS } from '../../src/core/backfill-progress';
import { backfillRecord, backfillRun } from '../helpers/backfill-record';

const NOW = Date.UTC(2026, 11, 2, 1);
const click = (control: BackfillControl) => ({ control, slackUserId: 'U_CLICKER', at: NOW - 500 });

function apply(record: BackfillRecord, control: BackfillControl) {
  return applyBackfillControl(record, click(control), NOW);
}

function expectApplied(result: ReturnType<typeof apply>, control: BackfillControl) {
  expect(result.refused).toBeUndefined();
  expect(result.record.lastControl).toEqual({ control, slackUserId: 'U_CLICKER', at: NOW });
  expect(result.record.updatedAt).toBe(NOW);
}

describe('applyBackfillControl', () => {
  describe('pause and resume', () => {
    it('pauses a running backfill; its running run is left to finish', () => {
      const record = backfillRecord(['done', 'running', 'pending']);
      const result = apply(record, 'pause');
      expectApplied(result, 'pause');
      expect(result.record.status).toBe('paused');
      expect(result.record.runs).toEqual(record.runs);
      expect(result.cancelInstance).toBeUndefined();
    });

    it('resumes a paused backfill, due at once', () => {
      const record = backfillRecord(['done', 'pending'], { status: 'paused', nextAt: 1 });
      const result = apply(record, 'resume');
      expectApplied(result, 'resume');
      expect(result.record.status).toBe('running');
      expect(result.record.nextAt).toBe(NOW);
      expect(result.record.runs).toEqual(record.runs);
    });

    it.each([
      ['pause', 'paused', 'already paused'],
      ['pause', 'stopped', 'Retry, Skip or Cancel remaining'],
      ['resume', 'running', 'already running'],
      ['resume', 'stopped', 'Retry or Skip'],
    ] as const)('refuses %s while %s, saying so, and changes nothing', (control, status, words) => {
      const record = backfillRecord(['done', 'failed', 'pending'], { status });
      const result = apply(record, control);
      expect(result.refused).toContain(words);
      expect(result.record).toBe(record);
    });
  });

  describe('cancel', () => {
    it('Cancel remaining: pending runs cancelled, the running run finishes and is still reported', () => {
      const record = backfillRecord(['done', 'running', 'pending', 'pending']);
      const result = apply(record, 'cancel-remaining');
      expectApplied(result, 'cancel-remaining');
      expect(result.record.status).toBe('cancelled');
      expect(result.record.runs.map((run) => run.state)).toEqual([
        'done',
        'running',
        'cancelled',
        'cancelled',
      ]);
      expect(result.record.runs[1]).toEqual(record.runs[1]);
      expect(result.record.nextAt).toBe(NOW);
      expect(result.cancelInstance).toBeUndefined();
    });

    it('Cancel all: as Cancel remaining, and the running run is to be cancelled in EnOS', () => {
      const record = backfillRecord(['done', 'running', 'pending']);
      const result = apply(record, 'cancel-all');
      expectApplied(result, 'cancel-all');
      expect(result.record.status).toBe('cancelled');
      expect(result.record.runs.map((run) => run.state)).toEqual(['done', 'running', 'cancelled']);
      expect(result.cancelInstance).toBe('3377-20261102020000');
    });

    it('Cancel all between runs (paused, nothing running) cancels nothing in EnOS', () => {
      const record = backfillRecord(['done', 'pending'], { status: 'paused' });
      const result = apply(record, 'cancel-all');
      expect(result.record.status).toBe('cancelled');
      expect(result.record.runs.map((run) => run.state)).toEqual(['done', 'cancelled']);
      expect(result.cancelInstance).toBeUndefined();
    });

    it('cancels a stopped backfill: the failed run stays failed', () => {
      const record = backfillRecord(['done', 'failed', 'pending'], { status: 'stopped' });
      const result = apply(record, 'cancel-remaining');
      expect(result.record.status).toBe('cancelled');
      expect(result.record.runs.map((run) => run.state)).toEqual(['done', 'failed', 'cancelled']);
    });
  });

  describe('retry and skip', () => {
    it('Retry: the failed run is pending again, its attempts kept (the engine adds the next), its instance, status and failure gone', () => {
      const failed = backfillRun(1, 'failed', { status: 'FAIL', endedAt: 5_000, failure: 'Task t1 failed' });
      const record = backfillRecord(['done', 'failed', 'pending'], { status: 'stopped' });
      record.runs[1] = failed;
      const result = apply(record, 'retry');
      expectApplied(result, 'retry');
      expect(result.record.status).toBe('running');
      expect(result.record.runs[1]).toEqual({
        businessDate: failed.businessDate,
        triggerTime: failed.triggerTime,
        local: failed.local,
        state: 'pending',
        attempts: 1,
        // Kept for the spacing: EnOS refuses the same flow twice within a minute.
        answeredAt: failed.answeredAt,
        endedAt: 5_000,
      });
      expect(result.record.runs[2]).toEqual(record.runs[2]);
      expect(result.record.nextAt).toBe(NOW);
    });

    it('Retry waits 61 s after the failed attempt’s answer (EnOS refuses the same flow within a minute)', () => {
      const record = backfillRecord(['failed', 'pending'], { status: 'stopped' });
      record.runs[0] = { ...record.runs[0]!, answeredAt: NOW - 10_000 };
      expect(apply(record, 'retry').record.nextAt).toBe(NOW - 10_000 + BACKFILL_SPACING_MS);
    });

    it('Skip: the failed run is skipped, its failure kept, the backfill continues', () => {
      const record = backfillRecord(['done', 'failed', 'pending'], { status: 'stopped' });
      record.runs[1] = { ...record.runs[1]!, failure: 'Task t1 failed' };
      const result = apply(record, 'skip');
      expectApplied(result, 'skip');
      expect(result.record.status).toBe('running');
      expect(result.record.runs[1]).toEqual({ ...record.runs[1], state: 'skipped' });
      expect(result.record.nextAt).toBe(NOW);
    });

    it('a run cancelled in EnOS stopped the backfill: Retry and Skip act on it', () => {
      const record = backfillRecord(['done', 'cancelled', 'pending'], { status: 'stopped' });
      record.runs[1] = { ...record.runs[1]!, instanceId: '3377-1', status: 'CANCEL' };
      expect(stoppedRunIndex(record)).toBe(1);
      expect(apply(record, 'skip').record.runs[1]?.state).toBe('skipped');
      expect(apply(record, 'retry').record.runs[1]?.state).toBe('pending');
    });

    it.each(['running', 'paused'] as const)('refuses Retry and Skip while %s', (status) => {
      const record = backfillRecord(['done', 'failed', 'pending'], { status });
      for (const control of ['retry', 'skip'] as const) {
        const result = apply(record, control);
        expect(result.refused).toContain('not stopped at a failed run');
        expect(result.record).toBe(record);
      }
    });
  });

  it.each(['pause', 'resume', 'cancel-remaining', 'cancel-all', 'retry', 'skip'] as const)(
    'refuses %s on an ended backfill',
    (control) => {
      const finished = backfillRecord(['done', 'done'], { status: 'finished' });
      const cancelled = backfillRecord(['done', 'cancelled'], { status: 'cancelled' });
      expect(apply(finished, control)).toEqual({
        record: finished,
        refused: 'This backfill has finished: nothing is left to control.',
      });
      expect(apply(cancelled, control)).toEqual({
        record: cancelled,
        refused: 'This backfill has been cancelled: nothing is left to control.',
      });
    },
  );

  it('does not change the record it is given', () => {
    const record = backfillRecord(['failed', 'pending'], { status: 'stopped' });
    const copy = structuredClone(record);
    apply(record, 'retry');
    apply(record, 'cancel-all');
    expect(record).toEqual(copy);
  });
});

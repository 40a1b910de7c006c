import fc from 'fast-check';
import { applyBackfillControl } from '../../src/core/apply-backfill-control';
import type { BackfillControl, BackfillRecord, BackfillStatus } from '../../src/core/backfill';
import type { BackfillRunState } from '../../src/core/backfill-progress';
import { backfillRecord } from '../helpers/backfill-record';

const CONTROLS: BackfillControl[] = ['pause', 'resume', 'cancel-remaining', 'cancel-all', 'retry', 'skip'];

/** A record the engine could have written: runs ended in order, at most one running, then pending. */
const record: fc.Arbitrary<BackfillRecord> = fc
  .record({
    ended: fc.array(fc.constantFrom<BackfillRunState>('done', 'skipped', 'failed', 'cancelled'), {
      maxLength: 6,
    }),
    running: fc.boolean(),
    pending: fc.integer({ min: 0, max: 6 }),
    status: fc.constantFrom<BackfillStatus>('running', 'paused', 'stopped', 'finished', 'cancelled'),
  })
  .filter(({ ended, running, pending, status }) => {
    if (ended.length + pending + (running ? 1 : 0) === 0) return false;
    if (status === 'stopped')
      return !running && ended.some((state) => state === 'failed' || state === 'cancelled');
    if (status === 'finished') return !running && pending === 0;
    if (status === 'cancelled') return pending === 0;
    return true;
  })
  .map(({ ended, running, pending, status }) =>
    backfillRecord(
      [...ended, ...(running ? (['running'] as const) : []), ...Array(pending).fill('pending')],
      {
        status,
      },
    ),
  );

/** What happens between clicks: a control, or the engine's own step (start the next run, see one end). */
type Step = { kind: 'control'; control: BackfillControl } | { kind: 'engine'; outcome: 'done' | 'failed' };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(...CONTROLS).map((control) => ({ kind: 'control' as const, control })),
  fc
    .constantFrom('done' as const, 'failed' as const)
    .map((outcome) => ({ kind: 'engine' as const, outcome })),
);

/** A minimal engine: ends the running run, or starts the next pending one while running. */
function engineStep(current: BackfillRecord, outcome: 'done' | 'failed'): BackfillRecord {
  const runs = current.runs.map((run) => ({ ...run }));
  const running = runs.find((run) => run.state === 'running');
  if (running) {
    running.state = outcome;
    const stops = outcome === 'failed' && current.onFailure === 'stop' && current.status !== 'cancelled';
    return { ...current, runs, status: stops ? 'stopped' : current.status };
  }
  if (current.status !== 'running') return current;
  const next = runs.find((run) => run.state === 'pending');
  if (!next) return { ...current, runs, status: 'finished' };
  next.state = 'running';
  next.instanceId = `3377-${next.businessDate}`;
  return { ...current, runs };
}

function runningCount(current: BackfillRecord): number {
  return current.runs.filter((run) => run.state === 'running').length;
}

const ended = (status: BackfillStatus) => status === 'finished' || status === 'cancelled';

describe('applyBackfillControl, any sequence of controls', () => {
  it('never leaves two runs running, a pending run in a cancelled backfill, or an ended backfill moving', () => {
    fc.assert(
      fc.property(record, fc.array(step, { maxLength: 25 }), (start, steps) => {
        let current = start;
        let now = 10_000;
        for (const next of steps) {
          now += 1_000;
          if (next.kind === 'engine') {
            current = engineStep(current, next.outcome);
          } else {
            const before = current;
            const applied = applyBackfillControl(
              before,
              { control: next.control, slackUserId: 'U1', at: now },
              now,
            );
            if (applied.refused !== undefined) {
              expect(applied.record).toBe(before);
              expect(applied.cancelInstance).toBeUndefined();
            } else {
              expect(ended(before.status)).toBe(false);
              expect(applied.record.lastControl).toEqual({
                control: next.control,
                slackUserId: 'U1',
                at: now,
              });
              // No control starts a run: only the engine does.
              expect(runningCount(applied.record)).toBeLessThanOrEqual(runningCount(before));
              if (applied.cancelInstance !== undefined) {
                expect(next.control).toBe('cancel-all');
                expect(before.runs.find((run) => run.state === 'running')?.instanceId).toBe(
                  applied.cancelInstance,
                );
              }
            }
            if (ended(before.status)) expect(applied.record).toBe(before);
            current = applied.record;
          }
          expect(runningCount(current)).toBeLessThanOrEqual(1);
          if (current.status === 'cancelled')
            expect(current.runs.some((run) => run.state === 'pending')).toBe(false);
          expect(current.runs).toHaveLength(start.runs.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers every control in every state, either applied or refused with words', () => {
    fc.assert(
      fc.property(record, fc.constantFrom(...CONTROLS), (start, control) => {
        const applied = applyBackfillControl(start, { control, slackUserId: 'U1', at: 1 }, 2);
        if (applied.refused !== undefined) expect(applied.refused.length).toBeGreaterThan(10);
        else expect(applied.record).not.toBe(start);
      }),
    );
  });
});

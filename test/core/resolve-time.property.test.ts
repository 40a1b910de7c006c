import fc from 'fast-check';
import { LIMITS } from '../../src/core/limits';
import type { WhenSpec } from '../../src/core/parse-command';
import { resolveTime } from '../../src/core/resolve-time';
import { addDays, formatDate, formatDateTime } from '../../src/core/time-calendar';
import { localToEpochs, zonedDateTime } from '../../src/core/time-zone';

const zones = fc.constantFrom(
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
  'Asia/Tehran',
);
// 2025–2028, with the switches of each year inside.
const nows = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) });
const times = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) });

describe('resolveTime properties', () => {
  it('never throws, whatever the spec', () => {
    const spec: fc.Arbitrary<WhenSpec> = fc.oneof(
      fc.constant({ kind: 'now' as const }),
      fc.record({
        kind: fc.constantFrom('today' as const, 'tomorrow' as const),
        hour: fc.integer(),
        minute: fc.integer(),
      }),
      fc.record({
        kind: fc.constant('date' as const),
        year: fc.integer({ min: -10, max: 12000 }),
        month: fc.integer({ min: -1, max: 14 }),
        day: fc.integer({ min: -1, max: 33 }),
        hour: fc.integer({ min: -1, max: 25 }),
        minute: fc.integer({ min: -1, max: 61 }),
      }),
      fc.record({ kind: fc.constant('relative' as const), minutes: fc.oneof(fc.integer(), fc.double()) }),
    );
    fc.assert(
      fc.property(spec, nows, fc.oneof(zones, fc.string()), (when, now, zone) => {
        const result = resolveTime(when, { now, zone });
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('an explicit date lands on its first occurrence, or is refused only for a gap; back-dated iff in the past', () => {
    fc.assert(
      fc.property(zones, nows, fc.integer({ min: -360, max: 360 }), times, (zone, now, offsetDays, time) => {
        const { year, month, day } = zonedDateTime(now, zone);
        const date = addDays({ year, month, day }, offsetDays);
        const local = { ...date, ...time };
        const result = resolveTime({ kind: 'date', ...local }, { now, zone });
        const instants = localToEpochs(local, zone);
        if (instants.length === 0) {
          expect(result).toMatchObject({
            ok: false,
            error: { message: expect.stringContaining('does not exist') },
          });
          return;
        }
        if (!result.ok) throw new Error(result.error.message);
        const first = instants[0]!;
        const { time: got } = result;
        if (first >= now - LIMITS.justPassedMs && first <= now) {
          expect(got).toMatchObject({ epochMs: now, immediate: true, backdated: false });
        } else {
          expect(got).toMatchObject({ epochMs: first, local: formatDateTime(local), immediate: false });
          expect(got.backdated).toBe(first < now);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('at HH:MM is today or refused as passed (or as a gap); tomorrow is always the next day', () => {
    fc.assert(
      fc.property(zones, nows, times, (zone, now, time) => {
        const { year, month, day } = zonedDateTime(now, zone);
        const today = resolveTime({ kind: 'today', ...time }, { now, zone });
        if (today.ok) {
          expect(today.time.epochMs).toBeGreaterThanOrEqual(now);
          if (!today.time.immediate)
            expect(today.time.local).toBe(
              `${formatDate({ year, month, day })} ${today.time.local.slice(11)}`,
            );
        } else {
          expect(today.error.message).toMatch(/has already passed|does not exist/);
        }
        const tomorrow = resolveTime({ kind: 'tomorrow', ...time }, { now, zone });
        if (tomorrow.ok) {
          expect(tomorrow.time.local.slice(0, 10)).toBe(formatDate(addDays({ year, month, day }, 1)));
          expect(tomorrow.time).toMatchObject({ immediate: false, backdated: false });
        } else {
          expect(tomorrow.error.message).toContain('does not exist');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('in N minutes is exactly N minutes from now, in any zone', () => {
    fc.assert(
      fc.property(
        zones,
        nows,
        fc.integer({ min: 0, max: LIMITS.maxAheadDays * 24 * 60 }),
        (zone, now, minutes) => {
          expect(resolveTime({ kind: 'relative', minutes }, { now, zone })).toMatchObject({
            ok: true,
            time: { epochMs: now + minutes * 60_000, immediate: minutes === 0, backdated: false },
          });
        },
      ),
    );
  });

  it('every instant reads back as the local time it was found for', () => {
    fc.assert(
      fc.property(zones, nows, times, (zone, now, time) => {
        const { year, month, day } = zonedDateTime(now, zone);
        for (const instant of localToEpochs({ year, month, day, ...time }, zone)) {
          expect(zonedDateTime(instant, zone)).toEqual({ year, month, day, ...time, second: 0 });
        }
      }),
    );
  });
});

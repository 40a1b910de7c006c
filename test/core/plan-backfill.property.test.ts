import fc from 'fast-check';
import { calDtOf, serverDateOf, shiftDate } from '../../src/core/cal-dt-of';
import { dailyTimeOfDay } from '../../src/core/daily-time-of-day';
import { LIMITS } from '../../src/core/limits';
import type { BackfillRange } from '../../src/core/parse-backfill';
import { type BackfillPlanInput, planBackfill } from '../../src/core/plan-backfill';
import { parseServerZone, serverLocalToEpochs, serverWallClock } from '../../src/core/server-zone';
import { formatDate } from '../../src/core/time-calendar';
import { localToEpochs, zonedDateTime } from '../../src/core/time-zone';

const callerZones = fc.constantFrom(
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
);
const serverZones = fc.constantFrom(
  'GMT+8',
  'UTC',
  'Asia/Shanghai',
  'Europe/Berlin',
  'America/New_York',
  '+05:30',
  'GMT-3:30',
  'UTC+14',
  'GMT-12',
);
// 2025–2028, with the switches of each year inside.
const nows = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 11, 31) });
const clock = fc.record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) });
const freqs = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.integer({ min: 0, max: 59 }), clock)
    .map(([second, t]) => `${second} ${t.minute} ${t.hour} * * ? *`),
  fc.constantFrom('0 0/30 * * * ? *', '0 0 2 ? * MON-FRI *', 'nonsense'),
);

/** A backfill request relative to `now`: from 1 to 370 days back, 1 to 40 dates. */
const request = fc.record({
  callerZone: callerZones,
  zone: fc.option(callerZones, { nil: undefined }),
  serverZone: serverZones,
  now: nows,
  calDtOffsetDays: fc.integer({ min: 0, max: 3 }),
  at: fc.option(clock, { nil: undefined }),
  freq: freqs,
  back: fc.integer({ min: -3, max: 370 }),
  length: fc.integer({ min: 1, max: 40 }),
  last: fc.boolean(),
  order: fc.constantFrom('oldest-first' as const, 'newest-first' as const),
});

function inputOf(r: typeof request extends fc.Arbitrary<infer T> ? T : never): BackfillPlanInput {
  const today = formatDate(zonedDateTime(r.now, r.zone ?? r.callerZone));
  const from = shiftDate(today, -r.back);
  const to = shiftDate(from, r.length - 1);
  const asDate = (text: string) => {
    const [year, month, day] = text.split('-').map(Number) as [number, number, number];
    return { year, month, day };
  };
  const range: BackfillRange =
    r.last && r.back >= 1
      ? { kind: 'last', days: r.back }
      : { kind: 'dates', from: asDate(from), to: asDate(to) };
  return {
    range,
    callerZone: r.callerZone,
    ...(r.zone ? { zone: r.zone } : {}),
    ...(r.at ? { at: r.at } : {}),
    serverZone: r.serverZone,
    now: r.now,
    calDtOffsetDays: r.calDtOffsetDays,
    maxRuns: 100,
    freq: r.freq,
    order: r.order,
  };
}

describe('planBackfill properties', () => {
  it('every planned run gets its business date as ${cal_dt}, at a past time, on D + offset in the server zone', () => {
    fc.assert(
      fc.property(request, (r) => {
        const input = inputOf(r);
        const result = planBackfill(input);
        if (!result.ok) return;
        const server = parseServerZone(input.serverZone)!;
        const zone = input.zone ?? input.callerZone;
        const dates = result.plan.runs.map((run) => run.businessDate);
        const ascending = input.order === 'oldest-first' ? dates : [...dates].reverse();
        ascending.forEach((date, i) => {
          if (i > 0) expect(date).toBe(shiftDate(ascending[i - 1]!, 1));
        });
        for (const run of result.plan.runs) {
          expect(calDtOf(run.triggerTime, server, input.calDtOffsetDays)).toBe(run.businessDate);
          expect(serverDateOf(run.triggerTime, server)).toBe(
            shiftDate(run.businessDate, input.calDtOffsetDays),
          );
          expect(run.triggerTime).toBeLessThanOrEqual(input.now - LIMITS.justPassedMs);
          const local = zonedDateTime(run.triggerTime, zone);
          expect(run.local.slice(0, 16)).toBe(
            `${formatDate(local)} ${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`,
          );
          const reading = serverWallClock(run.triggerTime, server);
          expect(run.serverLocal.startsWith(formatDate(reading))).toBe(true);
          if (input.at) {
            // `at` is read in the caller's zone on the trigger date.
            expect({ date: formatDate(local), hour: local.hour, minute: local.minute }).toEqual({
              date: shiftDate(run.businessDate, input.calDtOffsetDays),
              ...input.at,
            });
          } else {
            const daily = dailyTimeOfDay(input.freq) ?? { hour: 0, minute: 0, second: 0 };
            const wanted = { ...reading, hour: daily.hour, minute: daily.minute };
            // Unless the server's clocks jump over that time on that day, the run is at it exactly.
            if (serverLocalToEpochs(wanted, server).length > 0) {
              expect([reading.hour, reading.minute, reading.second]).toEqual([
                daily.hour,
                daily.minute,
                daily.second,
              ]);
            }
          }
        }
        if (input.range.kind === 'dates') {
          expect(dates).toHaveLength(r.length);
        } else {
          expect(dates).toHaveLength(input.range.days);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses only with a reason it can show, and the reason is true', () => {
    fc.assert(
      fc.property(request, (r) => {
        const input = inputOf(r);
        const result = planBackfill(input);
        if (result.ok) return;
        const { refusal } = result;
        expect(refusal.message).toMatch(/[.]$/);
        const server = parseServerZone(input.serverZone)!;
        const zone = input.zone ?? input.callerZone;
        switch (refusal.reason) {
          case 'too-far-back':
            expect(r.back).toBeGreaterThan(LIMITS.maxBackdateDays);
            break;
          case 'too-many-runs':
            expect(input.range.kind === 'last' ? input.range.days : r.length).toBeGreaterThan(input.maxRuns);
            break;
          case 'not-past': {
            // The named date is the first whose time has not come: the range up to the day before plans.
            const named = refusal.businessDate!;
            const [year, month, day] = shiftDate(named, -1).split('-').map(Number) as [
              number,
              number,
              number,
            ];
            const before = planBackfill({
              ...input,
              range: { ...rangeFrom(input.range, zone, input.now), to: { year, month, day } },
            });
            if (!before.ok) expect(before.refusal.reason).not.toBe('not-past');
            break;
          }
          case 'other-server-date': {
            const trigger = shiftDate(refusal.businessDate!, input.calDtOffsetDays);
            const [year, month, day] = trigger.split('-').map(Number) as [number, number, number];
            const [instant] = localToEpochs({ year, month, day, ...input.at! }, zone);
            expect(serverDateOf(instant!, server)).not.toBe(trigger);
            break;
          }
          case 'time-does-not-exist': {
            const trigger = shiftDate(refusal.businessDate!, input.calDtOffsetDays);
            const [year, month, day] = trigger.split('-').map(Number) as [number, number, number];
            expect(localToEpochs({ year, month, day, ...input.at! }, zone)).toEqual([]);
            break;
          }
          default:
            throw new Error(`unexpected refusal ${refusal.reason}: ${refusal.message}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('newest first is oldest first reversed', () => {
    fc.assert(
      fc.property(request, (r) => {
        const oldest = planBackfill(inputOf({ ...r, order: 'oldest-first' }));
        const newest = planBackfill(inputOf({ ...r, order: 'newest-first' }));
        if (!oldest.ok) return expect(newest).toEqual(oldest);
        expect(newest).toEqual({ ok: true, plan: { ...oldest.plan, runs: [...oldest.plan.runs].reverse() } });
      }),
      { numRuns: 100 },
    );
  });

  it('never throws, whatever it is given', () => {
    const anyRange: fc.Arbitrary<BackfillRange> = fc.oneof(
      fc.record({ kind: fc.constant('last' as const), days: fc.oneof(fc.integer(), fc.double()) }),
      fc.record({
        kind: fc.constant('dates' as const),
        from: fc.record({
          year: fc.integer({ min: 1, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
        }),
        to: fc.record({
          year: fc.integer({ min: 1, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
        }),
      }),
    );
    fc.assert(
      fc.property(
        anyRange,
        fc.oneof(callerZones, fc.string()),
        fc.oneof(serverZones, fc.string()),
        nows,
        fc.oneof(fc.integer({ min: -2, max: 400 }), fc.double()),
        fc.oneof(fc.integer({ min: -1, max: 200 }), fc.double()),
        freqs,
        (range, callerZone, serverZone, now, calDtOffsetDays, maxRuns, freq) => {
          const result = planBackfill({
            range,
            callerZone,
            serverZone,
            now,
            calDtOffsetDays,
            maxRuns,
            freq,
            order: 'oldest-first',
          });
          if (!result.ok) expect(result.refusal.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** The first date of `range` as a dates range (for `last N days`: N days before today in `zone`). */
function rangeFrom(
  range: BackfillRange,
  zone: string,
  now: number,
): { kind: 'dates'; from: { year: number; month: number; day: number } } {
  if (range.kind === 'dates') return { kind: 'dates', from: range.from };
  const from = shiftDate(formatDate(zonedDateTime(now, zone)), -range.days);
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  return { kind: 'dates', from: { year, month, day } };
}

import { checkLocalDate, daysInMonth, wallClockMs } from '../../src/core/time-calendar';
import {
  findGap,
  localToEpochs,
  normalizeTimeZone,
  zonedDateTime,
  zoneOffsetMs,
} from '../../src/core/time-zone';

const utc = (iso: string) => Date.parse(iso);

describe('localToEpochs', () => {
  it('finds one instant normally, none in a gap and two in an overlap', () => {
    const at = (year: number, month: number, day: number, hour: number, minute: number) => ({
      year,
      month,
      day,
      hour,
      minute,
    });
    expect(localToEpochs(at(2026, 11, 27, 14, 0), 'Europe/Berlin')).toEqual([utc('2026-11-27T13:00:00Z')]);
    expect(localToEpochs(at(2026, 3, 29, 2, 30), 'Europe/Berlin')).toEqual([]);
    expect(localToEpochs(at(2026, 10, 25, 2, 30), 'Europe/Berlin')).toEqual([
      utc('2026-10-25T00:30:00Z'),
      utc('2026-10-25T01:30:00Z'),
    ]);
    expect(localToEpochs(at(2026, 11, 1, 1, 30), 'America/New_York')).toEqual([
      utc('2026-11-01T05:30:00Z'),
      utc('2026-11-01T06:30:00Z'),
    ]);
    expect(localToEpochs(at(2026, 11, 27, 14, 0), 'Asia/Kolkata')).toEqual([utc('2026-11-27T08:30:00Z')]);
  });
});

describe('findGap', () => {
  it('describes the spring-forward gap, and nothing outside one', () => {
    expect(findGap({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')).toEqual({
      transitionMs: utc('2026-03-29T01:00:00Z'),
      from: { year: 2026, month: 3, day: 29, hour: 2, minute: 0, second: 0 },
      to: { year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0 },
      minutes: 60,
      shifted: { year: 2026, month: 3, day: 29, hour: 3, minute: 30, second: 0 },
    });
    expect(findGap({ year: 2026, month: 3, day: 29, hour: 3, minute: 0 }, 'Europe/Berlin')).toBeUndefined();
  });
});

describe('zonedDateTime / zoneOffsetMs', () => {
  it('reads midnight as hour 0 and knows offsets on both sides of a switch', () => {
    expect(zonedDateTime(utc('2026-11-27T23:00:00Z'), 'Europe/Berlin')).toMatchObject({ day: 28, hour: 0 });
    expect(zoneOffsetMs(utc('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(utc('2026-11-27T00:00:00Z'), 'Asia/Kolkata')).toBe(19_800_000);
  });

  it('throws on an unknown zone (callers validate first)', () => {
    expect(() => zonedDateTime(0, 'Nope/Nope')).toThrow(RangeError);
  });
});

describe('normalizeTimeZone', () => {
  it('fixes letter case but keeps the user’s spelling of links', () => {
    expect(normalizeTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(normalizeTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(normalizeTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(normalizeTimeZone('Europe/Berlim')).toBeUndefined();
  });
});

describe('time-calendar', () => {
  it('knows month lengths and leap years, and years below 100', () => {
    expect([daysInMonth(2026, 2), daysInMonth(2028, 2), daysInMonth(2100, 2), daysInMonth(2000, 2)]).toEqual([
      28, 29, 28, 29,
    ]);
    expect(checkLocalDate({ year: 2026, month: 2, day: 29 })).toBe('February 2026 has 28 days');
    expect(new Date(wallClockMs({ year: 50, month: 1, day: 1, hour: 0, minute: 0 })).getUTCFullYear()).toBe(
      50,
    );
  });
});

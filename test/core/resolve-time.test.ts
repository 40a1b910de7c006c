import type { WhenSpec } from '../../src/core/parse-command';
import { parseCommand } from '../../src/core/parse-command';
import { formatLocal, isValidTimeZone, type ResolvedTime, resolveTime } from '../../src/core/resolve-time';

const utc = (iso: string) => Date.parse(iso);

function resolved(spec: WhenSpec, now: number, zone: string): ResolvedTime {
  const result = resolveTime(spec, { now, zone });
  if (!result.ok) throw new Error(`expected a time, got: ${result.error.message}`);
  return result.time;
}

function refused(spec: WhenSpec, now: number, zone: string): string {
  const result = resolveTime(spec, { now, zone });
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.time)}`);
  return result.error.message;
}

/** The `when` of a slash command, through the real parser. */
function whenOf(text: string): WhenSpec {
  const parsed = parseCommand(`3377 ${text}`);
  if (!parsed.ok || parsed.command.kind !== 'trigger') throw new Error(`not a trigger: ${text}`);
  return parsed.command.when;
}

describe('resolveTime in Europe/Berlin (winter, UTC+1)', () => {
  const zone = 'Europe/Berlin';
  // 2026-11-27 15:12 in Berlin.
  const now = utc('2026-11-27T14:12:00Z');

  it('now is the current moment', () => {
    expect(resolved(whenOf('now'), now, zone)).toEqual({
      epochMs: now,
      zone,
      local: '2026-11-27 15:12',
      immediate: true,
      backdated: false,
    });
    expect(resolved(whenOf(''), now, zone).immediate).toBe(true);
  });

  it('at HH:MM later today is that time today', () => {
    expect(resolved(whenOf('at 16:00'), now, zone)).toEqual({
      epochMs: utc('2026-11-27T15:00:00Z'),
      zone,
      local: '2026-11-27 16:00',
      immediate: false,
      backdated: false,
    });
    expect(resolved(whenOf('at 23:59'), now, zone).epochMs).toBe(utc('2026-11-27T22:59:00Z'));
  });

  it('refuses at HH:MM that has passed, offering now, tomorrow and a back-dated date', () => {
    expect(refused(whenOf('at 14:00'), now, zone)).toBe(
      '14:00 today (Europe/Berlin) has already passed (it is now 15:12). ' +
        'Use `now`, `tomorrow at 14:00`, or `on 2026-11-27 at 14:00` to back-date the run.',
    );
    expect(refused(whenOf('at 9:05'), now, zone)).toContain('09:05 today (Europe/Berlin) has already passed');
  });

  it('counts a time reached at most a minute ago as now', () => {
    // 15:11 passed exactly 60 s ago.
    expect(resolved(whenOf('at 15:11'), now, zone)).toEqual({
      epochMs: now,
      zone,
      local: '2026-11-27 15:12',
      immediate: true,
      backdated: false,
    });
    // 1 ms later it is refused.
    expect(refused(whenOf('at 15:11'), now + 1, zone)).toContain('has already passed');
    // 15:12 reached 30 s ago.
    expect(resolved(whenOf('at 15:12'), now + 30_000, zone)).toMatchObject({
      epochMs: now + 30_000,
      immediate: true,
    });
  });

  it('keeps a time a few seconds ahead as scheduled, to the minute', () => {
    expect(resolved(whenOf('at 15:13'), now + 59_000, zone)).toMatchObject({
      epochMs: utc('2026-11-27T14:13:00Z'),
      immediate: false,
    });
  });

  it('tomorrow is that time on the next calendar day, in any of its spellings', () => {
    for (const text of ['at 14:00 tomorrow', 'tomorrow at 14:00', 'tomorrow 14:00']) {
      expect(resolved(whenOf(text), now, zone)).toMatchObject({
        epochMs: utc('2026-11-28T13:00:00Z'),
        local: '2026-11-28 14:00',
        immediate: false,
        backdated: false,
      });
    }
  });

  it('tomorrow rolls over month and year ends', () => {
    expect(resolved(whenOf('tomorrow at 0:30'), utc('2026-12-31T12:00:00Z'), zone).local).toBe(
      '2027-01-01 00:30',
    );
    expect(resolved(whenOf('tomorrow at 0:30'), utc('2028-02-28T12:00:00Z'), zone).local).toBe(
      '2028-02-29 00:30',
    );
  });

  it('an explicit date in the future is scheduled', () => {
    expect(resolved(whenOf('on 2026-11-30 at 14:00'), now, zone)).toEqual({
      epochMs: utc('2026-11-30T13:00:00Z'),
      zone,
      local: '2026-11-30 14:00',
      immediate: false,
      backdated: false,
    });
  });

  it('an explicit date in the past is a back-dated run', () => {
    expect(resolved(whenOf('on 2026-11-27 at 14:00'), now, zone)).toEqual({
      epochMs: utc('2026-11-27T13:00:00Z'),
      zone,
      local: '2026-11-27 14:00',
      immediate: false,
      backdated: true,
    });
    expect(resolved(whenOf('at 2026-01-01 00:00'), now, zone)).toMatchObject({
      backdated: true,
      local: '2026-01-01 00:00',
    });
  });

  it('an explicit date within the last minute is now, not back-dated', () => {
    expect(resolved(whenOf('on 2026-11-27 at 15:11'), now, zone)).toMatchObject({
      epochMs: now,
      immediate: true,
      backdated: false,
    });
    expect(resolved(whenOf('on 2026-11-27 at 15:11'), now + 1, zone)).toMatchObject({
      epochMs: utc('2026-11-27T14:11:00Z'),
      immediate: false,
      backdated: true,
    });
  });

  it('in … is relative to now; only a zero wait is immediate', () => {
    expect(resolved(whenOf('in 10m'), now, zone)).toMatchObject({
      epochMs: now + 600_000,
      local: '2026-11-27 15:22',
      immediate: false,
    });
    expect(resolved(whenOf('in 1h30m'), now + 12_345, zone).epochMs).toBe(now + 12_345 + 90 * 60_000);
    expect(resolved(whenOf('in 1m'), now, zone)).toMatchObject({ epochMs: now + 60_000, immediate: false });
    expect(resolved(whenOf('in 0m'), now, zone)).toMatchObject({ epochMs: now, immediate: true });
  });

  it('a zone in the command overrides the caller’s', () => {
    expect(resolved(whenOf('at 16:00 America/New_York'), now, zone)).toEqual({
      epochMs: utc('2026-11-27T21:00:00Z'),
      zone: 'America/New_York',
      local: '2026-11-27 16:00',
      immediate: false,
      backdated: false,
    });
    expect(resolved(whenOf('now UTC'), now, zone)).toMatchObject({ zone: 'UTC', local: '2026-11-27 14:12' });
    // 14:00 UTC passed 12 minutes ago; the suggestions keep the zone so that they mean the same time.
    expect(refused(whenOf('at 14:00 UTC'), now, zone)).toBe(
      '14:00 today (UTC) has already passed (it is now 14:12). ' +
        'Use `now`, `tomorrow at 14:00 UTC`, or `on 2026-11-27 at 14:00 UTC` to back-date the run.',
    );
    // "Today" is the zone's today: in Sydney it is already 2026-11-28 01:12.
    expect(resolved(whenOf('at 9:00 Australia/Sydney'), now, zone)).toMatchObject({
      epochMs: utc('2026-11-27T22:00:00Z'),
      local: '2026-11-28 09:00',
    });
  });
});

describe('resolveTime in other zones', () => {
  it('America/New_York (winter, UTC-5)', () => {
    const now = utc('2026-11-27T14:00:00Z'); // 09:00 in New York
    expect(resolved(whenOf('at 10:30'), now, 'America/New_York')).toMatchObject({
      epochMs: utc('2026-11-27T15:30:00Z'),
      local: '2026-11-27 10:30',
    });
    expect(refused(whenOf('at 8:00'), now, 'America/New_York')).toContain('(it is now 09:00)');
    expect(resolved(whenOf('tomorrow at 8:00'), now, 'America/New_York').epochMs).toBe(
      utc('2026-11-28T13:00:00Z'),
    );
  });

  it('Asia/Kolkata (UTC+5:30, no daylight saving)', () => {
    const now = utc('2026-11-27T14:00:00Z'); // 19:30 in Kolkata
    expect(resolved(whenOf('at 20:00'), now, 'Asia/Kolkata')).toMatchObject({
      epochMs: utc('2026-11-27T14:30:00Z'),
      local: '2026-11-27 20:00',
    });
    expect(refused(whenOf('at 19:00'), now, 'Asia/Kolkata')).toContain('(it is now 19:30)');
    expect(resolved(whenOf('on 2026-06-01 at 0:00'), now, 'Asia/Kolkata')).toMatchObject({
      epochMs: utc('2026-05-31T18:30:00Z'),
      backdated: true,
    });
  });

  it('Australia/Sydney (summer, UTC+11): the local date is ahead of UTC', () => {
    const now = utc('2026-11-27T14:00:00Z'); // 2026-11-28 01:00 in Sydney
    expect(resolved(whenOf('at 9:00'), now, 'Australia/Sydney')).toMatchObject({
      epochMs: utc('2026-11-27T22:00:00Z'),
      local: '2026-11-28 09:00',
    });
    expect(resolved(whenOf('tomorrow at 9:00'), now, 'Australia/Sydney').local).toBe('2026-11-29 09:00');
  });

  it('UTC', () => {
    const now = utc('2026-11-27T14:00:00Z');
    expect(resolved(whenOf('at 14:30'), now, 'UTC')).toMatchObject({
      epochMs: utc('2026-11-27T14:30:00Z'),
      local: '2026-11-27 14:30',
    });
    expect(resolved(whenOf('tomorrow at 0:00'), now, 'UTC').epochMs).toBe(utc('2026-11-28T00:00:00Z'));
  });
});

describe('resolveTime across daylight-saving switches', () => {
  describe('Europe/Berlin', () => {
    const zone = 'Europe/Berlin';

    it('refuses a time in the spring-forward gap (2026-03-29 02:00 → 03:00), naming the gap', () => {
      const now = utc('2026-03-28T23:30:00Z'); // 00:30 CET on the day of the switch
      expect(refused(whenOf('at 2:30'), now, zone)).toBe(
        '02:30 on 2026-03-29 does not exist in Europe/Berlin: that day the clocks jump forward 1 hour, ' +
          'from 02:00 to 03:00. Use `at 03:30` or another time.',
      );
      expect(refused(whenOf('at 2:00'), now, zone)).toContain('02:00 on 2026-03-29 does not exist');
      expect(refused(whenOf('on 2026-03-29 at 2:59'), now, zone)).toContain('Use `on 2026-03-29 at 03:59`');
      expect(resolved(whenOf('at 3:00'), now, zone).epochMs).toBe(utc('2026-03-29T01:00:00Z'));
      expect(resolved(whenOf('at 1:59'), now, zone).epochMs).toBe(utc('2026-03-29T00:59:00Z'));
    });

    it('tomorrow across the spring-forward switch is 23 hours later, and the gap is refused', () => {
      const now = utc('2026-03-28T09:00:00Z'); // 10:00 CET
      expect(resolved(whenOf('tomorrow at 10:00'), now, zone)).toMatchObject({
        epochMs: utc('2026-03-29T08:00:00Z'),
        local: '2026-03-29 10:00',
      });
      expect(resolved(whenOf('tomorrow at 10:00'), now, zone).epochMs - now).toBe(23 * 3_600_000);
      expect(refused(whenOf('tomorrow at 2:30 Europe/Berlin'), now, 'UTC')).toContain(
        'Use `tomorrow at 03:30 Europe/Berlin` or another time.',
      );
    });

    it('picks the first of the two 02:30s when the clocks fall back (2026-10-25 03:00 → 02:00)', () => {
      const now = utc('2026-10-24T22:00:00Z'); // 00:00 CEST
      expect(resolved(whenOf('at 2:30'), now, zone)).toMatchObject({
        epochMs: utc('2026-10-25T00:30:00Z'), // 02:30 CEST, not 02:30 CET (01:30Z)
        local: '2026-10-25 02:30',
      });
      expect(resolved(whenOf('on 2026-10-25 at 2:30'), utc('2026-10-20T00:00:00Z'), zone).epochMs).toBe(
        utc('2026-10-25T00:30:00Z'),
      );
      expect(resolved(whenOf('at 3:00'), now, zone).epochMs).toBe(utc('2026-10-25T02:00:00Z'));
    });

    it('refuses at 02:30 once the first 02:30 has passed, even though the second is ahead', () => {
      const now = utc('2026-10-25T00:45:00Z'); // 02:45 CEST, before the switch
      expect(refused(whenOf('at 2:30'), now, zone)).toContain(
        '02:30 today (Europe/Berlin) has already passed',
      );
      // The second occurrence can still be reached with a UTC time or a wait.
      expect(resolved(whenOf('at 1:30 UTC'), now, zone).epochMs).toBe(utc('2026-10-25T01:30:00Z'));
    });

    it('tomorrow across the fall-back switch is 25 hours later', () => {
      const now = utc('2026-10-24T08:00:00Z'); // 10:00 CEST
      expect(resolved(whenOf('tomorrow at 10:00'), now, zone).epochMs - now).toBe(25 * 3_600_000);
    });
  });

  describe('America/New_York', () => {
    const zone = 'America/New_York';

    it('refuses a time in the spring-forward gap (2026-03-08 02:00 → 03:00)', () => {
      const now = utc('2026-03-08T05:00:00Z'); // 00:00 EST
      expect(refused(whenOf('at 2:30'), now, zone)).toBe(
        '02:30 on 2026-03-08 does not exist in America/New_York: that day the clocks jump forward 1 hour, ' +
          'from 02:00 to 03:00. Use `at 03:30` or another time.',
      );
      expect(resolved(whenOf('at 3:30'), now, zone).epochMs).toBe(utc('2026-03-08T07:30:00Z'));
    });

    it('picks the first of the two 01:30s when the clocks fall back (2026-11-01 02:00 → 01:00)', () => {
      const now = utc('2026-11-01T04:00:00Z'); // 00:00 EDT
      expect(resolved(whenOf('at 1:30'), now, zone)).toMatchObject({
        epochMs: utc('2026-11-01T05:30:00Z'), // 01:30 EDT, not 01:30 EST (06:30Z)
        local: '2026-11-01 01:30',
      });
    });

    it('tomorrow across each switch', () => {
      expect(resolved(whenOf('tomorrow at 12:00'), utc('2026-03-07T17:00:00Z'), zone).epochMs).toBe(
        utc('2026-03-08T16:00:00Z'),
      );
      expect(resolved(whenOf('tomorrow at 12:00'), utc('2026-10-31T16:00:00Z'), zone).epochMs).toBe(
        utc('2026-11-01T17:00:00Z'),
      );
      expect(refused(whenOf('tomorrow at 2:15'), utc('2026-03-07T17:00:00Z'), zone)).toContain(
        'tomorrow at 03:15',
      );
    });
  });

  describe('Australia/Sydney (southern hemisphere)', () => {
    const zone = 'Australia/Sydney';

    it('refuses the gap on 2026-10-04 and picks the first 02:30 on 2026-04-05', () => {
      const before = utc('2026-03-01T00:00:00Z');
      expect(refused(whenOf('on 2026-10-04 at 2:30'), before, zone)).toContain('from 02:00 to 03:00');
      expect(resolved(whenOf('on 2026-04-05 at 2:30'), before, zone).epochMs).toBe(
        utc('2026-04-04T15:30:00Z'),
      );
    });
  });

  it('describes a half-hour jump (Australia/Lord_Howe)', () => {
    expect(refused(whenOf('on 2026-10-04 at 2:15'), utc('2026-09-01T00:00:00Z'), 'Australia/Lord_Howe')).toBe(
      '02:15 on 2026-10-04 does not exist in Australia/Lord_Howe: that day the clocks jump forward 30 minutes, ' +
        'from 02:00 to 02:30. Use `on 2026-10-04 at 02:45` or another time.',
    );
  });
});

describe('resolveTime bounds and bad input', () => {
  const now = utc('2026-11-27T14:12:00Z');
  const zone = 'Europe/Berlin';

  it('schedules at most 366 days ahead', () => {
    expect(resolved(whenOf('in 8784h'), now, zone).epochMs).toBe(now + 366 * 86_400_000);
    expect(refused(whenOf('in 8784h1m'), now, zone)).toBe(
      '`in 8784 hours 1 minute` is more than 366 days ahead; flow-trigger schedules runs at most 366 days ahead.',
    );
    expect(refused(whenOf('in 100000000000h'), now, zone)).toContain('more than 366 days ahead');
    expect(resolved(whenOf('on 2027-11-27 at 15:00'), now, zone).local).toBe('2027-11-27 15:00');
    expect(refused(whenOf('on 2027-11-29 at 15:00'), now, zone)).toBe(
      '2027-11-29 15:00 (Europe/Berlin) is more than 366 days ahead; flow-trigger schedules runs at most 366 days ahead.',
    );
  });

  it('back-dates at most 366 days', () => {
    expect(resolved(whenOf('on 2025-11-27 at 15:00'), now, zone).backdated).toBe(true);
    expect(refused(whenOf('on 2025-11-25 at 15:00'), now, zone)).toBe(
      '2025-11-25 15:00 (Europe/Berlin) is more than 366 days ago; a run can be back-dated by at most 366 days.',
    );
    expect(refused(whenOf('on 0001-01-01 at 00:00'), now, zone)).toContain('more than 366 days ago');
  });

  it('refuses an unknown zone, from the caller or the spec', () => {
    expect(refused({ kind: 'now' }, now, 'Mars/Olympus_Mons')).toBe(
      '`Mars/Olympus_Mons` is not a known time zone. Use an IANA zone such as `Europe/Berlin`, or `UTC`.',
    );
    expect(refused({ kind: 'now', zone: 'Nope/Nope' }, now, zone)).toContain(
      '`Nope/Nope` is not a known time zone',
    );
    expect(refused({ kind: 'now' }, now, '')).toContain('is not a known time zone');
  });

  it('checks specs built without the parser (the modal)', () => {
    expect(refused({ kind: 'today', hour: 25, minute: 0 }, now, zone)).toContain('the hour must be 00 to 23');
    expect(refused({ kind: 'date', year: 2026, month: 2, day: 30, hour: 1, minute: 0 }, now, zone)).toContain(
      'February 2026 has 28 days',
    );
    expect(refused({ kind: 'relative', minutes: -5 }, now, zone)).toContain('non-negative');
    expect(refused({ kind: 'relative', minutes: 1.5 }, now, zone)).toContain('whole');
    expect(refused({ kind: 'now' }, Number.NaN, zone)).toContain('current time is not known');
  });
});

describe('isValidTimeZone / formatLocal', () => {
  it.each([
    'UTC',
    'Europe/Berlin',
    'America/Argentina/Buenos_Aires',
    'Asia/Kolkata',
    'Asia/Calcutta',
    'europe/berlin',
    'Etc/GMT+5',
  ])('knows %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['', 'Europe/Berlim', 'Mars/Base', '+01:00', 'Z'])('does not know %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });

  it('formats an instant as YYYY-MM-DD HH:mm in a zone, midnight as 00', () => {
    expect(formatLocal(utc('2026-11-27T23:00:00Z'), 'Europe/Berlin')).toBe('2026-11-28 00:00');
    expect(formatLocal(utc('2026-11-27T14:00:00Z'), 'Asia/Kolkata')).toBe('2026-11-27 19:30');
  });
});

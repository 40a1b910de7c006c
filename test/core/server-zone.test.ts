import fc from 'fast-check';
import { calDtOf } from '../../src/core/cal-dt-of';
import { parseServerZone, serverLocalToEpochs, serverWallClock } from '../../src/core/server-zone';

describe('parseServerZone', () => {
  it.each([
    ['GMT+8', 'UTC+08:00', 480],
    ['gmt+8', 'UTC+08:00', 480],
    ['UTC+08:00', 'UTC+08:00', 480],
    ['GMT+0800', 'UTC+08:00', 480],
    ['+08:00', 'UTC+08:00', 480],
    ['+0530', 'UTC+05:30', 330],
    ['GMT-3:30', 'UTC-03:30', -210],
    ['UTC-12', 'UTC-12:00', -720],
    ['GMT+14', 'UTC+14:00', 840],
    ['GMT+0', 'UTC+00:00', 0],
    [' GMT+8 ', 'UTC+08:00', 480],
  ])('reads %j as a fixed offset', (text, name, offsetMinutes) => {
    expect(parseServerZone(text)).toEqual({ kind: 'fixed', name, offsetMinutes });
  });

  it.each([
    ['UTC', 'UTC'],
    ['GMT', 'UTC'],
    ['Asia/Shanghai', 'Asia/Shanghai'],
    ['asia/shanghai', 'Asia/Shanghai'],
    // IANA's sign is the opposite of GMT+8: Etc/GMT-8 is UTC+08:00, kept as IANA names it.
    ['Etc/GMT-8', 'Etc/GMT-8'],
  ])('reads %j as an IANA zone', (text, name) => {
    expect(parseServerZone(text)).toEqual({ kind: 'iana', name });
  });

  it.each(['', 'GMT+15', 'UTC+08:60', '8', '+8', '0800', 'Mars/Olympus', 'CST8', 'GMT+8 Asia'])(
    'refuses %j',
    (text) => {
      expect(parseServerZone(text)).toBeUndefined();
    },
  );

  it('reads the same wall clock for GMT+8 and for Etc/GMT-8, its IANA twin', () => {
    const fixed = parseServerZone('GMT+8')!;
    const iana = parseServerZone('Etc/GMT-8')!;
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), (epochMs) => {
        expect(serverWallClock(epochMs, fixed)).toEqual(serverWallClock(epochMs, iana));
      }),
    );
  });

  it('turns a server wall clock back into the instant it came from, for any fixed offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -720, max: 840 }),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
        (offsetMinutes, epochMs) => {
          const zone = { kind: 'fixed' as const, name: 'x', offsetMinutes };
          const minute = Math.floor(epochMs / 60_000) * 60_000;
          expect(serverLocalToEpochs(serverWallClock(minute, zone), zone)).toEqual([minute]);
        },
      ),
    );
  });
});

describe('calDtOf', () => {
  it('is the trigger date in the server zone minus the offset', () => {
    const shanghai = parseServerZone('GMT+8')!;
    // 2026-11-01 16:30 UTC is 2026-11-02 00:30 in Shanghai.
    expect(calDtOf(Date.UTC(2026, 10, 1, 16, 30), shanghai, 1)).toBe('2026-11-01');
    expect(calDtOf(Date.UTC(2026, 10, 1, 15, 59), shanghai, 1)).toBe('2026-10-31');
    expect(calDtOf(Date.UTC(2026, 10, 1, 16, 30), shanghai, 0)).toBe('2026-11-02');
    expect(calDtOf(Date.UTC(2028, 2, 1, 16), shanghai, 2)).toBe('2028-02-29');
    expect(calDtOf(Date.UTC(2027, 0, 1, 0), parseServerZone('UTC')!, 1)).toBe('2026-12-31');
  });
});

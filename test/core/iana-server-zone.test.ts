import { ianaServerZone, zoneForOffset } from '../../src/core/iana-server-zone';
import { zoneOffsetMs } from '../../src/core/time-zone';

const JAN = Date.UTC(2026, 0, 15);
const JUL = Date.UTC(2026, 6, 15);

describe('ianaServerZone', () => {
  it('reads EnOS’s GMT+8 as UTC+08:00, which IANA spells Etc/GMT-8 (opposite sign)', () => {
    expect(ianaServerZone('GMT+8')).toBe('Etc/GMT-8');
    expect(zoneOffsetMs(JAN, 'Etc/GMT-8')).toBe(8 * 3_600_000);
    expect(ianaServerZone('UTC+08:00')).toBe('Etc/GMT-8');
    expect(ianaServerZone('GMT-5')).toBe('Etc/GMT+5');
    expect(zoneOffsetMs(JUL, 'Etc/GMT+5')).toBe(-5 * 3_600_000);
    expect(ianaServerZone('+0800')).toBe('Etc/GMT-8');
    expect(ianaServerZone('GMT+0')).toBe('UTC');
  });

  it('passes IANA names through, Etc/GMT-8 keeping its own (POSIX) meaning', () => {
    expect(ianaServerZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(ianaServerZone('Etc/GMT-8')).toBe('Etc/GMT-8');
    expect(ianaServerZone('UTC')).toBe('UTC');
    expect(ianaServerZone(' europe/berlin ')).toBe('Europe/Berlin');
  });

  it('maps a half-hour offset to a zone that keeps it all year, and refuses one no zone keeps', () => {
    expect(ianaServerZone('GMT+5:30')).toBe('Asia/Kolkata');
    expect(ianaServerZone('UTC+09:30')).toBe('Australia/Darwin');
    expect(ianaServerZone('GMT+5:45')).toBe('Asia/Kathmandu');
    expect(ianaServerZone('GMT-2:30')).toBeUndefined();
  });

  it('every offset it accepts is that offset in January and in July', () => {
    for (let minutes = -14 * 60; minutes <= 14 * 60; minutes += 15) {
      const zone = zoneForOffset(minutes);
      if (zone === undefined) continue;
      expect([zone, zoneOffsetMs(JAN, zone), zoneOffsetMs(JUL, zone)]).toEqual([
        zone,
        minutes * 60_000,
        minutes * 60_000,
      ]);
    }
    expect(zoneForOffset(14 * 60)).toBe('Etc/GMT-14');
    expect(zoneForOffset(-12 * 60)).toBe('Etc/GMT+12');
    expect(zoneForOffset(15 * 60)).toBeUndefined();
  });

  it('refuses what is neither a zone nor an offset', () => {
    expect(ianaServerZone('')).toBeUndefined();
    expect(ianaServerZone('China Standard Time')).toBeUndefined();
    expect(ianaServerZone('GMT+8:75')).toBeUndefined();
    expect(ianaServerZone('GMT+25')).toBeUndefined();
  });
});

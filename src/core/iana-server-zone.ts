import { parseServerZone } from './server-zone';

/*
 * The EnOS server's zone as an IANA zone, for the code that reads EnOS's zone-less run times
 * (parseEnosTime, runViewOf), which works with zone names through Intl. `server-zone.ts` reads the
 * text (ENOS_SERVER_TIMEZONE, or Get Time Zone's `GMT+8`); a fixed offset then becomes IANA's
 * fixed zone, whose sign is the OPPOSITE (POSIX style): UTC+08:00 is `Etc/GMT-8`. IANA has fixed
 * zones for whole hours only, so an offset with minutes maps to a zone that keeps it all year (no
 * daylight saving), and any other is refused.
 */

/** Zones without daylight saving for the offsets that are not whole hours (minutes east of UTC). */
const PART_HOUR_ZONES: Readonly<Record<number, string>> = {
  [-(9 * 60 + 30)]: 'Pacific/Marquesas',
  [3 * 60 + 30]: 'Asia/Tehran',
  [4 * 60 + 30]: 'Asia/Kabul',
  [5 * 60 + 30]: 'Asia/Kolkata',
  [5 * 60 + 45]: 'Asia/Kathmandu',
  [6 * 60 + 30]: 'Asia/Yangon',
  [8 * 60 + 45]: 'Australia/Eucla',
  [9 * 60 + 30]: 'Australia/Darwin',
};

/**
 * The IANA zone for an IANA name (`Asia/Shanghai`, `Etc/GMT-8`, `UTC`) or a fixed offset (`GMT+8`,
 * `UTC+08:00`); undefined when it is neither, or an offset no zone keeps.
 */
export function ianaServerZone(text: string): string | undefined {
  const zone = parseServerZone(text);
  if (zone === undefined) return undefined;
  return zone.kind === 'iana' ? zone.name : zoneForOffset(zone.offsetMinutes);
}

/** The zone that is always `minutesEast` minutes ahead of UTC, or undefined. */
export function zoneForOffset(minutesEast: number): string | undefined {
  if (minutesEast === 0) return 'UTC';
  if (minutesEast % 60 !== 0) return PART_HOUR_ZONES[minutesEast];
  const hours = minutesEast / 60;
  // Etc/GMT-14 … Etc/GMT+12 exist; the sign is the opposite of the offset's.
  if (hours < -12 || hours > 14) return undefined;
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

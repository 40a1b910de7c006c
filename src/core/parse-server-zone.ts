import { isValidTimeZone, normalizeTimeZone } from './time-zone';

/*
 * The EnOS server's zone, as ENOS_SERVER_TIMEZONE or Get Time Zone spell it, turned into a zone the
 * time arithmetic (Intl) understands. EnOS answers with a fixed offset, `GMT+8`, which Intl does
 * not read; IANA's fixed-offset zones have the OPPOSITE sign (POSIX style): UTC+08:00 is
 * `Etc/GMT-8`. Intl has no fixed zone for offsets that are not whole hours, so those map to a zone
 * that keeps that offset all year (no daylight saving), and any other is refused.
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

/** `GMT+8`, `UTC+08:00`, `+0530`, `GMT-3:30`: an optional GMT/UTC, a sign, hours, optional minutes. */
const FIXED_OFFSET = /^(?:GMT|UTC)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * The zone to read EnOS times in, from an IANA name (`Asia/Shanghai`, `Etc/GMT-8`, `UTC`) or a fixed
 * offset (`GMT+8`, `UTC+08:00`); undefined when it is neither, or an offset no zone keeps.
 */
export function parseServerZone(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const fixed = FIXED_OFFSET.exec(trimmed);
  if (fixed) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? 0);
    if (minutes > 59) return undefined;
    const east = (fixed[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
    return zoneForOffset(east);
  }
  return isValidTimeZone(trimmed) ? normalizeTimeZone(trimmed) : undefined;
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

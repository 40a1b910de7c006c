/**
 * The EnOS server's zone, which EnOS names either as an IANA zone or as a fixed offset: Get Time
 * Zone answers `GMT+8`, meaning UTC+08:00. Node 20's `Intl` knows no offset zones (`+08:00` throws),
 * and IANA's `Etc/GMT-8` has the opposite sign and whole hours only, so a fixed offset is handled
 * here with plain arithmetic, and an IANA zone by the tested `time-zone.ts`.
 */
import { type LocalDateTime, wallClockMs } from './time-calendar';
import { localToEpochs, normalizeTimeZone, type ZonedDateTime, zonedDateTime } from './time-zone';

/** A zone the server writes its times in. `name` is how messages show it. */
export type ServerZone =
  | { kind: 'iana'; name: string }
  /** East positive, in minutes: `GMT+8` is 480. */
  | { kind: 'fixed'; name: string; offsetMinutes: number };

// `GMT+8`, `UTC+08:00`, `GMT-3:30`, `+0530`, `-05:00`; the prefix is optional only with minutes or
// a sign, so that a bare number is never read as a zone.
const FIXED_OFFSET = /^(?:(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?|([+-])(\d{2}):?(\d{2}))$/i;
// Real offsets run from UTC-12:00 to UTC+14:00.
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * Reads `text` (ENOS_SERVER_TIMEZONE, or Get Time Zone's answer) as an IANA zone or a fixed offset;
 * undefined when it is neither. `UTC` and `GMT` alone are the IANA `UTC`.
 */
export function parseServerZone(text: string): ServerZone | undefined {
  const trimmed = text.trim();
  if (/^(?:UTC|GMT)$/i.test(trimmed)) return { kind: 'iana', name: 'UTC' };
  const match = FIXED_OFFSET.exec(trimmed);
  if (match) {
    const sign = (match[1] ?? match[4]) === '-' ? -1 : 1;
    const hours = Number(match[2] ?? match[5]);
    const minutes = Number(match[3] ?? match[6] ?? 0);
    if (minutes > 59) return undefined;
    const offsetMinutes = sign * (hours * 60 + minutes);
    if (Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) return undefined;
    return { kind: 'fixed', name: formatOffset(offsetMinutes), offsetMinutes };
  }
  // `+08:00` was taken above; anything else must be a zone this Node knows.
  const name = normalizeTimeZone(trimmed);
  return name === undefined ? undefined : { kind: 'iana', name };
}

/** `UTC+08:00`, `UTC-03:30`, `UTC+00:00`: unambiguous, unlike `GMT+8` next to `Etc/GMT-8`. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const total = Math.abs(offsetMinutes);
  const hh = String(Math.floor(total / 60)).padStart(2, '0');
  const mm = String(total % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}`;
}

/** The server's wall-clock reading of `epochMs`. */
export function serverWallClock(epochMs: number, zone: ServerZone): ZonedDateTime {
  if (zone.kind === 'iana') return zonedDateTime(epochMs, zone.name);
  const shifted = new Date(epochMs + zone.offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

/**
 * Every instant the server reads as `local` (to the minute), ascending: exactly one for a fixed
 * offset; for an IANA zone none in a spring-forward gap and two in a fall-back overlap.
 */
export function serverLocalToEpochs(local: LocalDateTime, zone: ServerZone): number[] {
  if (zone.kind === 'iana') return localToEpochs(local, zone.name);
  return [wallClockMs(local) - zone.offsetMinutes * 60_000];
}

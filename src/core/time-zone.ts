/**
 * Time-zone arithmetic on top of `Intl` (the ICU data Node ships), rather than dayjs's `tz`
 * plugin: dayjs silently moves a non-existent local time forward and picks the later of two
 * ambiguous ones, while flow-trigger must refuse the first and deliberately pick the earlier of
 * the second. Listing every instant that shows a given wall-clock time makes both explicit.
 */
import { formatDateTime, type LocalDateTime, wallClockMs } from './time-calendar';

/** A wall-clock reading in a zone, to the second. */
export type ZonedDateTime = LocalDateTime & { second: number };

// Formatters are costly to build; zones are few. The cap only guards against a flood of
// differently-cased spellings of valid zones.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_FORMATTERS = 500;

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23, not hour12: false, which renders midnight as 24 on some ICU versions.
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    // Intl throws a RangeError for a zone ICU does not know.
    return undefined;
  }
  if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
  formatters.set(zone, formatter);
  return formatter;
}

/** Whether `zone` is a time zone this Node knows (IANA names such as `Europe/Berlin`, and `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  return zone.length > 0 && formatterFor(zone) !== undefined;
}

/**
 * `zone` as the user should read it, or undefined when unknown. ICU matches names
 * case-insensitively but canonicalises links (`Asia/Kolkata` becomes `Asia/Calcutta`): keep the
 * user's spelling, and take ICU's only when it differs from it just in case (`europe/berlin`).
 */
export function normalizeTimeZone(zone: string): string | undefined {
  const formatter = isValidTimeZone(zone) ? formatterFor(zone) : undefined;
  if (!formatter) return undefined;
  const canonical = formatter.resolvedOptions().timeZone;
  return canonical.toLowerCase() === zone.toLowerCase() ? canonical : zone;
}

/** The wall-clock reading of `epochMs` in `zone` (which must be valid). */
export function zonedDateTime(epochMs: number, zone: string): ZonedDateTime {
  const formatter = formatterFor(zone);
  if (!formatter) throw new RangeError(`Unknown time zone: ${zone}`);
  const fields: Record<string, string> = {};
  for (const part of formatter.formatToParts(epochMs)) fields[part.type] = part.value;
  const year = Number(fields.year);
  return {
    // Years before 1 AD never reach here in practice (the resolver bounds dates), but stay correct.
    year: fields.era === 'BC' ? 1 - year : year,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (east positive). */
export function zoneOffsetMs(epochMs: number, zone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallClockMs(zonedDateTime(wholeSecond, zone)) - wholeSecond;
}

const DAY_MS = 86_400_000;

/**
 * Every instant whose wall-clock reading in `zone` is `local` (to the minute), ascending: one
 * normally, none in a spring-forward gap, two in a fall-back overlap.
 */
export function localToEpochs(local: LocalDateTime, zone: string): number[] {
  const asUtc = wallClockMs(local);
  // Offsets are within ±14 h, so the instants sought lie within a day of `asUtc`; sampling the
  // offset a day either side finds the offsets in force before and after any transition.
  const offsets = new Set([
    zoneOffsetMs(asUtc - DAY_MS, zone),
    zoneOffsetMs(asUtc, zone),
    zoneOffsetMs(asUtc + DAY_MS, zone),
  ]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = asUtc - offset;
    if (zoneOffsetMs(candidate, zone) === offset) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/** A spring-forward gap: the wall-clock times from `from` (inclusive) to `to` (exclusive) do not exist. */
export interface ZoneGap {
  /** The first instant after the jump. */
  transitionMs: number;
  /** Wall-clock reading just before the jump, read in the old offset (`02:00`). */
  from: ZonedDateTime;
  /** Wall-clock reading at the jump, in the new offset (`03:00`). */
  to: ZonedDateTime;
  /** How far the clocks jump, in minutes. */
  minutes: number;
  /** Where `local` falls when read with the offset before the jump (dayjs's answer, `03:30`). */
  shifted: ZonedDateTime;
}

/** Describes the gap that swallows `local`; undefined when `local` exists in `zone`. */
export function findGap(local: LocalDateTime, zone: string): ZoneGap | undefined {
  if (localToEpochs(local, zone).length > 0) return undefined;
  const asUtc = wallClockMs(local);
  const before = zoneOffsetMs(asUtc - DAY_MS, zone);
  const after = zoneOffsetMs(asUtc + DAY_MS, zone);
  if (after <= before) return undefined;
  // Read with the old offset, `local` lands after the jump; with the new one, before it.
  let late = asUtc - before;
  let early = asUtc - after;
  while (late - early > 1000) {
    // Offsets and the wall clock are whole seconds, so the bisection works on whole seconds.
    const middle = early + Math.max(1000, Math.floor((late - early) / 2000) * 1000);
    if (zoneOffsetMs(middle, zone) === before) early = middle;
    else late = middle;
  }
  return {
    transitionMs: late,
    from: wallReading(late + before),
    to: wallReading(late + after),
    minutes: Math.round((after - before) / 60_000),
    shifted: zonedDateTime(asUtc - before, zone),
  };
}

function wallReading(asUtcMs: number): ZonedDateTime {
  const date = new Date(asUtcMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** `YYYY-MM-DD HH:mm` of `epochMs` in `zone` (which must be valid). */
export function formatLocal(epochMs: number, zone: string): string {
  return formatDateTime(zonedDateTime(epochMs, zone));
}

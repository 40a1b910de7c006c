/**
 * Calendar arithmetic on plain local dates and times, with no time zone involved. Shared by the
 * parser (to reject `2026-02-30` and `25:00` while pointing at the token) and the time resolver
 * (which also accepts specs built by the modal), so both apply the same rules.
 */

/** A calendar date; `month` is 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock time of day, 24-hour. */
export interface LocalTime {
  hour: number;
  minute: number;
}

export type LocalDateTime = LocalDate & LocalTime;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** The English name of month 1–12, for messages. */
export function monthName(month: number): string {
  return MONTH_NAMES[month - 1] ?? `month ${month}`;
}

/** Days in `month` (1–12) of `year`, by the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC avoids any zone's transitions.
  return new Date(wallClockMs({ year, month: month + 1, day: 0, hour: 0, minute: 0 })).getUTCDate();
}

/** Why `date` is not a calendar date, or undefined when it is one. */
export function checkLocalDate(date: LocalDate): string | undefined {
  const { year, month, day } = date;
  if (!Number.isInteger(year) || year < 1 || year > 9999) return 'the year must be 0001 to 9999';
  if (!Number.isInteger(month) || month < 1 || month > 12) return 'the month must be 01 to 12';
  const days = daysInMonth(year, month);
  if (!Number.isInteger(day) || day < 1 || day > days) {
    return `${monthName(month)} ${year} has ${days} days`;
  }
  return undefined;
}

/** Why `time` is not a time of day, or undefined when it is one. 24:00 is not accepted. */
export function checkLocalTime(time: LocalTime): string | undefined {
  if (!Number.isInteger(time.hour) || time.hour < 0 || time.hour > 23) return 'the hour must be 00 to 23';
  if (!Number.isInteger(time.minute) || time.minute < 0 || time.minute > 59) {
    return 'the minutes must be 00 to 59';
  }
  return undefined;
}

/**
 * The wall-clock reading as if it were UTC, in epoch milliseconds: the zone-free basis for offset
 * arithmetic. `setUTCFullYear` is used because `Date.UTC` maps years 0–99 to 1900–1999.
 */
export function wallClockMs(dt: LocalDateTime & { second?: number }): number {
  const date = new Date(0);
  date.setUTCFullYear(dt.year, dt.month - 1, dt.day);
  date.setUTCHours(dt.hour, dt.minute, dt.second ?? 0, 0);
  return date.getTime();
}

/** `date` moved by `days` calendar days (month and year ends roll over). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(wallClockMs({ ...date, hour: 12, minute: 0 }) + days * 86_400_000);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD`. */
export function formatDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** `HH:mm`, zero-padded (a typed `9:05` shows as `09:05`). */
export function formatTime(time: LocalTime): string {
  return `${pad(time.hour, 2)}:${pad(time.minute, 2)}`;
}

/** `YYYY-MM-DD HH:mm`. */
export function formatDateTime(dt: LocalDateTime): string {
  return `${formatDate(dt)} ${formatTime(dt)}`;
}

/** Same calendar date. */
export function sameDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

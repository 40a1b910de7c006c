/**
 * The `when` part of a trigger command: `now`, `at 14:00`, `at 14:00 tomorrow`,
 * `tomorrow [at] 14:00`, `today [at] 14:00`, `at 2026-11-30 14:00`, `on 2026-11-30 [at] 14:00`,
 * `in 10m` / `in 2h` / `in 1h30m`, each optionally followed by a zone (`Europe/Berlin`, `UTC`).
 * Keywords are case-insensitive. Only the shape and the calendar are checked here; whether the
 * time is in the past, in a daylight-saving gap or too far away depends on the clock and is
 * `resolveTime`'s business.
 */

import { quoteToken, type UsageError, usageError } from './parse-usage-error';
import { checkLocalDate, checkLocalTime, type LocalDate, type LocalTime } from './time-calendar';
import { normalizeTimeZone } from './time-zone';
import { type Token, tokenShown, tokenWord } from './tokenize-command';

/** When to run, as the user said it; `zone` is set only when the command named one. */
export type WhenSpec =
  | { kind: 'now'; zone?: string }
  /** `at 14:00`, `today at 14:00`. */
  | { kind: 'today'; hour: number; minute: number; zone?: string }
  /** `at 14:00 tomorrow`, `tomorrow at 14:00`, `tomorrow 14:00`. */
  | { kind: 'tomorrow'; hour: number; minute: number; zone?: string }
  /** `at 2026-11-30 14:00`, `on 2026-11-30 at 14:00`. */
  | { kind: 'date'; year: number; month: number; day: number; hour: number; minute: number; zone?: string }
  /** `in 10m`, `in 2h`, `in 1h30m`. */
  | { kind: 'relative'; minutes: number; zone?: string }
  /** An exact instant, never typed by a user: a backfill run's trigger time (src/slack/backfill-runner.ts). */
  | { kind: 'epoch'; epochMs: number; zone?: string };

export type WhenResult = { ok: true; when?: WhenSpec; next: number } | { ok: false; error: UsageError };

const TIME_HINT = 'Expected HH:MM on a 24-hour clock, like `at 14:00` or `at 9:05`.';
const DATE_HINT = 'Expected YYYY-MM-DD, like `on 2026-11-30 at 14:00`.';
const DURATION_HINT = 'Expected minutes or hours, like `in 10m`, `in 2h` or `in 1h30m`.';
const ZONE_HINT = 'Expected an IANA zone such as `Europe/Berlin` or `America/New_York`, or `UTC`.';

const TIME_SHAPE = /^(\d{1,2}):(\d{1,2})$/;
const DATE_SHAPE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DURATION_SHAPE = /^(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/i;
// `Area/Location[/Sub]`: the only zone names accepted besides UTC, so that a stray word is never
// mistaken for a zone. Abbreviations such as CET or EST are ambiguous and not accepted.
const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){1,2}$/;
const UTC_NAMES = new Set(['utc', 'gmt']);

/** Words that start or end a `when`; in parameter position they mean the order is wrong. */
const WHEN_KEYWORDS = new Set(['now', 'at', 'on', 'in', 'today', 'tomorrow']);

/** Whether `word` (a bare word) belongs to a `when`: a keyword or something shaped like a zone. */
export function isWhenWord(word: string): boolean {
  return WHEN_KEYWORDS.has(word.toLowerCase()) || isZoneShaped(word);
}

/** `14:00`-like, valid or not. */
export function looksLikeTime(word: string): boolean {
  return TIME_SHAPE.test(word);
}

/** `2026-11-30`-like, valid or not. */
export function looksLikeDate(word: string): boolean {
  return DATE_SHAPE.test(word);
}

function isZoneShaped(word: string): boolean {
  return UTC_NAMES.has(word.toLowerCase()) || ZONE_SHAPE.test(word);
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: UsageError };

function fail<T>(message: string, token?: string): Parsed<T> {
  return { ok: false, error: usageError(message, token) };
}

/** `14:00` or `9:05`; refuses `25:00`, `14:60` and `9:5` with the reason. */
export function parseClockTime(word: string): Parsed<LocalTime> {
  const match = TIME_SHAPE.exec(word);
  if (!match) return fail(`${quoteToken(word)} is not a time. ${TIME_HINT}`, word);
  const time = { hour: Number(match[1]), minute: Number(match[2]) };
  const problem = match[2]!.length !== 2 ? 'the minutes need two digits' : checkLocalTime(time);
  if (problem) return fail(`${quoteToken(word)} is not a time of day: ${problem}. ${TIME_HINT}`, word);
  return { ok: true, value: time };
}

/** `2026-11-30`; refuses `2026-02-30` and `2026-13-01` with the reason. */
export function parseIsoDate(word: string): Parsed<LocalDate> {
  const match = DATE_SHAPE.exec(word);
  if (!match) return fail(`${quoteToken(word)} is not a date. ${DATE_HINT}`, word);
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const problem = checkLocalDate(date);
  if (problem) return fail(`${quoteToken(word)} is not a date: ${problem}. ${DATE_HINT}`, word);
  return { ok: true, value: date };
}

/** `10m`, `10min`, `2h`, `1h30m`, in minutes. How far ahead is allowed is `resolveTime`'s check. */
export function parseDuration(word: string): Parsed<number> {
  const match = DURATION_SHAPE.exec(word);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    return fail(`${quoteToken(word)} is not a duration. ${DURATION_HINT}`, word);
  }
  const minutes = Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
  // Only guards arithmetic on absurd digit strings; the resolver words the real bound.
  if (!Number.isSafeInteger(minutes)) {
    return fail(`${quoteToken(word)} is far too long a wait. ${DURATION_HINT}`, word);
  }
  return { ok: true, value: minutes };
}

/**
 * The zone `word` names: undefined when it is not shaped like one, an error when it is shaped like
 * one that does not exist (`Europe/Berlim`).
 */
export function parseZone(word: string): Parsed<string> | undefined {
  if (!isZoneShaped(word)) return undefined;
  if (UTC_NAMES.has(word.toLowerCase())) return { ok: true, value: 'UTC' };
  const zone = normalizeTimeZone(word);
  if (!zone) return fail(`${quoteToken(word)} is not a known time zone. ${ZONE_HINT}`, word);
  return { ok: true, value: zone };
}

/**
 * Reads a `when` starting at `tokens[index]`. Without one, returns `when: undefined` and
 * `next: index` (the caller defaults to now). A zone alone means now in that zone.
 */
export function parseWhen(tokens: readonly Token[], index: number): WhenResult {
  const keyword = tokenWord(tokens[index])?.toLowerCase();
  const reader = new WhenReader(tokens);
  let when: Parsed<{ spec: WhenSpec; next: number }> | undefined;
  switch (keyword) {
    case 'now':
      when = { ok: true, value: { spec: { kind: 'now' }, next: index + 1 } };
      break;
    case 'at':
      when = reader.at(index);
      break;
    case 'today':
    case 'tomorrow':
      when = reader.dayThenTime(index, keyword);
      break;
    case 'on':
      when = reader.dateThenTime(index, index + 1);
      break;
    case 'in':
      when = reader.relative(index);
      break;
  }
  if (when && !when.ok) return when;
  const next = when ? when.value.next : index;
  const zoneWord = tokenWord(tokens[next]);
  const zone = zoneWord === undefined ? undefined : parseZone(zoneWord);
  if (zone && !zone.ok) return zone;
  const spec = when?.value.spec ?? (zone ? { kind: 'now' as const } : undefined);
  if (!spec) return { ok: true, next };
  if (!zone) return { ok: true, when: spec, next };
  return { ok: true, when: { ...spec, zone: zone.value }, next: next + 1 };
}

/** The pieces of `parseWhen`, reading from a fixed token list. */
class WhenReader {
  constructor(private readonly tokens: readonly Token[]) {}

  /** `at 14:00 [today|tomorrow]` or `at 2026-11-30 [at] 14:00`. */
  at(index: number): Parsed<{ spec: WhenSpec; next: number }> {
    const keyword = tokenWord(this.tokens[index]) ?? 'at';
    const what = this.expectWord(
      index + 1,
      index,
      `${quoteToken(keyword)} must be followed by a time.`,
      TIME_HINT,
    );
    if (!what.ok) return what;
    if (looksLikeDate(what.value)) return this.dateThenTime(index, index + 1);
    const time = parseClockTime(what.value);
    if (!time.ok) return time;
    const day = this.keywordAt(index + 2);
    const kind = day === 'tomorrow' ? 'tomorrow' : 'today';
    const next = day === 'tomorrow' || day === 'today' ? index + 3 : index + 2;
    return { ok: true, value: { spec: { kind, ...time.value }, next } };
  }

  /** `today|tomorrow [at] 14:00`. */
  dayThenTime(index: number, kind: 'today' | 'tomorrow'): Parsed<{ spec: WhenSpec; next: number }> {
    const at = this.keywordAt(index + 1) === 'at' ? index + 2 : index + 1;
    const keyword = tokenWord(this.tokens[at - 1]) ?? kind;
    const word = this.expectWord(at, at - 1, `${quoteToken(keyword)} must be followed by a time.`, TIME_HINT);
    if (!word.ok) return word;
    const time = parseClockTime(word.value);
    if (!time.ok) return time;
    return { ok: true, value: { spec: { kind, ...time.value }, next: at + 1 } };
  }

  /** `<date> [at] <time>` with the date at `dateIndex`, after the keyword at `index`. */
  dateThenTime(index: number, dateIndex: number): Parsed<{ spec: WhenSpec; next: number }> {
    const keyword = tokenWord(this.tokens[index]) ?? 'on';
    const dateWord = this.expectWord(
      dateIndex,
      index,
      `${quoteToken(keyword)} must be followed by a date and a time.`,
      DATE_HINT,
    );
    if (!dateWord.ok) return dateWord;
    const date = parseIsoDate(dateWord.value);
    if (!date.ok) return date;
    const at = this.keywordAt(dateIndex + 1) === 'at' ? dateIndex + 2 : dateIndex + 1;
    const timeWord = this.expectWord(
      at,
      at - 1,
      `The date ${quoteToken(dateWord.value)} must be followed by a time.`,
      'Expected a date and a time, like `on 2026-11-30 at 14:00`.',
    );
    if (!timeWord.ok) return timeWord;
    const time = parseClockTime(timeWord.value);
    if (!time.ok) return time;
    return { ok: true, value: { spec: { kind: 'date', ...date.value, ...time.value }, next: at + 1 } };
  }

  /** `in 1h30m`. */
  relative(index: number): Parsed<{ spec: WhenSpec; next: number }> {
    const word = this.expectWord(
      index + 1,
      index,
      `${quoteToken(tokenWord(this.tokens[index]) ?? 'in')} must be followed by how long to wait.`,
      DURATION_HINT,
    );
    if (!word.ok) return word;
    const minutes = parseDuration(word.value);
    if (!minutes.ok) return minutes;
    return { ok: true, value: { spec: { kind: 'relative', minutes: minutes.value }, next: index + 2 } };
  }

  private keywordAt(index: number): string | undefined {
    return tokenWord(this.tokens[index])?.toLowerCase();
  }

  /**
   * The bare word at `index`. When it is missing, the error points at the token before it
   * (`previous`); when it is a parameter or quoted, at that token.
   */
  private expectWord(index: number, previous: number, missing: string, hint: string): Parsed<string> {
    const token = this.tokens[index];
    if (!token) return fail(`${missing} ${hint}`, tokenShown(this.tokens[previous]!));
    const word = tokenWord(token);
    if (word === undefined) {
      const shown = tokenShown(token);
      return fail(`${missing} ${quoteToken(shown)} is not one. ${hint}`, shown);
    }
    return { ok: true, value: word };
  }
}

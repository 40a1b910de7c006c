/**
 * Turns a `when` into the instant sent to EnOS as `triggerTime`, in the caller's zone (or the zone
 * the command named), against an injected `now`. Pure: no clock is read here.
 *
 * Daylight saving, decided here and nowhere else:
 * - A local time that does not exist (the spring-forward gap, `02:30` on the night clocks jump
 *   from 02:00 to 03:00) is refused with a message naming the gap and the time it would have
 *   shifted to: running an hour off without saying so is worse than asking again.
 * - A local time that happens twice (the fall-back overlap) means its first occurrence, the one
 *   in the offset before the switch. The second can be reached with `in …` or a UTC time.
 */
import { LIMITS } from './limits';
import type { WhenSpec } from './parse-command';
import {
  addDays,
  checkLocalDate,
  checkLocalTime,
  formatDate,
  formatDateTime,
  formatTime,
  type LocalDate,
  type LocalDateTime,
  type LocalTime,
  sameDate,
} from './time-calendar';
import { findGap, formatLocal, isValidTimeZone, localToEpochs, zonedDateTime } from './time-zone';

export { formatLocal, isValidTimeZone } from './time-zone';

/** Where a `when` lands. */
export interface ResolvedTime {
  /** The instant to send as `triggerTime`. */
  epochMs: number;
  /** The IANA zone the time was read in. */
  zone: string;
  /** `YYYY-MM-DD HH:mm` in `zone`. */
  local: string;
  /** The time is (about) now: `now`, `in 0m`, or a clock time reached at most a minute ago. */
  immediate: boolean;
  /** An explicit date in the past: EnOS runs at once and computes time parameters from it. */
  backdated: boolean;
}

export type TimeResult = { ok: true; time: ResolvedTime } | { ok: false; error: { message: string } };

/** What `resolveTime` needs from the outside. */
export interface TimeContext {
  /** Epoch milliseconds. */
  now: number;
  /** The caller's IANA zone (Slack `users.info` → `tz`). */
  zone: string;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Resolves `spec` against `ctx`; a zone in the spec overrides the caller's. Never throws. */
export function resolveTime(spec: WhenSpec, ctx: TimeContext): TimeResult {
  const zone = spec.zone ?? ctx.zone;
  if (!isValidTimeZone(zone)) {
    return refuse(
      `\`${zone}\` is not a known time zone. Use an IANA zone such as \`Europe/Berlin\`, or \`UTC\`.`,
    );
  }
  if (Number.isNaN(new Date(ctx.now).getTime())) {
    return refuse('The current time is not known, so no time can be resolved.');
  }
  const resolver = new Resolver(ctx.now, zone, spec.zone !== undefined);
  switch (spec.kind) {
    case 'now':
      return resolver.result(ctx.now, { immediate: true });
    case 'relative':
      return resolver.relative(spec.minutes);
    case 'today':
    case 'tomorrow':
      return resolver.dayAt(spec.kind, spec);
    case 'date':
      return resolver.date(spec, spec);
    case 'epoch':
      // A backfill run: the instant planned and shown in its preview, in the past by design.
      return resolver.result(spec.epochMs, { backdated: spec.epochMs < ctx.now - LIMITS.justPassedMs });
  }
}

function refuse(message: string): TimeResult {
  return { ok: false, error: { message } };
}

/** `1 hour`, `30 minutes`, `1 hour 30 minutes`. */
function formatMinutes(total: number): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  const unit = (count: number, name: string) => `${count} ${name}${count === 1 ? '' : 's'}`;
  if (hours === 0) return unit(minutes, 'minute');
  return minutes === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
}

class Resolver {
  constructor(
    private readonly now: number,
    private readonly zone: string,
    /** The command named the zone: suggestions repeat it so that they mean the same thing. */
    private readonly explicitZone: boolean,
  ) {}

  relative(minutes: number): TimeResult {
    if (!Number.isSafeInteger(minutes) || minutes < 0) {
      return refuse('A wait must be a whole, non-negative number of minutes, like `in 10m` or `in 1h30m`.');
    }
    const epochMs = this.now + minutes * MINUTE_MS;
    // `in 1m` keeps its minute: only a zero wait is "now".
    return (
      this.tooFarAhead(epochMs, `\`in ${formatMinutes(minutes)}\``) ??
      this.result(epochMs, { immediate: minutes === 0 })
    );
  }

  /** `at 14:00` (today) and `tomorrow at 14:00`, in the zone's calendar. */
  dayAt(kind: 'today' | 'tomorrow', time: LocalTime): TimeResult {
    const today = this.today();
    const date = kind === 'today' ? today : addDays(today, 1);
    const local = { ...date, hour: time.hour, minute: time.minute };
    const epochMs = this.instant(local, kind);
    if (typeof epochMs !== 'number') return epochMs;
    if (epochMs < this.now - LIMITS.justPassedMs) {
      // Only `today` can be in the past; a plain clock time is never silently back-dated.
      const at = formatTime(time);
      const nowLocal = zonedDateTime(this.now, this.zone);
      return refuse(
        `${at} today (${this.zone}) has already passed (it is now ${formatTime(nowLocal)}). ` +
          `Use \`now\`, \`${this.withZone(`tomorrow at ${at}`)}\`, or ` +
          `\`${this.withZone(`on ${formatDate(today)} at ${at}`)}\` to back-date the run.`,
      );
    }
    return this.classify(epochMs);
  }

  /** `on 2026-11-30 at 14:00`: may be back-dated. */
  date(date: LocalDate, time: LocalTime): TimeResult {
    const local = { year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute };
    const epochMs = this.instant(local, 'date');
    if (typeof epochMs !== 'number') return epochMs;
    if (epochMs < this.now - LIMITS.maxBackdateDays * DAY_MS) {
      return refuse(
        `${formatDateTime(local)} (${this.zone}) is more than ${LIMITS.maxBackdateDays} days ago; ` +
          `a run can be back-dated by at most ${LIMITS.maxBackdateDays} days.`,
      );
    }
    return this.classify(epochMs);
  }

  /** Past by more than a minute: back-dated; by at most a minute: now; future: scheduled. */
  private classify(epochMs: number): TimeResult {
    if (epochMs < this.now - LIMITS.justPassedMs) return this.result(epochMs, { backdated: true });
    if (epochMs <= this.now) return this.result(this.now, { immediate: true });
    return (
      this.tooFarAhead(epochMs, `${formatLocal(epochMs, this.zone)} (${this.zone})`) ??
      this.result(epochMs, {})
    );
  }

  /** `what` names the time in the message; a huge wait cannot be formatted as a date. */
  private tooFarAhead(epochMs: number, what: string): TimeResult | undefined {
    if (epochMs <= this.now + LIMITS.maxAheadDays * DAY_MS) return undefined;
    return refuse(
      `${what} is more than ${LIMITS.maxAheadDays} days ahead; ` +
        `flow-trigger schedules runs at most ${LIMITS.maxAheadDays} days ahead.`,
    );
  }

  result(epochMs: number, flags: { immediate?: boolean; backdated?: boolean }): TimeResult {
    return {
      ok: true,
      time: {
        epochMs,
        zone: this.zone,
        local: formatLocal(epochMs, this.zone),
        immediate: flags.immediate ?? false,
        backdated: flags.backdated ?? false,
      },
    };
  }

  private today(): LocalDate {
    const { year, month, day } = zonedDateTime(this.now, this.zone);
    return { year, month, day };
  }

  /**
   * The instant of `local` in the zone: the first of two in a fall-back overlap, a refusal in a
   * spring-forward gap. Also checks the fields, since the modal builds specs without the parser.
   */
  private instant(local: LocalDateTime, kind: WhenSpec['kind']): number | TimeResult {
    const invalid = checkLocalDate(local) ?? checkLocalTime(local);
    if (invalid) return refuse(`${formatDateTime(local)} is not a valid date and time: ${invalid}.`);
    const [first] = localToEpochs(local, this.zone);
    if (first !== undefined) return first;
    const gap = findGap(local, this.zone);
    const instead = gap ? gap.shifted : undefined;
    const jump = gap
      ? `: that day the clocks jump forward ${formatMinutes(gap.minutes)}, from ${formatTime(gap.from)} to ${formatTime(gap.to)}`
      : '';
    let suggestion = '';
    if (instead) {
      const at = formatTime(instead);
      // Keep the user's form unless the shifted time falls on another date.
      const phrase =
        kind === 'date' || !sameDate(instead, local)
          ? `on ${formatDate(instead)} at ${at}`
          : kind === 'tomorrow'
            ? `tomorrow at ${at}`
            : `at ${at}`;
      suggestion = ` Use \`${this.withZone(phrase)}\` or another time.`;
    }
    return refuse(
      `${formatTime(local)} on ${formatDate(local)} does not exist in ${this.zone}${jump}.${suggestion || ' Pick another time.'}`,
    );
  }

  private withZone(phrase: string): string {
    return this.explicitZone ? `${phrase} ${this.zone}` : phrase;
  }
}

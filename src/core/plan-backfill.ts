/**
 * Business dates in, trigger times out (docs/backfill.md). Each business date D becomes one
 * back-dated run triggered on D + `calDtOffsetDays` **in the server's zone**, so that EnOS, which
 * computes `${cal_dt}` as the trigger's server-zone date minus that offset, gives each run D.
 * docs/backfill.md has worked examples. Pure: the clock and the zones come in as arguments.
 *
 * Calendar arithmetic on the dates (ranges, `last N days`, adding the offset) is dayjs's, in UTC
 * where every day has 24 hours; wall clock → instant is `time-zone.ts`'s and `server-zone.ts`'s,
 * which refuse a time in a spring-forward gap and take the first of two in a fall-back overlap,
 * as the trigger's resolver does.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { serverDateOf, shiftDate } from './cal-dt-of';
import { dailyTimeOfDay } from './daily-time-of-day';
import { LIMITS } from './limits';
import type { BackfillOrder, BackfillRange } from './parse-backfill';
import { formatCount } from './parse-usage-error';
import { parseServerZone, type ServerZone, serverLocalToEpochs, serverWallClock } from './server-zone';
import {
  checkLocalDate,
  checkLocalTime,
  formatDate,
  formatTime,
  type LocalDateTime,
  type LocalTime,
} from './time-calendar';
import { findGap, isValidTimeZone, localToEpochs, type ZonedDateTime, zonedDateTime } from './time-zone';

dayjs.extend(utc);

/** The defaults of `BACKFILL_CAL_DT_OFFSET_DAYS` and `BACKFILL_MAX_RUNS`. */
export const BACKFILL_DEFAULTS = { calDtOffsetDays: 1, maxRuns: 100 } as const;

/** What `planBackfill` needs: the parsed request, the flow's schedule, the zones and the clock. */
export interface BackfillPlanInput {
  range: BackfillRange;
  /** `at HH:MM`, read in `zone` (when the command named one) or `callerZone`. */
  at?: LocalTime;
  /** The zone the command named, if any: it replaces the caller's for `at` and for "today". */
  zone?: string;
  /** The caller's IANA zone (Slack profile, or the configured default). */
  callerZone: string;
  /** ENOS_SERVER_TIMEZONE: an IANA zone or a fixed offset such as `GMT+8`. */
  serverZone: string;
  /** Epoch milliseconds. */
  now: number;
  /** BACKFILL_CAL_DT_OFFSET_DAYS: `${cal_dt}` = the trigger's server-zone date minus this. */
  calDtOffsetDays: number;
  /** BACKFILL_MAX_RUNS, or a policy's lower `backfill.max_runs`. */
  maxRuns: number;
  /** Where `maxRuns` comes from, for the refusal (`the policy rule “prod loads”`); default the variable. */
  maxRunsSource?: string;
  /** The flow's `freq` (Get Flow): a 7-field Quartz cron in server time. */
  freq?: string;
  order: BackfillOrder;
}

/** Where the trigger time of day comes from. */
export type BackfillTimeOfDay =
  /** The flow's own daily time, from its cron, in server time. */
  | { source: 'flow'; hour: number; minute: number; second: number }
  /** The flow's cron is missing or not plainly daily: 00:00 server time. */
  | { source: 'midnight' }
  /** `at HH:MM`, in `zone`. */
  | { source: 'at'; hour: number; minute: number; zone: string };

/** One run of the backfill. */
export interface PlannedRun {
  /** `YYYY-MM-DD`: what `${cal_dt}` will be in this run. */
  businessDate: string;
  /** The instant sent as `triggerTime`, epoch milliseconds. */
  triggerTime: number;
  /** `YYYY-MM-DD HH:mm[:ss]` in the caller's (or the named) zone. */
  local: string;
  /** `YYYY-MM-DD HH:mm[:ss]` in the server's zone; its date is `businessDate` + the offset. */
  serverLocal: string;
}

export interface BackfillPlan {
  /** In the order they will run. */
  runs: PlannedRun[];
  timeOfDay: BackfillTimeOfDay;
  /** The zone `local` is in. */
  zone: string;
  /** The server's zone as messages show it (`Asia/Shanghai`, `UTC+08:00`). */
  serverZone: string;
  calDtOffsetDays: number;
}

export type BackfillRefusalReason =
  | 'invalid-zone'
  | 'invalid-server-zone'
  | 'invalid-settings'
  | 'invalid-range'
  | 'invalid-time'
  | 'from-after-to'
  | 'too-far-back'
  | 'too-many-runs'
  | 'time-does-not-exist'
  | 'other-server-date'
  | 'not-past';

/** Why no backfill is planned: `message` says what to change. */
export interface BackfillRefusal {
  reason: BackfillRefusalReason;
  message: string;
  /** The business date the refusal is about, when it is about one. */
  businessDate?: string;
}

export type BackfillPlanResult = { ok: true; plan: BackfillPlan } | { ok: false; refusal: BackfillRefusal };

const DATE = 'YYYY-MM-DD';

/** Plans the runs of a backfill, or says why not. Never throws. */
export function planBackfill(input: BackfillPlanInput): BackfillPlanResult {
  const zone = input.zone ?? input.callerZone;
  if (!isValidTimeZone(zone)) {
    return refuse(
      'invalid-zone',
      `\`${zone}\` is not a known time zone. Use an IANA zone such as \`Europe/Berlin\`, or \`UTC\`.`,
    );
  }
  const server = parseServerZone(input.serverZone);
  if (!server) {
    return refuse(
      'invalid-server-zone',
      `The EnOS server's time zone \`${input.serverZone}\` is not known, so the trigger dates cannot be computed. ` +
        'An admin should set ENOS_SERVER_TIMEZONE to an IANA zone such as `Asia/Shanghai`, or an offset such as `GMT+8`.',
    );
  }
  const settings = checkSettings(input);
  if (settings) return settings;
  if (!Number.isFinite(input.now))
    return refuse('invalid-settings', 'The current time is not known, so no backfill can be planned.');

  const invalidRange = checkRange(input.range);
  if (invalidRange) return invalidRange;
  const invalidTime = input.at && checkLocalTime(input.at);
  if (invalidTime) {
    return refuse(
      'invalid-time',
      `\`at ${formatTime(input.at!)}\` is not a time of day: ${invalidTime}. Give HH:MM, like \`at 02:00\`.`,
    );
  }

  const today = dayjs.utc(formatDate(zonedDateTime(input.now, zone)));
  const range = datesOf(input.range, today);
  if (range.from.isAfter(range.to)) {
    const from = range.from.format(DATE);
    const to = range.to.format(DATE);
    return refuse(
      'from-after-to',
      `The range runs backwards: ${from} is after ${to}. Put the earlier date first: \`${to} to ${from}\`.`,
    );
  }
  const oldest = today.subtract(LIMITS.maxBackdateDays, 'day');
  if (input.range.kind === 'last' && input.range.days > LIMITS.maxBackdateDays) {
    return refuse(
      'too-far-back',
      `\`last ${formatCount(input.range.days)} days\` reaches more than ${LIMITS.maxBackdateDays} days back; ` +
        `a backfill goes back ${LIMITS.maxBackdateDays} days at most. Ask for fewer days.`,
    );
  }
  if (range.from.isBefore(oldest)) {
    const from = range.from.format(DATE);
    return refuse(
      'too-far-back',
      `${from} is more than ${LIMITS.maxBackdateDays} days back: a backfill reaches back to ${oldest.format(DATE)} ` +
        `at most (today is ${today.format(DATE)} in ${zone}). Start the range on that date or later.`,
      from,
    );
  }
  const count = range.to.diff(range.from, 'day') + 1;
  if (count > input.maxRuns) {
    const lastAllowed = range.from.add(input.maxRuns - 1, 'day').format(DATE);
    return refuse(
      'too-many-runs',
      `That is ${formatCount(count)} business dates, and a backfill runs at most ${formatCount(input.maxRuns)} ` +
        `(${input.maxRunsSource ?? 'BACKFILL_MAX_RUNS'}). Split it: \`${range.from.format(DATE)} to ${lastAllowed}\` first, then the rest.`,
    );
  }

  const timeOfDay = timeOfDayOf(input, zone);
  const mapper = new DateMapper(server, zone, input.calDtOffsetDays, timeOfDay);
  const runs: PlannedRun[] = [];
  for (let day = range.from; !day.isAfter(range.to); day = day.add(1, 'day')) {
    const run = mapper.map(day);
    if (!run.ok) return run;
    if (run.run.triggerTime > input.now - LIMITS.justPassedMs) {
      return refuse('not-past', notPastMessage(run.run, runs.length === 0, mapper), run.run.businessDate);
    }
    runs.push(run.run);
  }
  if (input.order === 'newest-first') runs.reverse();
  return {
    ok: true,
    plan: { runs, timeOfDay, zone, serverZone: server.name, calDtOffsetDays: input.calDtOffsetDays },
  };
}

function refuse(
  reason: BackfillRefusalReason,
  message: string,
  businessDate?: string,
): { ok: false; refusal: BackfillRefusal } {
  return {
    ok: false,
    refusal: businessDate === undefined ? { reason, message } : { reason, message, businessDate },
  };
}

/** The configured numbers, checked here too since a policy can lower `maxRuns`. */
function checkSettings(input: BackfillPlanInput): { ok: false; refusal: BackfillRefusal } | undefined {
  const offset = input.calDtOffsetDays;
  if (!Number.isInteger(offset) || offset < 0 || offset > LIMITS.maxBackdateDays) {
    return refuse(
      'invalid-settings',
      `BACKFILL_CAL_DT_OFFSET_DAYS is ${offset}; it must be a whole number of days from 0 to ${LIMITS.maxBackdateDays}. An admin should fix it.`,
    );
  }
  if (!Number.isInteger(input.maxRuns) || input.maxRuns < 1) {
    return refuse(
      'invalid-settings',
      `No backfill may run: the limit of runs (${input.maxRunsSource ?? 'BACKFILL_MAX_RUNS'}) is ${input.maxRuns}. An admin should raise it to 1 or more.`,
    );
  }
  return undefined;
}

/** The parser checks these; the form builds ranges itself. */
function checkRange(range: BackfillRange): { ok: false; refusal: BackfillRefusal } | undefined {
  if (range.kind === 'last') {
    if (Number.isSafeInteger(range.days) && range.days >= 1) return undefined;
    return refuse(
      'invalid-range',
      `\`last ${range.days} days\` is not a number of days: give a whole number, 1 or more.`,
    );
  }
  for (const date of [range.from, range.to]) {
    const problem = checkLocalDate(date);
    if (problem) {
      return refuse(
        'invalid-range',
        `${formatDate(date)} is not a date: ${problem}. Give dates as YYYY-MM-DD.`,
      );
    }
  }
  return undefined;
}

/** The first and last business dates; `last N days` are the N dates before `today`. */
function datesOf(range: BackfillRange, today: dayjs.Dayjs): { from: dayjs.Dayjs; to: dayjs.Dayjs } {
  if (range.kind === 'last') {
    // A huge N is refused as too far back; clamping keeps dayjs away from absurd years.
    const days = Math.min(range.days, LIMITS.maxBackdateDays + 1);
    return { from: today.subtract(days, 'day'), to: today.subtract(1, 'day') };
  }
  return { from: dayjs.utc(formatDate(range.from)), to: dayjs.utc(formatDate(range.to)) };
}

function timeOfDayOf(input: BackfillPlanInput, zone: string): BackfillTimeOfDay {
  if (input.at) return { source: 'at', hour: input.at.hour, minute: input.at.minute, zone };
  const daily = dailyTimeOfDay(input.freq);
  return daily ? { source: 'flow', ...daily } : { source: 'midnight' };
}

type MappedRun = { ok: true; run: PlannedRun } | { ok: false; refusal: BackfillRefusal };

/** Maps one business date to its run. */
class DateMapper {
  readonly serverName: string;

  constructor(
    private readonly server: ServerZone,
    readonly zone: string,
    private readonly offsetDays: number,
    private readonly timeOfDay: BackfillTimeOfDay,
  ) {
    this.serverName = server.name;
  }

  map(business: dayjs.Dayjs): MappedRun {
    const businessDate = business.format(DATE);
    const trigger = business.add(this.offsetDays, 'day');
    const date = { year: trigger.year(), month: trigger.month() + 1, day: trigger.date() };
    const triggerDate = formatDate(date);
    let triggerTime: number;
    if (this.timeOfDay.source === 'at') {
      const local = { ...date, hour: this.timeOfDay.hour, minute: this.timeOfDay.minute };
      const [first] = localToEpochs(local, this.zone);
      if (first === undefined) return this.gap(local, businessDate);
      triggerTime = first;
      const serverDate = serverDateOf(triggerTime, this.server);
      if (serverDate !== triggerDate)
        return this.otherServerDate(businessDate, triggerDate, serverDate, triggerTime);
    } else {
      const time = this.timeOfDay.source === 'flow' ? this.timeOfDay : { hour: 0, minute: 0, second: 0 };
      const local = { ...date, hour: time.hour, minute: time.minute };
      const [first] = serverLocalToEpochs(local, this.server);
      // Only an IANA server zone has gaps: the run then triggers at the first moment after the
      // jump, still on its date (EnOS's own schedule cannot fire inside a gap either).
      triggerTime = first === undefined ? this.afterGap(local) : first + time.second * 1000;
    }
    return {
      ok: true,
      run: {
        businessDate,
        triggerTime,
        local: formatReading(zonedDateTime(triggerTime, this.zone)),
        serverLocal: this.serverReading(triggerTime),
      },
    };
  }

  serverReading(epochMs: number): string {
    return formatReading(serverWallClock(epochMs, this.server));
  }

  /** Which `at` times of the caller's date `triggerDate` fall on the same server date. */
  private fittingTimes(triggerDate: string): string {
    const startOf = (date: string) => {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const [first] = serverLocalToEpochs({ year, month, day, hour: 0, minute: 0 }, this.server);
      return first;
    };
    const start = startOf(triggerDate);
    const end = startOf(shiftDate(triggerDate, 1));
    const fallback = `Pick a time that falls on ${triggerDate} in the server's zone`;
    if (start === undefined || end === undefined) return fallback;
    const first = zonedDateTime(start, this.zone);
    const last = zonedDateTime(end - 60_000, this.zone);
    if (formatDate(first) === triggerDate) return `Pick \`at ${formatTime(first)}\` or later`;
    if (formatDate(last) === triggerDate) return `Pick \`at ${formatTime(last)}\` or earlier`;
    return fallback;
  }

  private afterGap(local: LocalDateTime): number {
    const zone = this.server.kind === 'iana' ? this.server.name : 'UTC';
    return findGap(local, zone)?.transitionMs ?? Number.NaN;
  }

  private gap(local: LocalDateTime, businessDate: string): MappedRun {
    const gap = findGap(local, this.zone);
    const jump = gap
      ? `: that day the clocks jump forward from ${formatTime(gap.from)} to ${formatTime(gap.to)}`
      : '';
    return refuse(
      'time-does-not-exist',
      `${formatTime(local)} on ${formatDate(local)} (the trigger date of business date ${businessDate}) does not exist in ` +
        `${this.zone}${jump}. Pick another time with \`at\`, or leave \`at\` out to use the flow's own time.`,
      businessDate,
    );
  }

  private otherServerDate(
    businessDate: string,
    triggerDate: string,
    serverDate: string,
    epochMs: number,
  ): MappedRun {
    const at = this.timeOfDay.source === 'at' ? formatTime(this.timeOfDay) : '';
    return refuse(
      'other-server-date',
      `At ${at} in ${this.zone}, the run for business date ${businessDate} would be triggered at ` +
        `${this.serverReading(epochMs)} server time (${this.serverName}): on ${serverDate}, not ${triggerDate}, so ` +
        `\`\${cal_dt}\` would be ${shiftDate(serverDate, -this.offsetDays)} instead of ${businessDate}. ` +
        `${this.fittingTimes(triggerDate)}, or leave \`at\` out to use the flow's own time.`,
      businessDate,
    );
  }
}

function notPastMessage(run: PlannedRun, first: boolean, mapper: DateMapper): string {
  const when = `${run.serverLocal} server time (${mapper.serverName})`;
  const instead = first
    ? 'Wait until then, or pick earlier dates.'
    : `End the range at ${shiftDate(run.businessDate, -1)}, or wait until then.`;
  return (
    `The run for business date ${run.businessDate} would be triggered at ${when}, ${run.local} in ${mapper.zone}, which has ` +
    `not passed yet: a backfill only re-runs dates whose time has come. ${instead}`
  );
}

/** `YYYY-MM-DD HH:mm`, with `:ss` when the seconds are not zero (a cron may set them). */
function formatReading(reading: ZonedDateTime): string {
  const base = `${formatDate(reading)} ${formatTime(reading)}`;
  return reading.second === 0 ? base : `${base}:${String(reading.second).padStart(2, '0')}`;
}

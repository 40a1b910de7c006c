/**
 * The time of day of a flow that runs once a day, read from its `freq` (a Quartz cron in the
 * server's zone: `second minute hour day-of-month month day-of-week [year]`). A backfill run for
 * a business date triggers at the flow's own time, so that what it reads (`${cal_dt}` and the
 * `${…}` variables with hours) is what the scheduled run would have read.
 */

/** A time of day to the second. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

const NUMBER = /^\d{1,2}$/;
/** "every": `*`, Quartz's "no specific value" `?`, and the explicit every-one steps. */
const EVERY = new Set(['*', '?', '*/1']);
const EVERY_DAY_OF_MONTH = new Set([...EVERY, '1/1']);
const EVERY_DAY_OF_WEEK = new Set([...EVERY, '1-7', 'SUN-SAT', 'MON-SUN']);

/**
 * The time of day when `freq` fires exactly once every day, or undefined for anything else: a
 * missing or malformed cron, several times a day (`0 0/30 * * * ?`, `0 0 2,14 * * ?`), some days
 * only (`0 0 2 ? * MON-FRI`, `0 0 2 1 * ?`), some months or years only. Only the plain daily shape
 * is read; a backfill of any other flow runs at 00:00 server time unless told `at HH:MM`.
 */
export function dailyTimeOfDay(freq: string | undefined): TimeOfDay | undefined {
  if (freq === undefined) return undefined;
  const fields = freq.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) return undefined;
  const [second, minute, hour, dayOfMonth, month, dayOfWeek, year = '*'] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (!NUMBER.test(second) || !NUMBER.test(minute) || !NUMBER.test(hour)) return undefined;
  const time = { hour: Number(hour), minute: Number(minute), second: Number(second) };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return undefined;
  if (!EVERY_DAY_OF_MONTH.has(dayOfMonth) || !EVERY.has(month) || !EVERY.has(year)) return undefined;
  if (!EVERY_DAY_OF_WEEK.has(dayOfWeek.toUpperCase())) return undefined;
  // Quartz wants exactly one of the two day fields to be `?`; `* * *` is refused by Quartz itself
  // but can only mean every day, so it is read as daily too.
  return time;
}

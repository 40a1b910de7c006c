/**
 * EnOS's business date: a run's `${cal_dt}` is its trigger date in the server's zone minus
 * `BACKFILL_CAL_DT_OFFSET_DAYS` (EnOS's default is one day: a daily load triggered on the 2nd
 * loads the 1st). Calendar days are counted with dayjs in UTC, where a day is always a day.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { type ServerZone, serverWallClock } from './server-zone';
import { formatDate } from './time-calendar';

dayjs.extend(utc);

/** `YYYY-MM-DD` moved by `days` calendar days. */
export function shiftDate(date: string, days: number): string {
  return dayjs.utc(date).add(days, 'day').format('YYYY-MM-DD');
}

/** The server-zone date of `epochMs`, as `YYYY-MM-DD`. */
export function serverDateOf(epochMs: number, zone: ServerZone): string {
  return formatDate(serverWallClock(epochMs, zone));
}

/** The `${cal_dt}` EnOS computes for a run triggered at `epochMs`: `YYYY-MM-DD`. */
export function calDtOf(epochMs: number, zone: ServerZone, offsetDays: number): string {
  return shiftDate(serverDateOf(epochMs, zone), -offsetDays);
}

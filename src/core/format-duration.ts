import dayjs from 'dayjs';
import duration from 'dayjs/plugin/duration';

dayjs.extend(duration);

/**
 * A run's duration as a person reads it: `45 s`, `4 min 10 s`, `2 h 5 min`, `1 d 3 h`, with two
 * units at most, rounded to the second. Pure: no zone is involved in a duration.
 *
 * dayjs splits a duration into years of 365 days and months of 30.4 days, so beyond a month its
 * `days()` and `hours()` are not the days and hours since the start: those are read from the
 * totals (`asDays`, `asHours`). Minutes and seconds are exact either way.
 */
export function formatDuration(ms: number): string {
  const total = dayjs.duration(Math.round(ms / 1000), 'seconds');
  const seconds = total.seconds();
  const minutes = total.minutes();
  const totalMinutes = Math.floor(total.asMinutes());
  if (totalMinutes < 1) return `${seconds} s`;
  if (totalMinutes < 60) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  const totalHours = Math.floor(total.asHours());
  if (totalHours < 24) return minutes === 0 ? `${totalHours} h` : `${totalHours} h ${minutes} min`;
  const days = Math.floor(total.asDays());
  const hours = totalHours % 24;
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}

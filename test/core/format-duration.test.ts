import { formatDuration } from '../../src/core/format-duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [499, '0 s'],
    [500, '1 s'],
    [45 * SECOND, '45 s'],
    [59 * SECOND + 499, '59 s'],
    // Rounds to the second first: 59.5 s is a minute.
    [59 * SECOND + 500, '1 min'],
    [4 * MINUTE + 10 * SECOND, '4 min 10 s'],
    [59 * MINUTE + 59 * SECOND, '59 min 59 s'],
    [HOUR, '1 h'],
    // Two units at most: the seconds are dropped, not rounded into the minutes.
    [2 * HOUR + 5 * MINUTE + 59 * SECOND, '2 h 5 min'],
    [23 * HOUR + 59 * MINUTE, '23 h 59 min'],
    [DAY, '1 d'],
    [DAY + 3 * HOUR + 59 * MINUTE, '1 d 3 h'],
    // Beyond a month, where dayjs's own days()/hours() count from its 30.4-day months.
    [45 * DAY + 3 * HOUR, '45 d 3 h'],
    [400 * DAY + 5 * HOUR, '400 d 5 h'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

import { dailyTimeOfDay } from '../../src/core/daily-time-of-day';

describe('dailyTimeOfDay', () => {
  it.each([
    ['0 30 2 * * ? *', { hour: 2, minute: 30, second: 0 }],
    ['0 30 2 ? * * *', { hour: 2, minute: 30, second: 0 }],
    ['15 5 23 * * ?', { hour: 23, minute: 5, second: 15 }],
    ['00 00 00 * * ? *', { hour: 0, minute: 0, second: 0 }],
    ['0 0 6 */1 * ? *', { hour: 6, minute: 0, second: 0 }],
    ['0 0 6 1/1 * ? *', { hour: 6, minute: 0, second: 0 }],
    ['0 0 6 ? * 1-7 *', { hour: 6, minute: 0, second: 0 }],
    ['0 0 6 ? * sun-sat', { hour: 6, minute: 0, second: 0 }],
    ['  0  30  2  *  *  ?  *  ', { hour: 2, minute: 30, second: 0 }],
  ])('reads %j as daily', (freq, time) => {
    expect(dailyTimeOfDay(freq)).toEqual(time);
  });

  it.each([
    [undefined],
    [''],
    ['0 30 2 * *'],
    ['0 30 2 * * ? * *'],
    ['0 0/30 * * * ? *'],
    ['0 0 * * * ? *'],
    ['0 0 2,14 * * ? *'],
    ['0 0 2-4 * * ? *'],
    ['0 0 2 ? * MON-FRI *'],
    ['0 0 2 ? * 2 *'],
    ['0 0 2 1 * ? *'],
    ['0 0 2 L * ? *'],
    ['0 0 2 * 1 ? *'],
    ['0 0 2 * * ? 2026'],
    ['0 60 2 * * ? *'],
    ['0 0 24 * * ? *'],
    ['60 0 2 * * ? *'],
    ['@daily'],
  ])('does not read %j as daily', (freq) => {
    expect(dailyTimeOfDay(freq)).toBeUndefined();
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import {
  BACKFILL_DEFAULTS,
  type BackfillPlanInput,
  type PlannedRun,
  planBackfill,
} from '../../src/core/plan-backfill';

/** 2026-12-01 05:30 UTC: 13:30 in Shanghai, 06:30 in Berlin, 00:30 in New York. */
const NOW = Date.UTC(2026, 11, 1, 5, 30);
const DAILY_0230 = '0 30 2 * * ? *';

function date(text: string) {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

function input(overrides: Partial<BackfillPlanInput> & { from?: string; to?: string }): BackfillPlanInput {
  const { from = '2026-11-01', to = from, ...rest } = overrides;
  return {
    range: { kind: 'dates', from: date(from), to: date(to) },
    callerZone: 'Europe/Berlin',
    serverZone: 'Asia/Shanghai',
    now: NOW,
    calDtOffsetDays: BACKFILL_DEFAULTS.calDtOffsetDays,
    maxRuns: BACKFILL_DEFAULTS.maxRuns,
    freq: DAILY_0230,
    order: 'oldest-first',
    ...rest,
  };
}

function runs(overrides: Parameters<typeof input>[0]): PlannedRun[] {
  const result = planBackfill(input(overrides));
  if (!result.ok) throw new Error(`expected a plan, got: ${result.refusal.message}`);
  return result.plan.runs;
}

function refusal(overrides: Parameters<typeof input>[0]) {
  const result = planBackfill(input(overrides));
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.plan.runs)}`);
  return result.refusal;
}

/** The parts a reader checks: business date → caller's local time → server's local time. */
function table(planned: PlannedRun[]): string[] {
  return planned.map((run) => `${run.businessDate} → ${run.local} → ${run.serverLocal}`);
}

describe('planBackfill: the worked example of docs/backfill.md', () => {
  it('maps 2026-11-01..07 to 02:30 Shanghai time the next day, 19:30 in Berlin the same day', () => {
    const result = planBackfill(input({ to: '2026-11-07' }));
    expect(result).toEqual({
      ok: true,
      plan: {
        runs: expect.any(Array),
        timeOfDay: { source: 'flow', hour: 2, minute: 30, second: 0 },
        zone: 'Europe/Berlin',
        serverZone: 'Asia/Shanghai',
        calDtOffsetDays: 1,
      },
    });
    if (!result.ok) return;
    expect(result.plan.runs[0]).toEqual({
      businessDate: '2026-11-01',
      triggerTime: Date.UTC(2026, 10, 1, 18, 30),
      local: '2026-11-01 19:30',
      serverLocal: '2026-11-02 02:30',
    });
    expect(table(result.plan.runs)).toEqual([
      '2026-11-01 → 2026-11-01 19:30 → 2026-11-02 02:30',
      '2026-11-02 → 2026-11-02 19:30 → 2026-11-03 02:30',
      '2026-11-03 → 2026-11-03 19:30 → 2026-11-04 02:30',
      '2026-11-04 → 2026-11-04 19:30 → 2026-11-05 02:30',
      '2026-11-05 → 2026-11-05 19:30 → 2026-11-06 02:30',
      '2026-11-06 → 2026-11-06 19:30 → 2026-11-07 02:30',
      '2026-11-07 → 2026-11-07 19:30 → 2026-11-08 02:30',
    ]);
    expect(result.plan.runs.map((run) => run.triggerTime)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((day) => Date.UTC(2026, 10, day, 18, 30)),
    );
  });

  it('runs newest first when asked', () => {
    expect(runs({ to: '2026-11-03', order: 'newest-first' }).map((run) => run.businessDate)).toEqual([
      '2026-11-03',
      '2026-11-02',
      '2026-11-01',
    ]);
  });
});

describe('planBackfill: the time of day', () => {
  it('takes the seconds of the flow cron, and shows them', () => {
    expect(table(runs({ freq: '15 5 23 ? * * *' }))).toEqual([
      '2026-11-01 → 2026-11-02 16:05:15 → 2026-11-02 23:05:15',
    ]);
  });

  it.each([
    ['no cron', undefined],
    ['an hourly cron', '0 0 * * * ? *'],
    ['a weekday cron', '0 30 2 ? * MON-FRI *'],
    ['a monthly cron', '0 30 2 1 * ? *'],
    ['a malformed cron', 'daily at 2'],
  ])('runs at 00:00 server time with %s', (_name, freq) => {
    const result = planBackfill(input({ freq }));
    expect(result).toMatchObject({ ok: true, plan: { timeOfDay: { source: 'midnight' } } });
    if (result.ok)
      expect(table(result.plan.runs)).toEqual(['2026-11-01 → 2026-11-01 17:00 → 2026-11-02 00:00']);
  });

  it('reads `at` in the caller zone, and in a named zone instead', () => {
    expect(table(runs({ at: { hour: 9, minute: 0 }, from: '2026-10-31' }))).toEqual([
      '2026-10-31 → 2026-11-01 09:00 → 2026-11-01 16:00',
    ]);
    const named = planBackfill(input({ at: { hour: 9, minute: 0 }, zone: 'UTC', from: '2026-10-31' }));
    expect(named).toMatchObject({
      ok: true,
      plan: { zone: 'UTC', timeOfDay: { source: 'at', hour: 9, minute: 0, zone: 'UTC' } },
    });
    if (named.ok)
      expect(table(named.plan.runs)).toEqual(['2026-10-31 → 2026-11-01 09:00 → 2026-11-01 17:00']);
  });
});

describe('planBackfill: daylight saving', () => {
  it('Europe/Berlin server: the cron time in the spring-forward gap runs at the first moment after the jump', () => {
    expect(
      table(
        runs({
          serverZone: 'Europe/Berlin',
          freq: '0 30 2 * * ?',
          from: '2026-03-27',
          to: '2026-03-29',
          now: Date.UTC(2026, 4, 1),
        }),
      ),
    ).toEqual([
      '2026-03-27 → 2026-03-28 02:30 → 2026-03-28 02:30',
      '2026-03-28 → 2026-03-29 03:00 → 2026-03-29 03:00',
      '2026-03-29 → 2026-03-30 02:30 → 2026-03-30 02:30',
    ]);
  });

  it('Europe/Berlin server: the cron time in the fall-back overlap is its first occurrence', () => {
    const planned = runs({
      serverZone: 'Europe/Berlin',
      freq: '0 30 2 * * ?',
      from: '2026-10-24',
      to: '2026-10-25',
      zone: 'UTC',
    });
    expect(planned.map((run) => run.triggerTime)).toEqual([
      Date.UTC(2026, 9, 25, 0, 30),
      Date.UTC(2026, 9, 26, 1, 30),
    ]);
    expect(table(planned)).toEqual([
      '2026-10-24 → 2026-10-25 00:30 → 2026-10-25 02:30',
      '2026-10-25 → 2026-10-26 01:30 → 2026-10-26 02:30',
    ]);
  });

  it('refuses an `at` time that does not exist in the caller zone on a trigger date, naming it', () => {
    expect(
      refusal({
        serverZone: 'UTC',
        at: { hour: 2, minute: 30 },
        from: '2026-03-27',
        to: '2026-03-30',
        now: Date.UTC(2026, 4, 1),
      }),
    ).toEqual({
      reason: 'time-does-not-exist',
      businessDate: '2026-03-28',
      message:
        '02:30 on 2026-03-29 (the trigger date of business date 2026-03-28) does not exist in Europe/Berlin: that day the ' +
        "clocks jump forward from 02:00 to 03:00. Pick another time with `at`, or leave `at` out to use the flow's own time.",
    });
  });

  it('takes the first of two `at` times in the caller zone when the clocks go back', () => {
    const planned = runs({ serverZone: 'UTC', at: { hour: 2, minute: 30 }, from: '2026-10-24' });
    expect(planned).toEqual([
      {
        businessDate: '2026-10-24',
        triggerTime: Date.UTC(2026, 9, 25, 0, 30),
        local: '2026-10-25 02:30',
        serverLocal: '2026-10-25 00:30',
      },
    ]);
  });

  it('America/New_York caller, GMT+8 server: the server time stays, the caller reading moves an hour on 1 November', () => {
    expect(
      table(
        runs({ callerZone: 'America/New_York', serverZone: 'GMT+8', from: '2026-10-30', to: '2026-11-02' }),
      ),
    ).toEqual([
      '2026-10-30 → 2026-10-30 14:30 → 2026-10-31 02:30',
      '2026-10-31 → 2026-10-31 14:30 → 2026-11-01 02:30',
      '2026-11-01 → 2026-11-01 13:30 → 2026-11-02 02:30',
      '2026-11-02 → 2026-11-02 13:30 → 2026-11-03 02:30',
    ]);
  });

  it('America/New_York caller with `at`: each date keeps the local time across the switch, so the instants move', () => {
    const planned = runs({
      callerZone: 'America/New_York',
      serverZone: 'GMT+8',
      at: { hour: 8, minute: 0 },
      from: '2026-10-30',
      to: '2026-10-31',
    });
    expect(planned.map((run) => run.triggerTime)).toEqual([
      Date.UTC(2026, 9, 31, 12),
      Date.UTC(2026, 10, 1, 13),
    ]);
    expect(table(planned)).toEqual([
      '2026-10-30 → 2026-10-31 08:00 → 2026-10-31 20:00',
      '2026-10-31 → 2026-11-01 08:00 → 2026-11-01 21:00',
    ]);
  });
});

describe('planBackfill: `at` that lands on another server date', () => {
  it('refuses New York 23:00 against a GMT+8 server, and says which times fit', () => {
    expect(
      refusal({
        callerZone: 'America/New_York',
        serverZone: 'GMT+8',
        at: { hour: 23, minute: 0 },
        to: '2026-11-07',
      }),
    ).toEqual({
      reason: 'other-server-date',
      businessDate: '2026-11-01',
      message:
        'At 23:00 in America/New_York, the run for business date 2026-11-01 would be triggered at 2026-11-03 12:00 server ' +
        'time (UTC+08:00): on 2026-11-03, not 2026-11-02, so `${cal_dt}` would be 2026-11-02 instead of 2026-11-01. ' +
        "Pick `at 10:59` or earlier, or leave `at` out to use the flow's own time.",
    });
  });

  it('refuses Kiritimati (UTC+14) 05:00 against a GMT+8 server, and says which times fit', () => {
    expect(
      refusal({ callerZone: 'Pacific/Kiritimati', serverZone: 'GMT+8', at: { hour: 5, minute: 0 } }),
    ).toEqual({
      reason: 'other-server-date',
      businessDate: '2026-11-01',
      message:
        'At 05:00 in Pacific/Kiritimati, the run for business date 2026-11-01 would be triggered at 2026-11-01 23:00 server ' +
        'time (UTC+08:00): on 2026-11-01, not 2026-11-02, so `${cal_dt}` would be 2026-10-31 instead of 2026-11-01. ' +
        "Pick `at 06:00` or later, or leave `at` out to use the flow's own time.",
    });
    expect(
      table(runs({ callerZone: 'Pacific/Kiritimati', serverZone: 'GMT+8', at: { hour: 6, minute: 0 } })),
    ).toEqual(['2026-11-01 → 2026-11-02 06:00 → 2026-11-02 00:00']);
  });
});

describe('planBackfill: server zones', () => {
  it.each([
    ['GMT+8', 'UTC+08:00', Date.UTC(2026, 10, 1, 18, 30)],
    ['UTC+08:00', 'UTC+08:00', Date.UTC(2026, 10, 1, 18, 30)],
    ['+05:30', 'UTC+05:30', Date.UTC(2026, 10, 1, 21, 0)],
    ['GMT-3:30', 'UTC-03:30', Date.UTC(2026, 10, 2, 6, 0)],
    ['Etc/GMT-8', 'Etc/GMT-8', Date.UTC(2026, 10, 1, 18, 30)],
    ['UTC', 'UTC', Date.UTC(2026, 10, 2, 2, 30)],
  ])('%s', (serverZone, shown, triggerTime) => {
    const result = planBackfill(input({ serverZone }));
    expect(result).toMatchObject({
      ok: true,
      plan: { serverZone: shown, runs: [{ triggerTime, serverLocal: '2026-11-02 02:30' }] },
    });
  });

  it('refuses a server zone it cannot read, saying who fixes it', () => {
    expect(refusal({ serverZone: 'GMT+99' })).toEqual({
      reason: 'invalid-server-zone',
      message:
        "The EnOS server's time zone `GMT+99` is not known, so the trigger dates cannot be computed. An admin should set " +
        'ENOS_SERVER_TIMEZONE to an IANA zone such as `Asia/Shanghai`, or an offset such as `GMT+8`.',
    });
  });
});

describe('planBackfill: calendar edges', () => {
  it('crosses a year end', () => {
    expect(
      table(
        runs({
          serverZone: 'UTC',
          zone: 'UTC',
          from: '2026-12-30',
          to: '2027-01-01',
          now: Date.UTC(2027, 1, 1),
        }),
      ),
    ).toEqual([
      '2026-12-30 → 2026-12-31 02:30 → 2026-12-31 02:30',
      '2026-12-31 → 2027-01-01 02:30 → 2027-01-01 02:30',
      '2027-01-01 → 2027-01-02 02:30 → 2027-01-02 02:30',
    ]);
  });

  it('crosses a leap day and a month end, with offsets 0 and 2', () => {
    const base = {
      serverZone: 'UTC',
      zone: 'UTC',
      from: '2028-02-28',
      to: '2028-03-01',
      now: Date.UTC(2028, 3, 1),
    };
    expect(runs(base).map((run) => run.serverLocal)).toEqual([
      '2028-02-29 02:30',
      '2028-03-01 02:30',
      '2028-03-02 02:30',
    ]);
    expect(runs({ ...base, calDtOffsetDays: 0 }).map((run) => run.serverLocal)).toEqual([
      '2028-02-28 02:30',
      '2028-02-29 02:30',
      '2028-03-01 02:30',
    ]);
    expect(runs({ ...base, calDtOffsetDays: 2 }).map((run) => run.serverLocal)).toEqual([
      '2028-03-01 02:30',
      '2028-03-02 02:30',
      '2028-03-03 02:30',
    ]);
  });

  it('crosses a month end of 30 days in a non-leap February year', () => {
    expect(runs({ from: '2026-04-29', to: '2026-05-01' }).map((run) => run.serverLocal)).toEqual([
      '2026-04-30 02:30',
      '2026-05-01 02:30',
      '2026-05-02 02:30',
    ]);
  });
});

describe('planBackfill: last N days', () => {
  it('are the N dates before today in the caller zone', () => {
    // 05:30 UTC is already 1 December in Auckland (UTC+13) but still 30 November in Los Angeles.
    const last3 = { range: { kind: 'last' as const, days: 3 }, serverZone: 'UTC' };
    expect(
      runs({ ...last3, callerZone: 'Pacific/Auckland', freq: '0 0 1 * * ?' }).map((run) => run.businessDate),
    ).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    expect(runs({ ...last3, callerZone: 'America/Los_Angeles' }).map((run) => run.businessDate)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
    expect(
      runs({ ...last3, zone: 'America/Los_Angeles', callerZone: 'Pacific/Auckland' }).map(
        (run) => run.businessDate,
      ),
    ).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
  });

  it('refuses yesterday when its trigger time has not come yet, naming it', () => {
    // Yesterday (30 November) triggers on 1 December at 14:00 Shanghai time: 06:00 UTC, after NOW.
    expect(refusal({ range: { kind: 'last', days: 7 }, freq: '0 0 14 * * ?' })).toEqual({
      reason: 'not-past',
      businessDate: '2026-11-30',
      message:
        'The run for business date 2026-11-30 would be triggered at 2026-12-01 14:00 server time (Asia/Shanghai), ' +
        '2026-12-01 07:00 in Europe/Berlin, which has not passed yet: a backfill only re-runs dates whose time has come. ' +
        'End the range at 2026-11-29, or wait until then.',
    });
  });
});

describe('planBackfill: refusals', () => {
  it('from after to', () => {
    expect(refusal({ from: '2026-11-07', to: '2026-11-01' })).toEqual({
      reason: 'from-after-to',
      message:
        'The range runs backwards: 2026-11-07 is after 2026-11-01. Put the earlier date first: `2026-11-01 to 2026-11-07`.',
    });
  });

  it('a date more than 366 days back, and not one exactly 366 days back', () => {
    // Today is 2026-12-01 in Berlin; 366 days before is 2025-11-30.
    expect(refusal({ from: '2025-11-29', to: '2025-11-30' })).toEqual({
      reason: 'too-far-back',
      businessDate: '2025-11-29',
      message:
        '2025-11-29 is more than 366 days back: a backfill reaches back to 2025-11-30 at most (today is 2026-12-01 in ' +
        'Europe/Berlin). Start the range on that date or later.',
    });
    expect(runs({ from: '2025-11-30' }).map((run) => run.businessDate)).toEqual(['2025-11-30']);
    expect(refusal({ range: { kind: 'last', days: 367 } })).toEqual({
      reason: 'too-far-back',
      message:
        '`last 367 days` reaches more than 366 days back; a backfill goes back 366 days at most. Ask for fewer days.',
    });
  });

  it('more runs than allowed, by the variable or by a policy', () => {
    expect(refusal({ from: '2026-01-01', to: '2026-04-11' })).toEqual({
      reason: 'too-many-runs',
      message:
        'That is 101 business dates, and a backfill runs at most 100 (BACKFILL_MAX_RUNS). Split it: ' +
        '`2026-01-01 to 2026-04-10` first, then the rest.',
    });
    expect(runs({ from: '2026-01-01', to: '2026-04-10' })).toHaveLength(100);
    expect(
      refusal({ to: '2026-11-07', maxRuns: 5, maxRunsSource: 'the policy rule “prod loads”' }).message,
    ).toBe(
      'That is 7 business dates, and a backfill runs at most 5 (the policy rule “prod loads”). Split it: ' +
        '`2026-11-01 to 2026-11-05` first, then the rest.',
    );
  });

  it('a trigger time not past by more than a minute, naming the first such date', () => {
    const at = (minutesAgo: number) => NOW - minutesAgo * 60_000;
    // 2026-11-30 triggers at 2026-12-01 00:00 server time: 2026-11-30 16:00 UTC.
    const last = Date.UTC(2026, 10, 30, 16);
    const base = { from: '2026-11-29', to: '2026-11-30', freq: undefined };
    expect(runs({ ...base, now: last + 60_000 })).toHaveLength(2);
    expect(refusal({ ...base, now: last + 59_999 })).toMatchObject({
      reason: 'not-past',
      businessDate: '2026-11-30',
    });
    expect(refusal({ ...base, now: last - 86_400_000 })).toEqual({
      reason: 'not-past',
      businessDate: '2026-11-29',
      message:
        'The run for business date 2026-11-29 would be triggered at 2026-11-30 00:00 server time (Asia/Shanghai), ' +
        '2026-11-29 17:00 in Europe/Berlin, which has not passed yet: a backfill only re-runs dates whose time has come. ' +
        'Wait until then, or pick earlier dates.',
    });
    expect(refusal({ from: '2026-12-05', now: at(0) })).toMatchObject({
      reason: 'not-past',
      businessDate: '2026-12-05',
    });
  });

  it.each([
    [
      { callerZone: 'Mars/Olympus' },
      'invalid-zone',
      '`Mars/Olympus` is not a known time zone. Use an IANA zone such as `Europe/Berlin`, or `UTC`.',
    ],
    [
      { calDtOffsetDays: -1 },
      'invalid-settings',
      'BACKFILL_CAL_DT_OFFSET_DAYS is -1; it must be a whole number of days from 0 to 366. An admin should fix it.',
    ],
    [
      { calDtOffsetDays: 1.5 },
      'invalid-settings',
      'BACKFILL_CAL_DT_OFFSET_DAYS is 1.5; it must be a whole number of days from 0 to 366. An admin should fix it.',
    ],
    [
      { maxRuns: 0 },
      'invalid-settings',
      'No backfill may run: the limit of runs (BACKFILL_MAX_RUNS) is 0. An admin should raise it to 1 or more.',
    ],
    [
      { at: { hour: 24, minute: 0 } },
      'invalid-time',
      '`at 24:00` is not a time of day: the hour must be 00 to 23. Give HH:MM, like `at 02:00`.',
    ],
    [
      { range: { kind: 'last' as const, days: 0 } },
      'invalid-range',
      '`last 0 days` is not a number of days: give a whole number, 1 or more.',
    ],
    [
      { from: '2026-02-29' },
      'invalid-range',
      '2026-02-29 is not a date: February 2026 has 28 days. Give dates as YYYY-MM-DD.',
    ],
    [
      { now: Number.NaN },
      'invalid-settings',
      'The current time is not known, so no backfill can be planned.',
    ],
  ])('%j', (overrides, reason, message) => {
    expect(refusal(overrides)).toEqual({ reason, message });
  });
});

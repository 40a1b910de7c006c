// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import { LIMITS } from '../../src/core/limits';
import { type BackfillRequest, parseBackfill } from '../../src/core/parse-backfill';
import type { UsageError } from '../../src/core/parse-usage-error';

function backfill(text: string): BackfillRequest {
  const result = parseBackfill(text);
  if (!result.ok)
    throw new Error(`expected a backfill for ${JSON.stringify(text)}, got: ${result.error.message}`);
  return result.backfill;
}

function usage(text: string): UsageError {
  const result = parseBackfill(text);
  if (result.ok)
    throw new Error(`expected a usage error for ${JSON.stringify(text)}, got ${JSON.stringify(result)}`);
  return result.error;
}

const NOV_1 = { year: 2026, month: 11, day: 1 };
const NOV_7 = { year: 2026, month: 11, day: 7 };

describe('parseBackfill: the examples of docs/backfill.md', () => {
  it('reads a range of dates with a parameter', () => {
    expect(backfill('3377 2026-11-01 to 2026-11-07 REPLACE=ddee')).toEqual({
      flowId: 3377,
      range: { kind: 'dates', from: NOV_1, to: NOV_7 },
      order: 'oldest-first',
      onFailure: 'stop',
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
  });

  it('reads last N days with every option', () => {
    expect(backfill('3377 last 7 days at 02:00 newest first keep going')).toEqual({
      flowId: 3377,
      range: { kind: 'last', days: 7 },
      at: { hour: 2, minute: 0 },
      order: 'newest-first',
      onFailure: 'keep-going',
      parameters: [],
    });
  });
});

describe('parseBackfill: ranges', () => {
  it('takes a single date as a range of one', () => {
    expect(backfill('3377 2024-02-29').range).toEqual({
      kind: 'dates',
      from: { year: 2024, month: 2, day: 29 },
      to: { year: 2024, month: 2, day: 29 },
    });
  });

  it('takes `last 1 day` and `last 1 days`', () => {
    expect(backfill('3377 last 1 day').range).toEqual({ kind: 'last', days: 1 });
    expect(backfill('3377 LAST 1 DAYS').range).toEqual({ kind: 'last', days: 1 });
  });

  it('leaves from-after-to to the planner, which knows the reason to give', () => {
    expect(backfill('3377 2026-11-07 to 2026-11-01').range).toEqual({
      kind: 'dates',
      from: NOV_7,
      to: NOV_1,
    });
  });

  it.each([
    [
      '3377',
      'The business dates are missing after the flow id. Expected a date, two dates (`2026-11-01 to 2026-11-07`) or `last 7 days`, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      '3377',
    ],
    [
      '3377 at 02:00',
      'The business dates are missing: they come right after the flow id, before `at`. Expected a date, two dates (`2026-11-01 to 2026-11-07`) or `last 7 days`, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      'at',
    ],
    [
      '3377 from 2026-11-01 to 2026-11-07',
      'Leave out `from`: the first business date comes right after the flow id, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      'from',
    ],
    [
      '3377 2026-02-30',
      '`2026-02-30` is not a date: February 2026 has 28 days. Expected YYYY-MM-DD, like `on 2026-11-30 at 14:00`.',
      '2026-02-30',
    ],
    [
      '3377 2026-11-01 to',
      '`to` must be followed by the last business date. Expected `2026-11-01 to YYYY-MM-DD`.',
      'to',
    ],
    [
      '3377 2026-11-01 to next',
      '`to` must be followed by the last business date. `next` is not one. Expected `2026-11-01 to YYYY-MM-DD`.',
      'next',
    ],
    [
      '3377 2026-11-01 to 2026-13-01',
      '`2026-13-01` is not a date: the month must be 01 to 12. Expected YYYY-MM-DD, like `on 2026-11-30 at 14:00`.',
      '2026-13-01',
    ],
    [
      '3377 last',
      '`last` must be followed by a number of days. Expected `last N days`, like `last 7 days`.',
      'last',
    ],
    [
      '3377 last week',
      '`last` must be followed by a number of days. Expected `last N days`, like `last 7 days`.',
      'week',
    ],
    [
      '3377 last 0 days',
      '`0` is not a number of days: give 1 or more. Expected `last N days`, like `last 7 days`.',
      '0',
    ],
    ['3377 last 7', '`last 7` must be followed by `days`. Expected `last N days`, like `last 7 days`.', '7'],
    [
      '3377 last 7 weeks',
      '`last 7` must be followed by `days`. Expected `last N days`, like `last 7 days`.',
      'weeks',
    ],
    [
      '3377 2026-11-01 2026-11-07',
      '`2026-11-07` comes after the range: a backfill takes one range, right after the flow id. Expected a date, two dates (`2026-11-01 to 2026-11-07`) or `last 7 days`, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      '2026-11-07',
    ],
  ])('refuses %j', (text, message, token) => {
    expect(usage(text)).toEqual({ message, token });
  });
});

describe('parseBackfill: options', () => {
  it('takes them in any order, a zone on its own too', () => {
    expect(backfill('3377 2026-11-01 keep going Europe/Berlin at 9:05 newest first K=v')).toEqual({
      flowId: 3377,
      range: { kind: 'dates', from: NOV_1, to: NOV_1 },
      at: { hour: 9, minute: 5 },
      zone: 'Europe/Berlin',
      order: 'newest-first',
      onFailure: 'keep-going',
      parameters: [{ key: 'K', value: 'v' }],
    });
    expect(backfill('3377 2026-11-01 utc').zone).toBe('UTC');
  });

  it.each([
    [
      '3377 2026-11-01 at',
      '`at` must be followed by a time of day. Expected HH:MM on a 24-hour clock, like `at 02:00`: the dates come from the range.',
      'at',
    ],
    [
      '3377 2026-11-01 at 2026-11-02 02:00',
      'In a backfill, `at` takes a time of day, not a date (`2026-11-02`). Expected HH:MM on a 24-hour clock, like `at 02:00`: the dates come from the range.',
      '2026-11-02',
    ],
    [
      '3377 2026-11-01 at 25:00',
      '`25:00` is not a time of day: the hour must be 00 to 23. Expected HH:MM on a 24-hour clock, like `at 14:00` or `at 9:05`.',
      '25:00',
    ],
    [
      '3377 2026-11-01 at 02:00 at 03:00',
      'The time of day is given twice (`at 03:00`): give each option once.',
      'at 03:00',
    ],
    [
      '3377 2026-11-01 UTC Europe/Berlin',
      'The zone is given twice (`Europe/Berlin`): give each option once.',
      'Europe/Berlin',
    ],
    [
      '3377 2026-11-01 newest first oldest first',
      'The order is given twice (`oldest first`): give each option once.',
      'oldest first',
    ],
    [
      '3377 2026-11-01 keep going keep going',
      'The choice on failure is given twice (`keep going`): give each option once.',
      'keep going',
    ],
    [
      '3377 2026-11-01 Europe/Berlim',
      '`Europe/Berlim` is not a known time zone. Expected an IANA zone such as `Europe/Berlin` or `America/New_York`, or `UTC`.',
      'Europe/Berlim',
    ],
  ])('refuses %j', (text, message, token) => {
    expect(usage(text)).toEqual({ message, token });
  });
});

describe('parseBackfill: parameters', () => {
  it('passes values through verbatim, quotes and Slack escaping undone', () => {
    expect(backfill('3377 last 2 days DAY=${cal_dt} NOTE="rerun after fix" Q=a&amp;b').parameters).toEqual([
      { key: 'DAY', value: '${cal_dt}' },
      { key: 'NOTE', value: 'rerun after fix' },
      { key: 'Q', value: 'a&b' },
    ]);
  });

  it.each([
    ['3377 2026-11-01 02:00', '`02:00` is not a parameter. Did you mean `at 02:00`?', '02:00'],
    [
      '3377 2026-11-01 K=v newest first',
      '`newest` comes after the parameters: options (`at HH:MM`, a zone, `newest first`, `keep going`) go between the range and the parameters.',
      'newest',
    ],
    [
      '3377 2026-11-01 K=v at 02:00',
      '`at` comes after the parameters: options (`at HH:MM`, a zone, `newest first`, `keep going`) go between the range and the parameters.',
      'at',
    ],
    ['3377 2026-11-01 newest', '`newest` is not a parameter. Did you mean `newest first`?', 'newest'],
    ['3377 2026-11-01 keep on', '`keep` is not a parameter. Did you mean `keep going`?', 'keep'],
    [
      '3377 2026-11-01 tomorrow',
      "`tomorrow` is not a backfill option. A backfill's options are `at HH:MM`, a zone, `newest first`, `keep going`; its dates come from the range, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.",
      'tomorrow',
    ],
    [
      '3377 2026-11-01 sometimes',
      '`sometimes` is not a parameter. After the range come the options (`at HH:MM`, a zone, `newest first`, `keep going`), then KEY=VALUE parameters.',
      'sometimes',
    ],
    [
      '3377 2026-11-01 K = v',
      '`K` is not a parameter. Write a parameter without spaces around `=`, like REPLACE=ddee.',
      'K',
    ],
    [
      '3377 2026-11-01 NOTE=rerun after',
      '`after` is not a parameter. If it belongs to the value of `NOTE`, put the whole value in quotes: `NOTE="a b"`.',
      'after',
    ],
    ['3377 2026-11-01 K=1 K=2', 'The parameter `K` is given twice: give each parameter once.', 'K=2'],
    [
      '3377 2026-11-01 K="a b',
      'The quote " is never closed (in `K="a`). Close it with a matching quote before the next space or the end, like `KEY="a b"`.',
      'K="a',
    ],
  ])('refuses %j', (text, message, token) => {
    expect(usage(text)).toEqual({ message, token });
  });
});

describe('parseBackfill: the flow id and the length', () => {
  it.each([
    [
      '',
      '`backfill` needs a flow id and the business dates. Expected `backfill <flowId> <from> [to <to>] [at HH:MM] [zone] [newest first] [keep going] [KEY=VALUE …]`, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      undefined,
    ],
    [
      'daily 2026-11-01',
      '`daily` is not a flow id. A backfill starts with the flow id, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      'daily',
    ],
    [
      '0 2026-11-01',
      '`0` is not a flow id: flow ids start at 1. A backfill starts with the flow id, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      '0',
    ],
    [
      '99999999999999999999 2026-11-01',
      '`99999999999999999999` is too large to be a flow id. A backfill starts with the flow id, like `/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`.',
      '99999999999999999999',
    ],
  ])('refuses %j', (text, message, token) => {
    expect(usage(text)).toEqual(token === undefined ? { message } : { message, token });
  });

  it('refuses a text over the limit before reading it', () => {
    const text = `3377 2026-11-01 K=${'x'.repeat(LIMITS.maxTextLength)}`;
    expect(usage(text).message).toBe(
      `The command is too long (${(text.length).toLocaleString('en-US')} characters; the limit is 3,000). Give fewer parameters.`,
    );
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import fc from 'fast-check';
import { LIMITS } from '../../src/core/limits';
import { type BackfillRequest, parseBackfill } from '../../src/core/parse-backfill';
import { validateParameterValue } from '../../src/core/parse-parameter';
import { formatDate, formatTime, type LocalDate } from '../../src/core/time-calendar';
import { unescapeSlackText } from '../../src/core/unescape-slack-text';
import { encodeParameter } from './encode-parameter';

const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/);
const value = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.stringMatching(/^[ a-z"'“”‘’&<>=${}\u00a0]{0,20}$/),
    fc.constantFrom('${cal_dt}', 'a b', '', 'newest first', 'keep going', 'at 02:00', '2026-11-01', 'x"'),
  )
  .filter((candidate) => validateParameterValue(candidate) === undefined);
const parameterList = fc.uniqueArray(fc.record({ key, value }), {
  selector: (parameter) => parameter.key,
  maxLength: 8,
});
const separator = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0');
const date: fc.Arbitrary<LocalDate> = fc
  .date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true })
  .map((d) => ({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }));
const range = fc.oneof(
  date.map((d) => ({ text: formatDate(d), range: { kind: 'dates' as const, from: d, to: d } })),
  fc.tuple(date, date).map(([from, to]) => ({
    text: `${formatDate(from)} to ${formatDate(to)}`,
    range: { kind: 'dates' as const, from, to },
  })),
  fc.integer({ min: 1, max: 10_000 }).map((days) => ({
    text: `last ${days} ${days === 1 ? 'day' : 'days'}`,
    range: { kind: 'last' as const, days },
  })),
);
/** Each option with what it sets, so that any subset in any order can be checked. */
const option = fc.oneof(
  fc
    .record({ hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }) })
    .map((at) => ({ text: `at ${formatTime(at)}`, set: { at } as Partial<BackfillRequest> })),
  fc
    .constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Shanghai', 'Etc/GMT-8')
    .map((zone) => ({ text: zone, set: { zone } as Partial<BackfillRequest> })),
  fc.constantFrom(
    { text: 'newest first', set: { order: 'newest-first' } as Partial<BackfillRequest> },
    { text: 'oldest first', set: { order: 'oldest-first' } as Partial<BackfillRequest> },
  ),
  fc.constant({ text: 'keep going', set: { onFailure: 'keep-going' } as Partial<BackfillRequest> }),
);
const options = fc.uniqueArray(option, { selector: (o) => Object.keys(o.set)[0], maxLength: 4 });

const piece = fc.oneof(
  fc.constantFrom(
    '3377',
    '0',
    'last',
    '7',
    'days',
    'day',
    'to',
    'at',
    'from',
    'newest',
    'oldest',
    'first',
    'keep',
    'going',
    '02:00',
    '25:00',
    '2026-11-01',
    '2026-02-30',
    'UTC',
    'Europe/Berlin',
    'Nope/Zone',
    'K=v',
    'K="a b"',
    'K="a',
    '=v',
    '=',
    '"',
    '“',
    '<@U1|a>',
    '&amp;',
  ),
  fc.string({ maxLength: 6 }),
);
const soup = fc
  .array(fc.tuple(piece, fc.oneof(separator, fc.constant(''))), { maxLength: 12 })
  .map((parts) => parts.map(([text, gap]) => text + gap).join(''));
const start = fc.constantFrom(
  '',
  '3377 ',
  '3377 2026-11-01 ',
  '3377 last 7 days ',
  '3377 2026-11-01 to 2026-11-07 ',
);
const anyText = fc.oneof(
  fc.tuple(start, soup).map(([head, tail]) => head + tail),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('parseBackfill properties', () => {
  it('never throws; an error has a message ending a sentence and names a token the user typed', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseBackfill(text);
        if (result.ok) return;
        expect(result.error.message).toMatch(/[.?]$/);
        if (result.error.token !== undefined) {
          expect(result.error.token.length).toBeGreaterThan(0);
          expect(unescapeSlackText(text)).toContain(result.error.token);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads any range, any options in any order, and KEY=VALUE lists exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        range,
        options,
        parameterList,
        separator,
        (flowId, asked, chosen, list, gap) => {
          const encoded = list.map(encodeParameter);
          fc.pre(encoded.every((token) => token !== undefined));
          const words = [String(flowId), asked.text, ...chosen.map((o) => o.text), ...(encoded as string[])];
          const text = words.join(gap);
          fc.pre(text.length <= LIMITS.maxTextLength);
          const expected: BackfillRequest = {
            flowId,
            range: asked.range,
            order: 'oldest-first',
            onFailure: 'stop',
            parameters: list,
            ...Object.assign({}, ...chosen.map((o) => o.set)),
          };
          expect(parseBackfill(text)).toEqual({ ok: true, backfill: expected });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses any option given twice, pointing at the second', () => {
    fc.assert(
      fc.property(option, option, (first, second) => {
        fc.pre(Object.keys(first.set)[0] === Object.keys(second.set)[0]);
        const result = parseBackfill(`3377 2026-11-01 ${first.text} ${second.text}`);
        expect(result).toMatchObject({ ok: false, error: { token: second.text } });
        if (!result.ok) expect(result.error.message).toContain('given twice');
      }),
    );
  });

  it('reads keywords in any letter case', () => {
    const text = fc.constantFrom(
      '3377 last 7 days at 02:00 newest first keep going',
      '3377 2026-11-01 to 2026-11-07 oldest first utc',
      '3377 last 1 day keep going',
    );
    fc.assert(
      fc.property(text, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (lower, upper) => {
        const mixed = [...lower].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
        expect(parseBackfill(mixed)).toEqual(parseBackfill(lower));
      }),
    );
  });
});

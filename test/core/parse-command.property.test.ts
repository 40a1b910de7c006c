// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import fc from 'fast-check';
import { LIMITS } from '../../src/core/limits';
import { parseCommand, parseParameterLines, validateParameterValue } from '../../src/core/parse-command';
import type { FlowParameter } from '../../src/core/ports';
import { quoteFamily } from '../../src/core/tokenize-command';
import { unescapeSlackText } from '../../src/core/unescape-slack-text';
import { encodeParameter } from './encode-parameter';

const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/);
// Values a person can type: any text without line breaks or control characters, including
// quotes, apostrophes, `&`, `<`, `>`, `=`, `${…}`, non-breaking spaces and emoji.
const value = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.stringMatching(/^[ a-z"'“”‘’&<>=${}\u00a0]{0,20}$/),
    fc.constantFrom('${cal_dt}', 'a b', '', ' ', '"', "it's", 'x"', '&amp;', '<@U1|a>', 'a=b'),
  )
  .filter((candidate) => validateParameterValue(candidate) === undefined);
const parameterList = fc.uniqueArray(fc.record({ key, value }), {
  selector: (parameter) => parameter.key,
  maxLength: 12,
});
const separator = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', ' \u00a0\n ');
const whenText = fc.constantFrom(
  '',
  'now',
  'at 14:00',
  'AT 9:05 Tomorrow',
  'tomorrow 0:00 UTC',
  'on 2026-11-30 at 14:00 Europe/Berlin',
  'in 1h30m',
);

// Pieces of the grammar and of Slack's encoding, to reach deep into the parser.
const piece = fc.oneof(
  fc.constantFrom(
    '3377',
    '0',
    'at',
    'AT',
    'on',
    'in',
    'now',
    'today',
    'tomorrow',
    '14:00',
    '25:00',
    '9:5',
    '2026-02-30',
    '2026-11-30',
    '1h30m',
    'UTC',
    'Europe/Berlin',
    'Nope/Zone',
    'help',
    'whoami',
    'links',
    'link',
    'unlink',
    'status',
    'history',
    'backfills',
    'me',
    '<@U0123|ana>',
    '<@U0123>',
    '@ana',
    '<#C1|ops>',
    '<https://x.y|x.y>',
    '<!here>',
    '<!subteam^S1|@t>',
    'u1542',
    'o1557',
    '3377-2026',
    'K=v',
    'K=',
    '=v',
    'K="a b"',
    'K="a',
    'K=“x y”',
    "K='",
    '&amp;',
    '&lt;',
    '&gt;',
    '"',
    '“',
    '”',
    '‘',
    '’',
    "'",
    '<',
    '>',
    '|',
    '=',
    '${cal_dt}',
    '\u00a0',
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const soup = fc
  .array(fc.tuple(piece, fc.oneof(separator, fc.constant(''))), { maxLength: 12 })
  .map((parts) => parts.map(([text, gap]) => text + gap).join(''));
// Most texts go wrong at the first token; starting some with a command or a flow id (and a time)
// takes the rest of the parser through the soup too.
const start = fc.constantFrom(
  '3377 ',
  '3377 at 14:00 ',
  '3377 tomorrow ',
  'link ',
  'link <@U0123> ',
  'unlink ',
  'status ',
  'history ',
);
const anyText = fc.oneof(
  soup,
  fc.tuple(start, soup).map(([head, tail]) => head + tail),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ maxLength: 80 }),
);

describe('parseCommand properties', () => {
  it('never throws, and gives either a command or a usage error with a message', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseCommand(text);
        if (result.ok) {
          expect(typeof result.command.kind).toBe('string');
        } else {
          expect(result.error.message.length).toBeGreaterThan(0);
          expect(result.error.message).toMatch(/[.?]$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('names a token that occurs in the input (as the user typed it) whenever it names one', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseCommand(text);
        if (!result.ok && result.error.token !== undefined) {
          expect(result.error.token.length).toBeGreaterThan(0);
          expect(unescapeSlackText(text)).toContain(result.error.token);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips generated KEY=VALUE lists, quoted where needed, exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        whenText,
        parameterList,
        separator,
        (flowId, when, list, gap) => {
          const encoded = list.map(encodeParameter);
          fc.pre(encoded.every((token) => token !== undefined));
          const text = [String(flowId), when, ...encoded].filter((part) => part !== '').join(gap);
          fc.pre(text.length <= LIMITS.maxTextLength);
          const result = parseCommand(text);
          expect(result).toMatchObject({ ok: true, command: { kind: 'trigger', flowId, parameters: list } });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads keywords in any letter case', () => {
    const text = fc.constantFrom(
      'help',
      'whoami',
      'links',
      'link me',
      'history 3377',
      'backfills',
      'status 3377-2026',
      '3377 now',
      '3377 at 14:00 tomorrow utc',
      '3377 tomorrow at 9:05',
      '3377 on 2026-11-30 at 14:00',
      '3377 in 1h30m',
    );
    fc.assert(
      fc.property(text, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (lower, upper) => {
        const mixed = [...lower].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
        expect(parseCommand(mixed)).toEqual(parseCommand(lower));
      }),
    );
  });

  it('treats any run of whitespace between tokens alike', () => {
    fc.assert(
      fc.property(fc.array(separator, { minLength: 6, maxLength: 6 }), (gaps) => {
        const words = ['3377', 'at', '14:00', 'tomorrow', 'A="x y"', 'B=2'];
        const text = words.map((word, i) => word + gaps[i]).join('');
        expect(parseCommand(text)).toEqual(parseCommand(words.join(' ')));
      }),
    );
  });
});

describe('parseParameterLines properties', () => {
  /** A line for the modal: quotes only when whitespace at the ends or existing wrapping would be lost. */
  function encodeLine({ key: name, value: text }: FlowParameter): string | undefined {
    const first = quoteFamily(text[0]);
    const wrapped = text.length >= 2 && first !== undefined && quoteFamily(text[text.length - 1]) === first;
    if (text === text.trim() && !wrapped) return `${name}=${text}`;
    for (const quote of ['"', "'"]) {
      if (![...text].some((ch) => quoteFamily(ch) === quoteFamily(quote)))
        return `${name}=${quote}${text}${quote}`;
    }
    return undefined;
  }

  it('round-trips generated lists, one parameter per line, exactly', () => {
    fc.assert(
      fc.property(parameterList, fc.constantFrom('\n', '\r\n', '\n\n  \n'), (list, newline) => {
        const lines = list.map(encodeLine);
        fc.pre(lines.every((line) => line !== undefined));
        expect(parseParameterLines(lines.join(newline))).toEqual({ ok: true, parameters: list });
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws, and reports a line that exists', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ unit: 'binary', maxLength: 80 })), (text) => {
        const result = parseParameterLines(text);
        if (!result.ok) {
          expect(result.error.line).toBeGreaterThanOrEqual(1);
          expect(result.error.line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length);
          expect(result.error.message).toMatch(/^Line \d+: /);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

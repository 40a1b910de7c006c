// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import { LIMITS } from '../../src/core/limits';
import {
  parseParameterLines,
  validateParameterKey,
  validateParameterValue,
} from '../../src/core/parse-command';

describe('parseParameterLines (the modal field)', () => {
  it('reads one KEY=VALUE per non-blank line, in order', () => {
    expect(parseParameterLines('REPLACE=ddee\n\n  \r\nDT=${cal_dt}\r\nEMPTY=\n')).toEqual({
      ok: true,
      parameters: [
        { key: 'REPLACE', value: 'ddee' },
        { key: 'DT', value: '${cal_dt}' },
        { key: 'EMPTY', value: '' },
      ],
    });
    expect(parseParameterLines('')).toEqual({ ok: true, parameters: [] });
  });

  it('keeps the rest of the line verbatim, spaces and = included, and does not unescape', () => {
    expect(parseParameterLines('SQL=select * from t where a = 1 and b <> 2\nRAW=a&amp;b <@U1>')).toEqual({
      ok: true,
      parameters: [
        { key: 'SQL', value: 'select * from t where a = 1 and b <> 2' },
        { key: 'RAW', value: 'a&amp;b <@U1>' },
      ],
    });
  });

  it('drops whitespace around key and value, which a form invites', () => {
    expect(parseParameterLines('  KEY = some value \u00a0')).toEqual({
      ok: true,
      parameters: [{ key: 'KEY', value: 'some value' }],
    });
  });

  it.each([
    ['K="a b"', 'a b'],
    ["K='a b'", 'a b'],
    ['K=“a b”', 'a b'],
    ['K=‘a b’', 'a b'],
    ['K=" padded "', ' padded '],
    ['K=""', ''],
    // Not one pair around the whole value: left as typed.
    ['K="a" and "b"', '"a" and "b"'],
    ['K="a\'', '"a\''],
    ['K="', '"'],
    ["K=it's", "it's"],
  ])('quotes: %j', (line, value) => {
    expect(parseParameterLines(line)).toEqual({ ok: true, parameters: [{ key: 'K', value }] });
  });

  it.each([
    [
      'A=1\njust words',
      2,
      'just words',
      'Line 2: `just words` is not a parameter. Write one parameter per line, like REPLACE=ddee.',
    ],
    ['A=1\nB=2\nA=3', 3, 'A=3', 'Line 3: The parameter `A` is given twice: give each parameter once.'],
    [
      '\n1A=x',
      2,
      '1A=x',
      'Line 2: `1A` is not a valid parameter name: a name starts with a letter or _ and continues with letters, digits, _, . or -. Expected KEY=VALUE, like REPLACE=ddee.',
    ],
    [
      '=x',
      1,
      '=x',
      'Line 1: A parameter needs a name before the `=`. Expected KEY=VALUE, like REPLACE=ddee.',
    ],
    [
      'A=x\tb',
      1,
      'A=x\tb',
      'Line 1: The value of `A` contains a line break or another control character, which a parameter cannot hold. Keep the value on one line.',
    ],
  ])('%j fails at line %d', (text, line, token, message) => {
    expect(parseParameterLines(text)).toEqual({ ok: false, error: { line, token, message } });
  });

  it('applies the same limits as the slash command', () => {
    const many = Array.from({ length: LIMITS.maxParameters + 1 }, (_, i) => `K${i}=v`).join('\n');
    expect(parseParameterLines(many)).toMatchObject({ ok: false, error: { line: LIMITS.maxParameters + 1 } });
    expect(parseParameterLines(`V=${'v'.repeat(LIMITS.maxValueLength + 1)}`)).toMatchObject({
      ok: false,
      error: { line: 1, message: expect.stringContaining('the limit is 2,000') },
    });
  });
});

describe('validateParameterKey / validateParameterValue', () => {
  it.each(['A', '_', 'a1', 'REPLACE', 'cal.dt', 'x-y_z.1', 'K'.repeat(LIMITS.maxKeyLength)])(
    'accepts key %j',
    (key) => {
      expect(validateParameterKey(key)).toBeUndefined();
    },
  );

  it.each(['', '1A', '-a', '.a', 'a b', 'a=b', 'ä', 'a/b', '${x}', 'K'.repeat(LIMITS.maxKeyLength + 1)])(
    'refuses key %j',
    (key) => {
      expect(validateParameterKey(key)).toEqual(expect.any(String));
    },
  );

  it.each(['', ' ', 'a b', '${cal_dt}', '"quoted"', '😀', 'v'.repeat(LIMITS.maxValueLength)])(
    'accepts value %j',
    (value) => {
      expect(validateParameterValue(value)).toBeUndefined();
    },
  );

  it.each(['a\nb', 'a\rb', '\t', '\u0000', '\u007f', '\u2028', 'v'.repeat(LIMITS.maxValueLength + 1)])(
    'refuses value %j',
    (value) => {
      expect(validateParameterValue(value)).toEqual(expect.any(String));
    },
  );

  it('names the key when given one', () => {
    expect(validateParameterValue('a\nb', 'K')).toMatch(/^The value of `K` contains a line break/);
    expect(validateParameterValue('a\nb')).toMatch(/^The value contains a line break/);
  });
});

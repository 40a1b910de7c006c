import { describeLogLength, LOG_TAIL_MAX_LENGTH, logTail } from '../../src/core/log-tail';
import { MASK, maskSecrets } from '../../src/core/mask-secrets';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

describe('logTail', () => {
  it('keeps a short log whole', () => {
    expect(logTail('a\nb\n')).toEqual({
      text: 'a\nb',
      lines: 2,
      totalLines: 2,
      length: 4,
      capped: false,
      cut: false,
    });
  });

  it('keeps the last 30 lines of a longer log and says it was cut', () => {
    const tail = logTail(lines(100));
    expect(tail.text.split('\n')).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 71}`));
    expect(tail).toMatchObject({ lines: 30, totalLines: 100, capped: false, cut: true });
  });

  it('calls a log that reached maxLength capped and cut, even when it has few lines', () => {
    const log = 'x'.repeat(LOG_TAIL_MAX_LENGTH);
    expect(logTail(log)).toMatchObject({
      lines: 1,
      totalLines: 1,
      length: LOG_TAIL_MAX_LENGTH,
      capped: true,
      cut: true,
    });
  });

  it('reads Windows line ends and an empty log', () => {
    expect(logTail('a\r\nb\r\n').text).toBe('a\nb');
    expect(logTail('')).toMatchObject({ text: '', lines: 0, totalLines: 0, cut: false });
  });
});

describe('describeLogLength', () => {
  it('says characters, KB, MB, and "at least" when capped', () => {
    expect(describeLogLength(1, false)).toBe('1 character');
    expect(describeLogLength(812, false)).toBe('812 characters');
    expect(describeLogLength(49_357, false)).toBe('48.2 KB');
    expect(describeLogLength(1_048_576, true)).toBe('at least 1 MB');
  });
});

describe('logTail with a mask', () => {
  it('masks the shown lines with the context before them, and counts the whole log', () => {
    const log = `${lines(500)}\n-----BEGIN PRIVATE KEY-----\n${'k'.repeat(20)}\n${lines(40)}`;
    const seen: string[] = [];
    const tail = logTail(log, {
      mask: (text) => {
        seen.push(text);
        return maskSecrets(text);
      },
    });
    // Only the end of the log was masked: the 30 lines shown and up to 200 before them.
    expect(seen[0]!.split('\n')).toHaveLength(230);
    expect(tail).toMatchObject({ lines: 30, totalLines: 542, length: log.length, cut: true });
    // The key began 40 lines before the end: its body is masked in the tail although the BEGIN line is not shown.
    expect(tail.text.split('\n')).toEqual(
      lines(40)
        .split('\n')
        .slice(-30)
        .map(() => MASK),
    );
  });
});

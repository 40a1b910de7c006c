import {
  inertCode,
  inertCodeBlock,
  inertMessage,
  inertMrkdwn,
  inertPlainText,
} from '../../src/slack/ui/inert-text';
import { userMention } from '../../src/slack/ui/mrkdwn';
import { fitList, sectionsOf, shorten } from '../../src/slack/ui/slack-limits';

/** A flow name an attacker would pick: pings, a disguised link, layout breakers, a bidi override. */
const HOSTILE =
  '<!channel> <!here> <@U0ALICE01> <!subteam^S0TEAM|@oncall> <https://evil.example|https://enos.example> ' +
  '*bold* _it_ ~gone~ `code`\n> quoted\u202Egnp.exe\u200B\uFEFF\u2066x\u2069 &amp;';

/** What must never reach Slack from untrusted text. */
function expectInert(shown: string): void {
  for (const token of [
    '<!channel>',
    '<!here>',
    '<@U0ALICE01>',
    '<!subteam',
    '<https://',
    '\n>',
    '*bold*',
    '_it_',
    '~gone~',
  ]) {
    expect(shown).not.toContain(token);
  }
  expect(shown).not.toMatch(/[<>]/);
  expect(shown).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/);
}

describe('inertMrkdwn', () => {
  it('shows a hostile name as text: no ping, no link, no formatting, hidden characters visible', () => {
    const shown = inertMrkdwn(HOSTILE);
    expectInert(shown);
    expect(shown).not.toContain('\n');
    expect(shown).not.toContain('`');
    expect(shown).toMatchInlineSnapshot(
      `"&lt;!channel&gt; &lt;!here&gt; &lt;@U0ALICE01&gt; &lt;!subteam^S0TEAM|@oncall&gt; &lt;https://evil.example|https://enos.example&gt; ∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ ⏎ &gt; quoted‹U+202E›gnp.exe‹U+200B›‹U+FEFF›‹U+2066›x‹U+2069› &amp;amp;"`,
    );
  });

  it('gives a leading > a look-alike, so the text cannot start a quote', () => {
    expect(inertMrkdwn('> all clear')).toBe('› all clear');
    expect(inertMrkdwn('a > b')).toBe('a &gt; b');
  });

  it('keeps ordinary text as it reads', () => {
    expect(inertMrkdwn('daily load 3377 (ÄÖÜ 日本)')).toBe('daily load 3377 (ÄÖÜ 日本)');
  });
});

describe('inertCode', () => {
  it('keeps the span closed and the content inert', () => {
    const shown = inertCode('REPLACE=<!channel>`x`\u202E');
    expect(shown).toBe('`REPLACE=&lt;!channel&gt;ˋxˋ‹U+202E›`');
    expect(shown.match(/`/g)).toHaveLength(2);
  });
});

describe('inertMessage', () => {
  it('keeps our code spans and makes everything else inert', () => {
    expect(inertMessage('Use `now` or `tomorrow at 09:00`, not *<!here>*')).toBe(
      'Use `now` or `tomorrow at 09:00`, not ∗&lt;!here&gt;∗',
    );
  });
});

describe('inertCodeBlock', () => {
  it('is one block its content cannot close', () => {
    const shown = inertCodeBlock('line 1\n```\n*bold* <!channel>\r\nend``');
    expect(shown).toBe('```\nline 1\nˋˋˋ\n*bold* &lt;!channel&gt;\nendˋˋ\n```');
    expect(shown.match(/```/g)).toHaveLength(2);
  });

  it('shows hidden characters and is never empty', () => {
    expect(inertCodeBlock('a\u202Eb')).toBe('```\na‹U+202E›b\n```');
    expect(inertCodeBlock('')).toBe('```\n \n```');
  });
});

describe('inertPlainText', () => {
  it('shows hidden characters and line breaks visibly', () => {
    expect(inertPlainText('a\u200Bb\nc')).toBe('a‹U+200B›b ⏎ c');
  });
});

describe('Slack limit helpers', () => {
  it('shorten never cuts inside a token or an entity', () => {
    const text = `${'x'.repeat(2990)} <@U0ALICE01> &amp; more`;
    const cut = shorten(text, 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('<@U0A');
  });

  it('fitList ends with "… and N more" within its budget', () => {
    const owners = Array.from({ length: 400 }, (_, i) => `\`owner-${i}\``);
    const list = fitList(owners, ', ', 1500);
    expect(list.length).toBeLessThanOrEqual(1500);
    expect(list).toMatch(/, … and \d+ more$/);
    const shown = list.split(', ').length - 1;
    expect(list).toContain(`… and ${400 - shown} more`);
  });

  it('sectionsOf spreads a long list over sections of at most 3,000 characters', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `• line ${i} ${'y'.repeat(90)}`);
    const sections = sectionsOf(lines, 10);
    expect(sections).toHaveLength(10);
    for (const s of sections) expect(s.text?.text.length).toBeLessThanOrEqual(3000);
    expect(sections[9]?.text?.text).toMatch(/… and \d+ more$/);
  });
});

describe('userMention', () => {
  it('mentions only what is shaped like a Slack user ID', () => {
    expect(userMention('U0ALICE01')).toBe('<@U0ALICE01>');
    expect(userMention('U1> <!channel')).toBe('`U1&gt; &lt;!channel`');
  });
});

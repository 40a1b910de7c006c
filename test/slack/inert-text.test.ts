import { inertCodeBlock, inertMrkdwn } from '../../src/slack/ui/inert-text';

describe('inertMrkdwn', () => {
  it('neutralises mentions, pings and links, and shows invisible characters as escapes', () => {
    expect(inertMrkdwn('<!channel> <@U123> <#C1|x> <https://e.example|click> & co')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;#C1|x&gt; &lt;https://e.example|click&gt; &amp; co',
    );
    expect(inertMrkdwn('abc\u202Edef\u200Bg\uFEFF\u2066')).toBe(
      'abc\\u{202E}def\\u{200B}g\\u{FEFF}\\u{2066}',
    );
  });
});

describe('inertCodeBlock', () => {
  it('is one code block its content cannot close', () => {
    expect(inertCodeBlock('a ``` b\n<!here>')).toBe('```\na ˋˋˋ b\n&lt;!here&gt;\n```');
    expect(inertCodeBlock('ends with `')).toBe('```\nends with ˋ\n```');
    expect(inertCodeBlock('')).toBe('```\n \n```');
  });
});

import {
  parseSlackEntity,
  renderSlackEntity,
  slackEntityEnd,
  unescapeSlackEscapes,
  unescapeSlackText,
} from '../../src/core/unescape-slack-text';

describe('unescapeSlackEscapes', () => {
  it('undoes exactly the three escapes Slack applies, once', () => {
    expect(unescapeSlackEscapes('a &amp; b &lt;c&gt;')).toBe('a & b <c>');
    expect(unescapeSlackEscapes('&amp;lt; &amp;amp;')).toBe('&lt; &amp;');
    expect(unescapeSlackEscapes('&quot; &#39; &nbsp; & &amp')).toBe('&quot; &#39; &nbsp; & &amp');
  });
});

describe('parseSlackEntity / renderSlackEntity', () => {
  it.each([
    ['@U0123|ana', { kind: 'user', id: 'U0123', label: 'ana' }, '@ana'],
    ['@U0123', { kind: 'user', id: 'U0123' }, '@U0123'],
    ['@U0123|', { kind: 'user', id: 'U0123' }, '@U0123'],
    ['#C0123|ops', { kind: 'channel', id: 'C0123', label: 'ops' }, '#ops'],
    ['#C0123|', { kind: 'channel', id: 'C0123' }, '#C0123'],
    ['!here', { kind: 'special', name: 'here' }, '@here'],
    ['!here|here', { kind: 'special', name: 'here', label: 'here' }, '@here'],
    ['!channel', { kind: 'special', name: 'channel' }, '@channel'],
    ['!everyone', { kind: 'special', name: 'everyone' }, '@everyone'],
    ['!subteam^S0123|@oncall', { kind: 'special', name: 'subteam^S0123', label: '@oncall' }, '@oncall'],
    ['!subteam^S0123', { kind: 'special', name: 'subteam^S0123' }, '@S0123'],
    [
      '!date^1392734382^{date}|Feb 18',
      { kind: 'special', name: 'date^1392734382^{date}', label: 'Feb 18' },
      'Feb 18',
    ],
    ['https://x.y', { kind: 'link', url: 'https://x.y' }, 'https://x.y'],
    ['http://x.y|x.y', { kind: 'link', url: 'http://x.y', label: 'x.y' }, 'x.y'],
    ['https://x.y|x.y', { kind: 'link', url: 'https://x.y', label: 'x.y' }, 'x.y'],
    ['https://x.y|https://x.y', { kind: 'link', url: 'https://x.y', label: 'https://x.y' }, 'https://x.y'],
    [
      'https://x.y/a?b=1&amp;c=2|x.y/a',
      { kind: 'link', url: 'https://x.y/a?b=1&c=2', label: 'x.y/a' },
      'https://x.y/a?b=1&c=2',
    ],
    ['mailto:a@b.c|a@b.c', { kind: 'link', url: 'mailto:a@b.c', label: 'a@b.c' }, 'a@b.c'],
    [
      'https://x.y/runbook|the runbook',
      { kind: 'link', url: 'https://x.y/runbook', label: 'the runbook' },
      'https://x.y/runbook',
    ],
  ])('<%s>', (inner, entity, typed) => {
    expect(parseSlackEntity(inner)).toEqual(entity);
    expect(renderSlackEntity(parseSlackEntity(inner))).toBe(typed);
  });
});

describe('slackEntityEnd', () => {
  it('finds the closing > of a reference, and refuses what is none', () => {
    expect(slackEntityEnd('a <@U1> b', 2)).toBe(6);
    expect(slackEntityEnd('<https://x|a b>', 0)).toBe(14);
    expect(slackEntityEnd('<no end', 0)).toBe(-1);
    expect(slackEntityEnd('<>', 0)).toBe(-1);
    expect(slackEntityEnd('<a <@U1>', 0)).toBe(-1);
    expect(slackEntityEnd('< >', 0)).toBe(-1);
  });
});

describe('unescapeSlackText', () => {
  it('renders the whole text as typed', () => {
    expect(unescapeSlackText('3377 U=<@U1|ana> X=a&amp;b L=<http://x.y|x.y> &lt;@U2&gt; < >')).toBe(
      '3377 U=@ana X=a&b L=x.y <@U2> < >',
    );
  });
});

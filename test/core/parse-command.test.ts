// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import { LIMITS } from '../../src/core/limits';
import {
  type ParsedCommand,
  type ParseResult,
  parseCommand,
  type UsageError,
} from '../../src/core/parse-command';

function command(text: string): ParsedCommand {
  const result = parseCommand(text);
  if (!result.ok)
    throw new Error(`expected a command for ${JSON.stringify(text)}, got: ${result.error.message}`);
  return result.command;
}

function usage(text: string): UsageError {
  const result: ParseResult = parseCommand(text);
  if (result.ok)
    throw new Error(
      `expected a usage error for ${JSON.stringify(text)}, got ${JSON.stringify(result.command)}`,
    );
  return result.error;
}

function parameters(text: string) {
  const parsed = command(text);
  if (parsed.kind !== 'trigger') throw new Error(`expected a trigger, got ${parsed.kind}`);
  return parsed.parameters;
}

function when(text: string) {
  const parsed = command(text);
  if (parsed.kind !== 'trigger') throw new Error(`expected a trigger, got ${parsed.kind}`);
  return parsed.when;
}

describe('parseCommand: the mission example', () => {
  it('triggers flow 3377 today at 14:00 with REPLACE=ddee', () => {
    expect(command('3377 at 14:00 REPLACE=ddee')).toEqual({
      kind: 'trigger',
      flowId: 3377,
      when: { kind: 'today', hour: 14, minute: 0 },
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
  });
});

describe('parseCommand: commands other than trigger', () => {
  it.each([
    ['', { kind: 'modal' }],
    ['   \n\t ', { kind: 'modal' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['Help me please', { kind: 'help' }],
    ['whoami', { kind: 'whoami' }],
    ['WhoAmI', { kind: 'whoami' }],
    ['links', { kind: 'links' }],
    ['backfills', { kind: 'backfills' }],
    ['BACKFILLS', { kind: 'backfills' }],
    ['link me', { kind: 'link-self' }],
    ['LINK ME', { kind: 'link-self' }],
    ['status 3377-20261127140000', { kind: 'status', instanceId: '3377-20261127140000' }],
    ['status 2791-19700101000000', { kind: 'status', instanceId: '2791-19700101000000' }],
    ['history', { kind: 'history' }],
    ['history 3377', { kind: 'history', flowId: 3377 }],
    ['policy', { kind: 'policy' }],
    ['POLICY 3377', { kind: 'policy', flowId: 3377 }],
    ['unlink <@U0123ABCD|ana>', { kind: 'unlink', slackUserId: 'U0123ABCD' }],
    ['unlink <@W0123ABCD>', { kind: 'unlink', slackUserId: 'W0123ABCD' }],
    ['unlink U0123ABCD', { kind: 'unlink', slackUserId: 'U0123ABCD' }],
  ])('%j', (text, expected) => {
    expect(command(text)).toEqual(expected);
  });

  it('links a mentioned Slack user to an EnOS user, with and without an organization', () => {
    expect(command('link <@U0123ABCD|ana> u15426865866571 ana.lopez')).toEqual({
      kind: 'link',
      slackUserId: 'U0123ABCD',
      enosUserId: 'u15426865866571',
      enosUserName: 'ana.lopez',
    });
    expect(command('link <@U0123ABCD> u15426865866571 ana.lopez o15578227985571')).toEqual({
      kind: 'link',
      slackUserId: 'U0123ABCD',
      enosUserId: 'u15426865866571',
      enosUserName: 'ana.lopez',
      orgId: 'o15578227985571',
    });
  });

  it('takes an EnOS user name that Slack turned into a mailto link as typed', () => {
    expect(command('link <@U0123ABCD|ana> u1542 <mailto:ana@example.com|ana@example.com>')).toMatchObject({
      enosUserName: 'ana@example.com',
    });
  });

  it('refuses a plain @name: the user must be picked from autocomplete', () => {
    const error = usage('link @ana u15426865866571 ana.lopez');
    expect(error.token).toBe('@ana');
    expect(error.message).toMatchInlineSnapshot(
      `"\`@ana\` is not a Slack user. Pick the user from the @ autocomplete list so that Slack sends who it is, or give their member ID, like \`U0123ABCD\`."`,
    );
    expect(usage('unlink @ana').token).toBe('@ana');
    expect(usage('unlink <#C1|general>').token).toBe('#general');
  });

  it.each([
    ['link', 'link', /needs the Slack user/],
    ['link <@U0123ABCD>', '@U0123ABCD', /EnOS user ID and user name are missing/],
    ['link <@U0123ABCD> 15426865866571 ana', '15426865866571', /not an EnOS user ID/],
    ['link <@U0123ABCD> u1542', 'u1542', /user name is missing/],
    ['link <@U0123ABCD> u1542 o1557', 'o1557', /user name is missing/],
    ['link <@U0123ABCD> u1542 ana 1557', '1557', /not an EnOS organization ID/],
    ['link <@U0123ABCD> u1542 ana o1557 extra', 'extra', /one argument too many/],
    ['link me too', 'me', /not a Slack user/],
    ['unlink', 'unlink', /needs the Slack user/],
    ['unlink <@U0123ABCD> <@U0456>', '@U0456', /one argument too many/],
    ['status', 'status', /needs a flow instance ID/],
    ['status 3377', '3377', /not a flow instance ID/],
    ['status 3377-2026 x', 'x', /one argument too many/],
    ['history abc', 'abc', /not a flow id/],
    ['history 3377 3378', '3378', /one argument too many/],
    ['policy prod', 'prod', /not a flow id/],
    ['policy 3377 3378', '3378', /one argument too many/],
    ['whoami now', 'now', /takes nothing after it/],
    ['links all', 'all', /takes nothing after it/],
    ['backfills 3377', '3377', /takes nothing after it/],
  ])('%j is a usage error naming %j', (text, token, message) => {
    const error = usage(text);
    expect(error.token).toBe(token);
    expect(error.message).toMatch(message);
  });
});

describe('parseCommand: backfill', () => {
  it('reads the words after `backfill` with the backfill grammar', () => {
    expect(
      command('Backfill 3377 2026-11-01 to 2026-11-07 at 02:00 UTC newest first keep going REPLACE=ddee'),
    ).toEqual({
      kind: 'backfill',
      backfill: {
        flowId: 3377,
        range: {
          kind: 'dates',
          from: { year: 2026, month: 11, day: 1 },
          to: { year: 2026, month: 11, day: 7 },
        },
        at: { hour: 2, minute: 0 },
        zone: 'UTC',
        order: 'newest-first',
        onFailure: 'keep-going',
        parameters: [{ key: 'REPLACE', value: 'ddee' }],
      },
    });
    expect(command('backfill 3377 last 7 days')).toEqual({
      kind: 'backfill',
      backfill: {
        flowId: 3377,
        range: { kind: 'last', days: 7 },
        order: 'oldest-first',
        onFailure: 'stop',
        parameters: [],
      },
    });
  });

  it('points a usage error at the word `backfill` when nothing follows it', () => {
    expect(usage('backfill').token).toBe('backfill');
    expect(usage('backfill').message).toContain('needs a flow id and the business dates');
  });
});

describe('parseCommand: flow id', () => {
  it('accepts a positive safe integer', () => {
    expect(command('1')).toMatchObject({ kind: 'trigger', flowId: 1, when: { kind: 'now' }, parameters: [] });
    expect(command(String(Number.MAX_SAFE_INTEGER))).toMatchObject({ flowId: Number.MAX_SAFE_INTEGER });
  });

  it.each([
    ['0', /flow ids start at 1/],
    ['00', /flow ids start at 1/],
    ['9007199254740992', /too large/],
    ['9'.repeat(400), /too large/],
  ])('refuses %j', (text, message) => {
    expect(usage(text)).toEqual({ message: expect.stringMatching(message), token: text });
  });

  it('explains a missing flow id and an unknown first word', () => {
    expect(usage('REPLACE=ddee')).toEqual({
      message: expect.stringContaining('The flow id is missing'),
      token: 'REPLACE=ddee',
    });
    expect(usage('at 14:00 REPLACE=ddee').message).toMatch(/The flow id is missing/);
    expect(usage('trigger 3377').message).toMatchInlineSnapshot(
      `"\`trigger\` is neither a flow id nor a command. Expected a flow id (a number), like \`/flow-trigger 3377 at 14:00 REPLACE=ddee\`, or one of \`help\`, \`whoami\`, \`status\`, \`history\`, \`preview\`, \`backfill\`, \`backfills\`, \`policy\`, \`link\`, \`unlink\`, \`links\`."`,
    );
    expect(usage('-3377').token).toBe('-3377');
    expect(usage('3377.5').token).toBe('3377.5');
  });
});

describe('parseCommand: when', () => {
  it.each([
    ['3377', { kind: 'now' }],
    ['3377 now', { kind: 'now' }],
    ['3377 NOW', { kind: 'now' }],
    ['3377 at 14:00', { kind: 'today', hour: 14, minute: 0 }],
    ['3377 AT 9:05', { kind: 'today', hour: 9, minute: 5 }],
    ['3377 at 00:00', { kind: 'today', hour: 0, minute: 0 }],
    ['3377 at 23:59', { kind: 'today', hour: 23, minute: 59 }],
    ['3377 today at 14:00', { kind: 'today', hour: 14, minute: 0 }],
    ['3377 at 14:00 today', { kind: 'today', hour: 14, minute: 0 }],
    ['3377 at 14:00 tomorrow', { kind: 'tomorrow', hour: 14, minute: 0 }],
    ['3377 tomorrow at 14:00', { kind: 'tomorrow', hour: 14, minute: 0 }],
    ['3377 Tomorrow 14:00', { kind: 'tomorrow', hour: 14, minute: 0 }],
    ['3377 at 2026-11-30 14:00', { kind: 'date', year: 2026, month: 11, day: 30, hour: 14, minute: 0 }],
    ['3377 on 2026-11-30 at 14:00', { kind: 'date', year: 2026, month: 11, day: 30, hour: 14, minute: 0 }],
    ['3377 ON 2026-11-30 14:00', { kind: 'date', year: 2026, month: 11, day: 30, hour: 14, minute: 0 }],
    ['3377 on 2028-02-29 at 8:30', { kind: 'date', year: 2028, month: 2, day: 29, hour: 8, minute: 30 }],
    ['3377 in 10m', { kind: 'relative', minutes: 10 }],
    ['3377 in 10min', { kind: 'relative', minutes: 10 }],
    ['3377 in 2h', { kind: 'relative', minutes: 120 }],
    ['3377 IN 1H30M', { kind: 'relative', minutes: 90 }],
    ['3377 in 0m', { kind: 'relative', minutes: 0 }],
  ])('%j', (text, expected) => {
    expect(when(text)).toEqual(expected);
  });

  it.each([
    ['3377 at 14:00 Europe/Berlin', { kind: 'today', hour: 14, minute: 0, zone: 'Europe/Berlin' }],
    ['3377 at 14:00 europe/berlin', { kind: 'today', hour: 14, minute: 0, zone: 'Europe/Berlin' }],
    ['3377 at 14:00 UTC', { kind: 'today', hour: 14, minute: 0, zone: 'UTC' }],
    ['3377 at 14:00 utc', { kind: 'today', hour: 14, minute: 0, zone: 'UTC' }],
    [
      '3377 at 14:00 tomorrow America/New_York',
      { kind: 'tomorrow', hour: 14, minute: 0, zone: 'America/New_York' },
    ],
    ['3377 tomorrow at 9:00 Asia/Kolkata', { kind: 'tomorrow', hour: 9, minute: 0, zone: 'Asia/Kolkata' }],
    [
      '3377 on 2026-11-30 at 14:00 Australia/Sydney',
      { kind: 'date', year: 2026, month: 11, day: 30, hour: 14, minute: 0, zone: 'Australia/Sydney' },
    ],
    [
      '3377 in 1h30m America/Argentina/Buenos_Aires',
      { kind: 'relative', minutes: 90, zone: 'America/Argentina/Buenos_Aires' },
    ],
    ['3377 now Europe/Berlin', { kind: 'now', zone: 'Europe/Berlin' }],
    ['3377 Europe/Berlin', { kind: 'now', zone: 'Europe/Berlin' }],
  ])('with a zone: %j', (text, expected) => {
    expect(when(text)).toEqual(expected);
  });

  it('keeps the parameters after a zone apart from it', () => {
    expect(command('3377 at 14:00 Europe/Berlin REPLACE=ddee')).toMatchObject({
      when: { kind: 'today', zone: 'Europe/Berlin' },
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
  });

  it.each([
    ['3377 at 25:00', '25:00', 'the hour must be 00 to 23'],
    ['3377 at 24:00', '24:00', 'the hour must be 00 to 23'],
    ['3377 at 14:60', '14:60', 'the minutes must be 00 to 59'],
    ['3377 at 9:5', '9:5', 'the minutes need two digits'],
    ['3377 at 1400', '1400', 'is not a time'],
    ['3377 at 2pm', '2pm', 'is not a time'],
    ['3377 at', 'at', 'must be followed by a time'],
    ['3377 at REPLACE=ddee', 'REPLACE=ddee', 'is not one'],
    ['3377 tomorrow', 'tomorrow', 'must be followed by a time'],
    ['3377 tomorrow at', 'at', 'must be followed by a time'],
    ['3377 on 2026-02-30 at 14:00', '2026-02-30', 'February 2026 has 28 days'],
    ['3377 on 2026-13-01 at 14:00', '2026-13-01', 'the month must be 01 to 12'],
    ['3377 on 2026-04-31 at 14:00', '2026-04-31', 'April 2026 has 30 days'],
    ['3377 on 30.11.2026 at 14:00', '30.11.2026', 'is not a date'],
    ['3377 on 2026-11-30', '2026-11-30', 'must be followed by a time'],
    ['3377 at 2026-11-30', '2026-11-30', 'must be followed by a time'],
    ['3377 on', 'on', 'must be followed by a date'],
    ['3377 in', 'in', 'must be followed by how long'],
    ['3377 in 10', '10', 'is not a duration'],
    ['3377 in 10s', '10s', 'is not a duration'],
    ['3377 in 1d', '1d', 'is not a duration'],
    ['3377 at 14:00 Europe/Berlim', 'Europe/Berlim', 'is not a known time zone'],
    ['3377 at 14:00 Mars/Olympus_Mons', 'Mars/Olympus_Mons', 'is not a known time zone'],
  ])('%j is a usage error naming %j', (text, token, message) => {
    const error = usage(text);
    expect(error.token).toBe(token);
    expect(error.message).toContain(message);
  });

  it('ends a time error with the correct form', () => {
    expect(usage('3377 at 25:00 REPLACE=ddee').message).toMatchInlineSnapshot(
      `"\`25:00\` is not a time of day: the hour must be 00 to 23. Expected HH:MM on a 24-hour clock, like \`at 14:00\` or \`at 9:05\`."`,
    );
    expect(usage('3377 on 2026-02-30 at 14:00').message).toMatchInlineSnapshot(
      `"\`2026-02-30\` is not a date: February 2026 has 28 days. Expected YYYY-MM-DD, like \`on 2026-11-30 at 14:00\`."`,
    );
  });

  it('explains a time in the wrong place', () => {
    expect(usage('3377 14:00 REPLACE=ddee')).toEqual({
      message: expect.stringContaining('Did you mean `at 14:00`?'),
      token: '14:00',
    });
    expect(usage('3377 2026-11-30 14:00').message).toContain('Did you mean `on 2026-11-30 at 14:00`');
    expect(usage('3377 REPLACE=ddee at 14:00')).toEqual({
      message: expect.stringContaining('the time goes right after the flow id'),
      token: 'at',
    });
    expect(usage('3377 now at 14:00')).toEqual({
      message: expect.stringContaining('one time too many'),
      token: 'at',
    });
    expect(usage('3377 at 14:00 UTC Europe/Berlin').token).toBe('Europe/Berlin');
  });

  it('leaves range checks that need a clock (past, too far ahead) to resolveTime', () => {
    expect(when('3377 on 1999-01-01 at 00:00')).toMatchObject({ kind: 'date', year: 1999 });
    expect(when('3377 in 100000h')).toEqual({ kind: 'relative', minutes: 6_000_000 });
    expect(usage(`3377 in ${'9'.repeat(30)}h`).message).toContain('far too long');
  });
});

describe('parseCommand: parameters', () => {
  it('reads several parameters in order', () => {
    expect(parameters('3377 A=1 b_2=two C.d-e=3')).toEqual([
      { key: 'A', value: '1' },
      { key: 'b_2', value: 'two' },
      { key: 'C.d-e', value: '3' },
    ]);
  });

  it('passes values through verbatim: system variables are not expanded', () => {
    expect(parameters('3377 DT=${cal_dt} N=${cal_dt-1} T=${unix_timestamp}')).toEqual([
      { key: 'DT', value: '${cal_dt}' },
      { key: 'N', value: '${cal_dt-1}' },
      { key: 'T', value: '${unix_timestamp}' },
    ]);
  });

  it('splits at the first = only', () => {
    expect(parameters('3377 EXPR=a=b==c')).toEqual([{ key: 'EXPR', value: 'a=b==c' }]);
  });

  it('reads an empty value as the empty string', () => {
    expect(parameters('3377 EMPTY= NEXT=x')).toEqual([
      { key: 'EMPTY', value: '' },
      { key: 'NEXT', value: 'x' },
    ]);
    expect(parameters('3377 EMPTY="" SINGLE=\'\'')).toEqual([
      { key: 'EMPTY', value: '' },
      { key: 'SINGLE', value: '' },
    ]);
  });

  it.each([
    ['3377 K="a b"', 'a b'],
    ["3377 K='a b'", 'a b'],
    ['3377 K=“a b”', 'a b'],
    ['3377 K=‘a b’', 'a b'],
    // Autocorrect turns the quote after `=` into a closing one.
    ['3377 K=”a b”', 'a b'],
    ['3377 K=„a b“', 'a b'],
    ['3377 K="  padded  "', '  padded  '],
    ['3377 K="it\'s here"', "it's here"],
    ['3377 K=\'say "hi" now\'', 'say "hi" now'],
    ['3377 K="say "hi"there"', 'say "hi"there'],
    ['3377 K="a\u00a0b"', 'a\u00a0b'],
    ['3377 K=don’t', 'don’t'],
    ["3377 K=it's", "it's"],
    ['3377 K=a"b', 'a"b'],
    ['3377 K="a=b c"', 'a=b c'],
  ])('quotes: %j', (text, value) => {
    expect(parameters(text)).toEqual([{ key: 'K', value }]);
  });

  it('tolerates extra whitespace, tabs, newlines and non-breaking spaces between tokens', () => {
    expect(command('  3377\tat\u00a014:00 \n REPLACE=ddee\r\nB=2\u00a0 ')).toEqual({
      kind: 'trigger',
      flowId: 3377,
      when: { kind: 'today', hour: 14, minute: 0 },
      parameters: [
        { key: 'REPLACE', value: 'ddee' },
        { key: 'B', value: '2' },
      ],
    });
  });

  it('undoes Slack escaping exactly once', () => {
    expect(parameters('3377 A=a&amp;b B=&lt;tag&gt; C=&amp;lt; D=&amp;amp; E=&quot;')).toEqual([
      { key: 'A', value: 'a&b' },
      { key: 'B', value: '<tag>' },
      { key: 'C', value: '&lt;' },
      { key: 'D', value: '&amp;' },
      { key: 'E', value: '&quot;' },
    ]);
  });

  it('does not let an escaped < start a mention', () => {
    expect(parameters('3377 A=&lt;@U123|ana&gt;')).toEqual([{ key: 'A', value: '<@U123|ana>' }]);
  });

  it('turns Slack references in values back into what the user typed', () => {
    expect(
      parameters(
        [
          '3377',
          'USER=<@U0123ABCD|ana>',
          'BARE=<@U0123ABCD>',
          'CHAN=<#C0123|ops>',
          'EMPTYLABEL=<#C0123|>',
          'HERE=<!here>',
          'ALL=<!channel>',
          'TEAM=<!subteam^S0123|@oncall>',
          'TYPED=<http://x.y|x.y>',
          'FULL=<https://x.y>',
          'QUERY=<https://x.y/a?b=1&amp;c=2|x.y/a>',
          'MAIL=<mailto:a@b.c|a@b.c>',
          'DATE=<!date^1392734382^{date_short}|Feb 18, 2014>',
          'MIX=pre<@U0123ABCD|ana>post',
        ].join(' '),
      ),
    ).toEqual([
      { key: 'USER', value: '@ana' },
      { key: 'BARE', value: '@U0123ABCD' },
      { key: 'CHAN', value: '#ops' },
      { key: 'EMPTYLABEL', value: '#C0123' },
      { key: 'HERE', value: '@here' },
      { key: 'ALL', value: '@channel' },
      { key: 'TEAM', value: '@oncall' },
      { key: 'TYPED', value: 'x.y' },
      { key: 'FULL', value: 'https://x.y' },
      { key: 'QUERY', value: 'https://x.y/a?b=1&c=2' },
      { key: 'MAIL', value: 'a@b.c' },
      { key: 'DATE', value: 'Feb 18, 2014' },
      { key: 'MIX', value: 'pre@anapost' },
    ]);
  });

  it('keeps a reference whole even when its label holds spaces or quotes', () => {
    expect(parameters('3377 LINK=<https://x.y/runbook|the "runbook" page> NEXT=1')).toEqual([
      { key: 'LINK', value: 'https://x.y/runbook' },
      { key: 'NEXT', value: '1' },
    ]);
    expect(parameters('3377 Q="see <https://x.y|x.y> now"')).toEqual([{ key: 'Q', value: 'see x.y now' }]);
  });

  it('refuses a repeated key, naming it', () => {
    expect(usage('3377 A=1 B=2 A=3')).toEqual({
      message: 'The parameter `A` is given twice: give each parameter once.',
      token: 'A=3',
    });
    // Keys are case-sensitive, as EnOS treats them.
    expect(parameters('3377 a=1 A=2')).toHaveLength(2);
  });

  it.each([
    ['3377 1A=x', '1A=x', '`1A` is not a valid parameter name'],
    ['3377 =x', '=x', 'A parameter needs a name before the `=`.'],
    ['3377 A B=1', 'A', 'Expected KEY=VALUE, like REPLACE=ddee.'],
    ['3377 KEY:VALUE', 'KEY:VALUE', 'Expected KEY=VALUE, like REPLACE=ddee.'],
    ['3377 A/B=1', 'A/B=1', 'is not a valid parameter name'],
    ['3377 <@U123|ana>=1', '@ana=1', '`@ana` is not a valid parameter name'],
    ['3377 ÄPFEL=1', 'ÄPFEL=1', 'is not a valid parameter name'],
    ['3377 REPLACE = ddee', 'REPLACE', 'without spaces around `=`'],
    ['3377 REPLACE= ddee', 'ddee', 'without spaces around `=`'],
    ['3377 REPLACE=a b', 'b', 'put the whole value in quotes: `REPLACE="a b"`'],
    ['3377 "REPLACE=a b"', '"REPLACE=a b"', 'Quote only the value'],
    ['3377 "word"', '"word"', 'Expected KEY=VALUE'],
  ])('%j is a usage error naming %j', (text, token, message) => {
    const error = usage(text);
    expect(error.token).toBe(token);
    expect(error.message).toContain(message);
  });

  it('points at an unterminated quote', () => {
    expect(usage('3377 at 14:00 REPLACE="dd ee')).toEqual({
      message:
        'The quote " that opens the value of `REPLACE` is never closed (in `REPLACE="dd`). ' +
        'Close it with a matching quote before the next space or the end, like `KEY="a b"`.',
      token: 'REPLACE="dd',
    });
    expect(usage('3377 A=“open').token).toBe('A=“open');
    // A double quote is not closed by a single one.
    expect(usage('3377 A="x\' B=2').token).toBe('A="x\'');
    // A closing quote must be followed by whitespace or the end.
    expect(usage('3377 A="x"y').token).toBe('A="x"y');
    expect(usage('3377 "lonely').token).toBe('"lonely');
    // A quote that does not open the value is an ordinary character.
    expect(parameters('3377 A=&amp;"x')).toEqual([{ key: 'A', value: '&"x' }]);
  });

  it('refuses values with line breaks or control characters', () => {
    expect(usage('3377 A="line1\nline2"')).toEqual({
      message: expect.stringContaining('contains a line break'),
      token: 'A="line1\nline2"',
    });
    expect(usage('3377 A=x\u0007y').message).toContain('control character');
  });
});

describe('parseCommand: limits', () => {
  it('refuses text longer than the limit, before reading it', () => {
    const long = `3377 A=${'x'.repeat(LIMITS.maxTextLength)}`;
    expect(usage(long)).toEqual({ message: expect.stringContaining('the limit is 3,000') });
  });

  it('refuses more parameters than the limit, pointing at the first one too many', () => {
    const list = Array.from({ length: LIMITS.maxParameters + 1 }, (_, i) => `K${i}=v`);
    expect(parameters(`3377 ${list.slice(0, LIMITS.maxParameters).join(' ')}`)).toHaveLength(
      LIMITS.maxParameters,
    );
    expect(usage(`3377 ${list.join(' ')}`)).toEqual({
      message: expect.stringContaining('Too many parameters: the limit is 50'),
      token: `K${LIMITS.maxParameters}=v`,
    });
  });

  it('refuses an overlong key or value', () => {
    const key = `K${'x'.repeat(LIMITS.maxKeyLength)}`;
    expect(usage(`3377 ${key}=1`).message).toContain(
      `is too long (${LIMITS.maxKeyLength + 1} characters; the limit is 128)`,
    );
    const value = 'v'.repeat(LIMITS.maxValueLength + 1);
    expect(usage(`3377 V=${value}`)).toEqual({
      message: 'The value of `V` is too long (2,001 characters; the limit is 2,000). Shorten the value.',
      token: `V=${value}`,
    });
    expect(parameters(`3377 V=${'v'.repeat(LIMITS.maxValueLength)}`)[0]?.value).toHaveLength(
      LIMITS.maxValueLength,
    );
  });

  it('counts a value after unescaping', () => {
    const value = '&amp;'.repeat(LIMITS.maxValueLength / 4);
    expect(parameters(`3377 V=${value}`)[0]?.value).toBe('&'.repeat(LIMITS.maxValueLength / 4));
  });
});

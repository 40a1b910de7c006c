import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyError } from '../../src/core/policy/policy-problems';
import { loadPolicyFile, loadPolicyText } from '../../src/policy/load-policy-file';
import { exampleDirectory, inMemoryPolicyDirectory } from './in-memory-policy-directory';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'policy.yml');

/** The error an operator reads when the app refuses to start. */
async function failureOf(load: Promise<unknown>): Promise<PolicyError> {
  try {
    await load;
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('loadPolicyFile', () => {
  it('loads the example policy, resolving its names to ids', async () => {
    const directory = exampleDirectory();
    const policy = await loadPolicyFile(EXAMPLE, directory);
    expect(policy).toEqual({
      rules: [
        {
          index: 0,
          name: 'production loads need a second person',
          flows: [
            { kind: 'id', flowId: 3377 },
            { kind: 'glob', glob: 'prod_*', regex: /^prod_.*$/isu },
          ],
          channels: [{ id: 'C0123ABCD' }, { id: 'C0999DATA', name: 'data-oncall' }],
          users: [
            { kind: 'user', id: 'U012ABCDEF' },
            { kind: 'group', id: 'S0456GHIJ' },
            { kind: 'group', id: 'S0111ONCALL', handle: 'data-oncall' },
          ],
          requireApproval: {
            approvers: [
              { kind: 'group', id: 'S0222LEADS', handle: 'data-leads' },
              { kind: 'user', id: 'U0789KLMN' },
            ],
            count: 1,
            timeoutMs: 1_800_000,
          },
          backfill: { maxRuns: 31 },
        },
        {
          index: 1,
          name: 'no triggers of the billing flows from Slack',
          flows: [{ kind: 'glob', glob: 'billing_*', regex: /^billing_.*$/isu }],
          deny: "Billing flows are triggered by the finance team's scheduler only.",
        },
      ],
    });
    // Each name is asked once; a user group id is checked by reading its members.
    expect([...directory.lookups].sort()).toEqual(
      [
        '#data-oncall',
        '@data-leads',
        '@data-oncall',
        'members of S0111ONCALL',
        'members of S0222LEADS',
        'members of S0456GHIJ',
      ].sort(),
    );
  });

  it('says which file is missing, and how to fix it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'policy-'));
    try {
      const missing = join(folder, 'nope.yml');
      const error = await failureOf(loadPolicyFile(missing, exampleDirectory()));
      expect(error.problems).toEqual([
        'the file does not exist: check POLICY_FILE (a path relative to the working directory, or absolute), or unset it to run without a policy',
      ]);
      expect(error.message).toContain(missing);
      expect((await failureOf(loadPolicyFile(folder, exampleDirectory()))).problems).toEqual([
        'this is a folder: POLICY_FILE must name the YAML file',
      ]);
      const file = join(folder, 'policy.yml');
      await writeFile(file, 'rules:\n  - name: ok\n    flows: [1]\n');
      expect((await loadPolicyFile(file, exampleDirectory())).rules).toHaveLength(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('loadPolicyText: YAML syntax', () => {
  it.each([
    [
      'an unquoted user group handle',
      'rules:\n  - name: r\n    flows: [1]\n    users: [@data-oncall]\n',
      [
        'line 4, column 13: the YAML is invalid: Plain value cannot start with reserved character @. Quote user group handles: "@data-leads"',
      ],
    ],
    [
      'an unquoted channel name in a list',
      'rules:\n  - name: r\n    flows: [1]\n    channels: [#data-oncall]\n',
      [
        'line 4, column 16: the YAML is invalid: Comments must be separated from other tokens by white space characters. A # starts a comment in YAML: quote channel names, "#data-oncall"',
        'line 5, column 1: the YAML is invalid: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'a field given twice',
      'rules:\n  - name: r\n    flows: [1]\n    flows: [2]\n',
      ['line 4, column 5: the YAML is invalid: Map keys must be unique. Each field may appear once per rule'],
    ],
    [
      'a tab',
      'rules:\n  - name: r\n\tflows: [1]\n',
      ['line 3, column 1: the YAML is invalid: Tabs are not allowed as indentation. Indent with spaces'],
    ],
    [
      'an unclosed quote',
      'rules:\n  - name: "r\n    flows: [1]\n',
      ['line 4, column 1: the YAML is invalid: Missing closing "quote'],
    ],
  ])('reports %s with its line', async (_, text, problems) => {
    const error = await failureOf(loadPolicyText('policy.yml', text, exampleDirectory()));
    expect(error.problems).toEqual(problems);
  });

  it('refuses a file too large to be a policy before parsing it', async () => {
    const error = await failureOf(
      loadPolicyText('app.log', `# ${'x'.repeat(1_000_000)}\nrules: []\n`, exampleDirectory()),
    );
    expect(error.problems).toEqual([
      'the file is larger than 1000000 bytes: check that POLICY_FILE names the policy file',
    ]);
  });

  it('refuses an alias bomb instead of expanding it', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    lines.push('rules: []');
    const error = await failureOf(loadPolicyText('policy.yml', `${lines.join('\n')}\n`, exampleDirectory()));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^the file could not be read as YAML \(.*\): use fewer anchors and aliases/,
    );
  });
});

describe('loadPolicyText: the format', () => {
  it('lists every problem with its line, the rule and the field, in one error', async () => {
    const text = [
      'rules:',
      '  - name: prod', // 2
      '    flows: [3377, 0]', // 3
      '    channels: ["data-oncall"]', // 4
      '    require_approval:', // 5
      '      approvers: ["@data-leads"]', // 6
      '      count: 0', // 7
      '      timeout: 30', // 8
      '  - name: billing', // 9
      '    flows: ["billing_*"]', // 10
      '    deny: "Finance only."', // 11
      '    users: [U012ABCDEF]', // 12
      '  - flows: [1]', // 13
      '    colour: red', // 14
      '',
    ].join('\n');
    const error = await failureOf(loadPolicyText('policy.yml', text, exampleDirectory()));
    expect(error.message).toMatchInlineSnapshot(`
"the policy file policy.yml has 7 problem(s):
  - line 3, rule 1 "prod", flows[1]: 0 is not a flow id: use a whole number above 0 like 3377, or a quoted glob on the flow name like "prod_*"
  - line 4, rule 1 "prod", channels[0]: the text "data-oncall" is not a channel: use a channel id like C0123ABCD (or G… for an old private channel), or a quoted name like "#data-oncall" (quote it: in YAML an unquoted # starts a comment)
  - line 7, rule 1 "prod", require_approval.count: must be at least 1 (a rule that needs no approval has no require_approval)
  - line 8, rule 1 "prod", require_approval.timeout: must be a duration with a unit, like 30s, 30m or 2h (default 30m)
  - line 12, rule 2 "billing", users: cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny and let channels and users say who may run the flows
  - line 13, rule 3, name: is missing: give the rule a name; refusals quote it to the person refused
  - line 14, rule 3, colour: is not a field of a rule, which has name, flows, channels, users, deny, require_approval, backfill
See docs/policy.md and examples/policy.yml."
`);
  });
});

describe('loadPolicyText: names and approvers, resolved through Slack', () => {
  const file = (rules: string) => `rules:\n${rules}`;

  it('lists every unknown name and user group at once, with lines', async () => {
    const text = file(
      [
        '  - name: prod',
        '    flows: [1]',
        '    channels: ["#data-oncall", "#nowhere", C0123ABCD]',
        '    users: ["@ghosts", S0999NONE, "@data-oncall"]',
        '    require_approval:',
        '      approvers: ["@nobody-here", U0789KLMN]',
        '      count: 5',
        '  - name: other',
        '    flows: [2]',
        '    channels: ["#nowhere"]',
        '',
      ].join('\n'),
    );
    const directory = exampleDirectory();
    const error = await failureOf(loadPolicyText('policy.yml', text, directory));
    // The count of rule 1 is not checked: one of its approvers is unknown, so nobody knows how many there are.
    expect(error.problems).toMatchInlineSnapshot(`
[
  "line 4, rule 1 "prod", channels[1]: flow-trigger finds no channel named "#nowhere": check the spelling (a renamed channel keeps its id, so an id like C0123ABCD is safer), and for a private channel invite the bot to it",
  "line 5, rule 1 "prod", users[0]: flow-trigger finds no user group with the handle "@ghosts": check the spelling (Slack shows handles in People → User groups)",
  "line 5, rule 1 "prod", users[1]: flow-trigger finds no user group with the id S0999NONE: check the id, or use its "@handle"",
  "line 7, rule 1 "prod", require_approval.approvers[0]: flow-trigger finds no user group with the handle "@nobody-here": check the spelling (Slack shows handles in People → User groups)",
  "line 11, rule 2 "other", channels[0]: flow-trigger finds no channel named "#nowhere": check the spelling (a renamed channel keeps its id, so an id like C0123ABCD is safer), and for a private channel invite the bot to it",
]
`);
    expect(directory.lookups.filter((l) => l === '#nowhere')).toHaveLength(1);
  });

  it('says so when Slack cannot be asked, naming the scopes', async () => {
    const directory = inMemoryPolicyDirectory({ failing: ['#data-oncall', '@data-leads'] });
    const text = file(
      '  - name: r\n    flows: [1]\n    channels: ["#data-oncall"]\n    require_approval: { approvers: ["@data-leads"] }\n',
    );
    expect((await failureOf(loadPolicyText('policy.yml', text, directory))).problems).toMatchInlineSnapshot(`
[
  "line 4, rule 1 "r", channels[0]: "#data-oncall" could not be looked up (An API error occurred: ratelimited (#data-oncall)): check that Slack is reachable and that the app has the scopes channels:read, groups:read and usergroups:read",
  "line 5, rule 1 "r", require_approval.approvers[0]: "@data-leads" could not be looked up (An API error occurred: ratelimited (@data-leads)): check that Slack is reachable and that the app has the scopes channels:read, groups:read and usergroups:read",
]
`);
  });

  it('counts approvers as people: users one each, groups their members, each person once', async () => {
    const directory = inMemoryPolicyDirectory({
      groups: {
        leads: { id: 'S0001LEADS', members: ['U0001AAA', 'U0002BBB'] },
        oncall: { id: 'S0002ONCALL', members: ['U0002BBB', 'U0003CCC'] },
        empty: { id: 'S0003EMPTY', members: [] },
      },
    });
    const rule = (count: number, approvers: string) =>
      `  - name: ${count} of ${approvers}\n    flows: [${count}]\n    require_approval: { approvers: ${approvers}, count: ${count} }\n`;
    // leads + oncall + U0001AAA (already a lead) + U0009ZZZ: four people.
    const four = '["@leads", "@oncall", U0001AAA, U0009ZZZ]';
    const policy = await loadPolicyText('policy.yml', file(rule(4, four)), directory);
    expect(policy.rules[0]?.requireApproval?.count).toBe(4);

    const error = await failureOf(
      loadPolicyText(
        'policy.yml',
        file(rule(5, four) + rule(1, '["@empty"]') + rule(2, '[U0009ZZZ]')),
        directory,
      ),
    );
    expect(error.problems).toMatchInlineSnapshot(`
[
  "line 4, rule 1 "5 of ["@leads", "@oncall", U0001AAA, U0009ZZZ]", require_approval.count: is 5, but the approvers are 4 people in all (groups count their members, each person once), so no request could ever be approved: lower count or add approvers",
  "line 7, rule 2 "1 of ["@empty"]", require_approval.count: is 1, but the approvers are 0 people in all (groups count their members, each person once), so no request could ever be approved: lower count or add approvers",
  "line 10, rule 3 "2 of [U0009ZZZ]", require_approval.count: is 2, but the approvers are 1 person in all (groups count their members, each person once), so no request could ever be approved: lower count or add approvers",
]
`);
  });
});

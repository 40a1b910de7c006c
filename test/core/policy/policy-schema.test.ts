import { formatPolicyProblem } from '../../../src/core/policy/policy-problems';
import { parsePolicy } from '../../../src/core/policy/policy-schema';

/** The problems as an operator reads them (without lines: the loader adds those). */
function problemsOf(raw: unknown): string[] {
  const result = parsePolicy(raw);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => formatPolicyProblem(p, (raw as { rules?: unknown } | null)?.rules));
}

function specOf(raw: unknown) {
  const result = parsePolicy(raw);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.policy;
}

describe('parsePolicy', () => {
  it('reads every field of a rule', () => {
    const spec = specOf({
      rules: [
        {
          name: '  production loads  ',
          flows: [3377, '3378', ' 42 ', 'prod_*', 'Daily ?oad'],
          channels: ['C0123ABCD', 'G0ABCDEF', '#data-oncall'],
          users: ['U012ABCDEF', 'W0ABCDEF', 'S0456GHIJ', '@data-oncall'],
          require_approval: { approvers: ['@data-leads', 'U0789KLMN'], count: 2, timeout: '2h' },
          backfill: { max_runs: 31 },
        },
        { name: 'billing', flows: ['billing_*'], deny: 'Finance only.' },
      ],
    });
    expect(spec).toEqual({
      rules: [
        {
          name: 'production loads',
          flows: [
            { kind: 'id', flowId: 3377 },
            { kind: 'id', flowId: 3378 },
            { kind: 'id', flowId: 42 },
            { kind: 'glob', glob: 'prod_*', regex: /^prod_.*$/isu },
            { kind: 'glob', glob: 'Daily ?oad', regex: /^Daily .oad$/isu },
          ],
          channels: [
            { kind: 'id', id: 'C0123ABCD' },
            { kind: 'id', id: 'G0ABCDEF' },
            { kind: 'name', name: 'data-oncall' },
          ],
          users: [
            { kind: 'user', id: 'U012ABCDEF' },
            { kind: 'user', id: 'W0ABCDEF' },
            { kind: 'group', id: 'S0456GHIJ' },
            { kind: 'handle', handle: 'data-oncall' },
          ],
          requireApproval: {
            approvers: [
              { kind: 'handle', handle: 'data-leads' },
              { kind: 'user', id: 'U0789KLMN' },
            ],
            count: 2,
            timeoutMs: 7_200_000,
          },
          backfill: { maxRuns: 31 },
        },
        {
          name: 'billing',
          flows: [{ kind: 'glob', glob: 'billing_*', regex: /^billing_.*$/isu }],
          deny: 'Finance only.',
        },
      ],
    });
  });

  it('defaults an approval to one approver and 30 minutes, and leaves out what the rule does not say', () => {
    expect(
      specOf({ rules: [{ name: 'r', flows: [1], require_approval: { approvers: ['U0789KLMN'] } }] }),
    ).toEqual({
      rules: [
        {
          name: 'r',
          flows: [{ kind: 'id', flowId: 1 }],
          requireApproval: { approvers: [{ kind: 'user', id: 'U0789KLMN' }], count: 1, timeoutMs: 1_800_000 },
        },
      ],
    });
    expect(specOf({ rules: [{ name: 'only flows', flows: ['x'] }] }).rules[0]).toEqual({
      name: 'only flows',
      flows: [{ kind: 'glob', glob: 'x', regex: /^x$/isu }],
    });
  });

  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['24h', 86_400_000],
    ['90m', 5_400_000],
  ])('reads the timeout %s', (timeout, ms) => {
    const spec = specOf({
      rules: [{ name: 'r', flows: [1], require_approval: { approvers: ['U0789KLMN'], timeout } }],
    });
    expect(spec.rules[0]?.requireApproval?.timeoutMs).toBe(ms);
  });

  it('accepts an empty list of rules: no rule applies, everything is allowed', () => {
    expect(specOf({ rules: [] })).toEqual({ rules: [] });
  });

  it('lists every problem of every rule at once, in the order of the file, each saying how to fix it', () => {
    const problems = problemsOf({
      rulez: 1,
      rules: [
        {
          name: 'prod',
          flows: [0, -3, 1.5, '', 'ok_*', { id: 1 }],
          channels: ['data-oncall', '#Data Oncall', 'D0123ABCD', 'C0123ABCD'],
          users: ['U012ABCDEF', 'data-leads', '@', 'u012abcdef', 7],
          require_approval: { approvers: [], count: 0, timeout: '30', after: '1h' },
          backfill: { max_runs: 0, min_runs: 1 },
          approvers: ['U1'],
        },
        { flows: 3377 },
        'just a string',
        {
          name: 'x'.repeat(101),
          flows: [],
          channels: [],
          users: [],
          require_approval: { approvers: 'U0789KLMN', count: 1.5, timeout: 30 },
          backfill: { max_runs: 'many' },
        },
        { name: 'Prod', flows: [1], channels: null },
      ],
    });
    expect(problems).toMatchInlineSnapshot(`
[
  "rulez: is not a field: the file holds only rules",
  "rule 1 "prod", flows[0]: 0 is not a flow id: use a whole number above 0 like 3377, or a quoted glob on the flow name like "prod_*"",
  "rule 1 "prod", flows[1]: -3 is not a flow id: use a whole number above 0 like 3377, or a quoted glob on the flow name like "prod_*"",
  "rule 1 "prod", flows[2]: 1.5 is not a flow id: use a whole number above 0 like 3377, or a quoted glob on the flow name like "prod_*"",
  "rule 1 "prod", flows[3]: the text "" is not a flow: use a flow id like 3377, or a glob on the flow name like "prod_*" (* for any text, ? for one character; at most 200 characters)",
  "rule 1 "prod", flows[5]: a mapping is not a flow: use a flow id like 3377, or a glob on the flow name like "prod_*" (* for any text, ? for one character; at most 200 characters)",
  "rule 1 "prod", channels[0]: the text "data-oncall" is not a channel: use a channel id like C0123ABCD (or G… for an old private channel), or a quoted name like "#data-oncall" (quote it: in YAML an unquoted # starts a comment)",
  "rule 1 "prod", channels[1]: the text "#Data Oncall" is not a channel: use a channel id like C0123ABCD (or G… for an old private channel), or a quoted name like "#data-oncall" (quote it: in YAML an unquoted # starts a comment)",
  "rule 1 "prod", channels[2]: the text "D0123ABCD" is not a channel: use a channel id like C0123ABCD (or G… for an old private channel), or a quoted name like "#data-oncall" (quote it: in YAML an unquoted # starts a comment)",
  "rule 1 "prod", users[1]: the text "data-leads" is not a user or user group: use a Slack user id like U012ABCDEF (or W… in Enterprise Grid), a user group id like S0456GHIJ, or a quoted user group handle like "@data-leads" (quote it: in YAML an unquoted @ is an error). Copy ids from the profile: ⋮ → Copy member ID",
  "rule 1 "prod", users[2]: the text "@" is not a user or user group: use a Slack user id like U012ABCDEF (or W… in Enterprise Grid), a user group id like S0456GHIJ, or a quoted user group handle like "@data-leads" (quote it: in YAML an unquoted @ is an error). Copy ids from the profile: ⋮ → Copy member ID",
  "rule 1 "prod", users[3]: the text "u012abcdef" is not a user or user group: use a Slack user id like U012ABCDEF (or W… in Enterprise Grid), a user group id like S0456GHIJ, or a quoted user group handle like "@data-leads" (quote it: in YAML an unquoted @ is an error). Copy ids from the profile: ⋮ → Copy member ID",
  "rule 1 "prod", users[4]: the number 7 is not a user or user group: use a Slack user id like U012ABCDEF (or W… in Enterprise Grid), a user group id like S0456GHIJ, or a quoted user group handle like "@data-leads" (quote it: in YAML an unquoted @ is an error). Copy ids from the profile: ⋮ → Copy member ID",
  "rule 1 "prod", require_approval.approvers: lists nobody, so nobody could approve: name at least one user or user group",
  "rule 1 "prod", require_approval.count: must be at least 1 (a rule that needs no approval has no require_approval)",
  "rule 1 "prod", require_approval.timeout: "30" is not a timeout: use a number above 0 and one unit, s, m or h, like 30s, 30m or 2h; at most 24h",
  "rule 1 "prod", require_approval.after: is not a field of require_approval, which has approvers, count and timeout",
  "rule 1 "prod", backfill.max_runs: must be at least 1 (to forbid backfills of these flows, write a rule with deny)",
  "rule 1 "prod", backfill.min_runs: is not a field of backfill, which has only max_runs",
  "rule 1 "prod", approvers: is not a field of a rule, which has name, flows, channels, users, deny, require_approval, backfill (approvers goes under require_approval: check its indentation)",
  "rule 2, name: is missing: give the rule a name; refusals quote it to the person refused",
  "rule 2, flows: must be a list, like [3377, "prod_*"]",
  "rule 3: must be a mapping with name, flows, channels, users, deny, require_approval, backfill, starting with "- name: …"",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", name: is longer than 100 characters: shorten it",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", flows: is empty, so the rule would apply to no flow: list flow ids or globs",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", channels: is empty, so no channel would be allowed: list channels, or remove channels to allow any",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", users: is empty, so nobody would be allowed: list users or groups, or remove users to allow any linked user",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", require_approval.approvers: must be a list, like ["@data-leads", U0789KLMN]",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", require_approval.count: must be a whole number of approvals, like 1 or 2",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", require_approval.timeout: must be a duration with a unit, like 30s, 30m or 2h (default 30m)",
  "rule 4 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", backfill.max_runs: must be a whole number of runs, like 31",
  "rule 5 "Prod", channels: is empty, so no channel would be allowed: list channels, or remove channels to allow any (in YAML an unquoted # starts a comment: quote names, like [C0123ABCD, "#data-oncall"])",
  "rule 5 "Prod", name: is the name of rule 1 too: give every rule its own name, refusals quote it",
]
`);
  });
});

describe('parsePolicy, rules that contradict themselves or each other', () => {
  it('refuses anything beside deny, which refuses everyone everywhere', () => {
    expect(
      problemsOf({
        rules: [
          {
            name: 'billing',
            flows: ['billing_*'],
            deny: 'Finance only.',
            channels: ['C0123ABCD'],
            users: ['U012ABCDEF'],
            require_approval: { approvers: ['U0789KLMN'] },
            backfill: { max_runs: 3 },
          },
          { name: 'empty deny', flows: [1], deny: '  ' },
          { name: 42, flows: [1] },
          { name: 'deny as a flag', flows: [2], deny: true },
        ],
      }),
    ).toMatchInlineSnapshot(`
[
  "rule 1 "billing", channels: cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny and let channels and users say who may run the flows",
  "rule 1 "billing", users: cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny and let channels and users say who may run the flows",
  "rule 1 "billing", require_approval: cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny and let channels and users say who may run the flows",
  "rule 1 "billing", backfill: cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny and let channels and users say who may run the flows",
  "rule 2 "empty deny", deny: is empty: say why the flows are refused and where to go instead",
  "rule 3, name: must be text, like "production loads need a second person" (quote it if it is a number)",
  "rule 4 "deny as a flag", deny: must be the reason for refusing, in quotes, like "Billing flows run from the scheduler only."",
]
`);
  });

  it('refuses two rules with the same name, ignoring case, since a refusal names the rule', () => {
    expect(
      problemsOf({
        rules: [
          { name: 'Prod', flows: [1] },
          { name: 'other', flows: [2] },
          { name: ' prod ', flows: [3] },
        ],
      }),
    ).toMatchInlineSnapshot(`
[
  "rule 3 "prod", name: is the name of rule 1 too: give every rule its own name, refusals quote it",
]
`);
  });

  it('says where a field belongs when it sits one level too high', () => {
    expect(
      problemsOf({ rules: [{ name: 'r', flows: [1], approvers: ['U0789KLMN'], max_runs: 3 }] }),
    ).toMatchInlineSnapshot(`
[
  "rule 1 "r", approvers: is not a field of a rule, which has name, flows, channels, users, deny, require_approval, backfill (approvers goes under require_approval: check its indentation)",
  "rule 1 "r", max_runs: is not a field of a rule, which has name, flows, channels, users, deny, require_approval, backfill (max_runs goes under backfill: check its indentation)",
]
`);
  });

  it('refuses a backfill without max_runs and timeouts out of range', () => {
    expect(
      problemsOf({
        rules: [
          { name: 'a', flows: [1], backfill: {} },
          { name: 'b', flows: [2], require_approval: { approvers: ['U0789KLMN'], timeout: '0m' } },
          { name: 'c', flows: [3], require_approval: { approvers: ['U0789KLMN'], timeout: '25h' } },
          { name: 'd', flows: [4], require_approval: { approvers: ['U0789KLMN'], timeout: '1h30m' } },
          { name: 'e', flows: [5], require_approval: { count: 1 } },
          { name: 'f', flows: [6], require_approval: 'yes' },
        ],
      }),
    ).toMatchInlineSnapshot(`
[
  "rule 1 "a", backfill.max_runs: is missing: write backfill: { max_runs: 31 }",
  "rule 2 "b", require_approval.timeout: "0m" is not a timeout: use a number above 0 and one unit, s, m or h, like 30s, 30m or 2h; at most 24h",
  "rule 3 "c", require_approval.timeout: "25h" is not a timeout: use a number above 0 and one unit, s, m or h, like 30s, 30m or 2h; at most 24h",
  "rule 4 "d", require_approval.timeout: "1h30m" is not a timeout: use a number above 0 and one unit, s, m or h, like 30s, 30m or 2h; at most 24h",
  "rule 5 "e", require_approval.approvers: is missing: list who may approve, like ["@data-leads", U0789KLMN]",
  "rule 6 "f", require_approval: must be a mapping with approvers, count and timeout, like { approvers: ["@data-leads"], count: 1 }",
]
`);
  });

  it('refuses an empty file and a file that is not a mapping of rules', () => {
    expect(problemsOf(null)).toMatchInlineSnapshot(`
[
  "the file is empty: write a list of rules under "rules:" (see examples/policy.yml); to have no policy, unset POLICY_FILE",
]
`);
    expect(problemsOf({})).toMatchInlineSnapshot(`
[
  "rules: is missing: the file holds a list of rules under "rules:" (an empty list allows everything)",
]
`);
    expect(problemsOf(['rules'])).toMatchInlineSnapshot(`
[
  "must be a mapping with a list of rules under "rules:" (see examples/policy.yml)",
]
`);
    expect(problemsOf({ rules: { name: 'r' } })).toMatchInlineSnapshot(`
[
  "rules: must be a list of rules, each starting with "- name: …"",
]
`);
  });
});

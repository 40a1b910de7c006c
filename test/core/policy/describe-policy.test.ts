import { join } from 'node:path';
import { describePolicy } from '../../../src/core/policy/describe-policy';
import type { GroupMembers, Policy } from '../../../src/core/policy/policy';
import { loadPolicyFile, loadPolicyText } from '../../../src/policy/load-policy-file';
import { exampleDirectory } from '../../policy/in-memory-policy-directory';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'policy.yml');
const directory = exampleDirectory();
const groupMembers: GroupMembers = async (id) => (await directory.userGroupMembers(id)) ?? [];

let policy: Policy;
beforeAll(async () => {
  policy = await loadPolicyFile(EXAMPLE, directory);
});

describe('describePolicy', () => {
  it('tells a member of @data-oncall what the rule of flow 3377 asks of them', async () => {
    const description = await describePolicy(
      policy,
      { flow: { flowId: 3377, flowName: 'daily load' }, userId: 'U0200AAA' },
      groupMembers,
    );
    expect(description).toMatchObject({
      kind: 'flow',
      applies: {
        rule: { index: 0, name: 'production loads need a second person' },
        flows: ['3377', '"prod_*"'],
        callerAllowed: true,
        approval: { count: 1, timeoutMs: 1_800_000, availableToCaller: 3 },
        backfillMaxRuns: 31,
      },
    });
    expect(description.lines).toMatchInlineSnapshot(`
[
  "Policy rule 1, "production loads need a second person", decides for flow 3377.",
  "Only U012ABCDEF, the user group S0456GHIJ and @data-oncall may run it, and you are among them.",
  "Only from C0123ABCD or #data-oncall (not from the console).",
  "Each request needs 1 approval from @data-leads or U0789KLMN, not from the requester, within 30 minutes.",
  "A backfill may have at most 31 runs.",
]
`);
  });

  it('tells someone outside the rule’s users that they may not', async () => {
    const description = await describePolicy(
      policy,
      { flow: { flowId: 9, flowName: 'prod_export' }, userId: 'U0300LEAD' },
      groupMembers,
    );
    expect(description).toMatchObject({ kind: 'flow', applies: { callerAllowed: false } });
    expect(description.lines).toMatchInlineSnapshot(`
[
  "Policy rule 1, "production loads need a second person", decides for flow 9.",
  "Only U012ABCDEF, the user group S0456GHIJ and @data-oncall may run it: you may not. Ask the people who maintain the policy file if you should.",
  "Only from C0123ABCD or #data-oncall (not from the console).",
  "Each request needs 1 approval from @data-leads or U0789KLMN, not from the requester, within 30 minutes.",
  "A backfill may have at most 31 runs.",
]
`);
  });

  it('says when no rule applies to the flow, and when there is no policy', async () => {
    const flow = { flowId: 4000, flowName: 'weekly report' };
    expect(await describePolicy(policy, { flow, userId: 'U1' }, groupMembers)).toEqual({
      kind: 'flow',
      flow,
      lines: [
        'No policy rule applies to flow 4000: flow-trigger applies only EnOS’s own checks: you may run the flows you own in EnOS.',
      ],
    });
    expect(await describePolicy(undefined, { flow, userId: 'U1' }, groupMembers)).toEqual({
      kind: 'no-policy',
      lines: [
        'There is no policy: flow-trigger applies only EnOS’s own checks: you may run the flows you own in EnOS.',
      ],
    });
  });

  it('lists every rule in order when asked about no flow', async () => {
    const description = await describePolicy(policy, { userId: 'U0300LEAD' }, groupMembers);
    expect(
      description.kind === 'all' && description.rules.map((r) => [r.rule.name, r.callerAllowed]),
    ).toEqual([
      ['production loads need a second person', false],
      ['no triggers of the billing flows from Slack', false],
    ]);
    expect(description.lines).toMatchInlineSnapshot(`
[
  "For each flow, the first rule whose flows match decides; a flow no rule matches needs only EnOS’s checks.",
  "1. "production loads need a second person", for flows 3377, "prod_*":",
  "    Only U012ABCDEF, the user group S0456GHIJ and @data-oncall may run them: you may not. Ask the people who maintain the policy file if you should.",
  "    Only from C0123ABCD or #data-oncall (not from the console).",
  "    Each request needs 1 approval from @data-leads or U0789KLMN, not from the requester, within 30 minutes.",
  "    A backfill may have at most 31 runs.",
  "2. "no triggers of the billing flows from Slack", for flows "billing_*":",
  "    Nobody may run these flows: Billing flows are triggered by the finance team's scheduler only.",
]
`);
  });

  it('warns an approver that too few others could approve their own requests', async () => {
    const twoLeads = await loadPolicyText(
      'policy.yml',
      'rules:\n  - name: two of the leads\n    flows: [1]\n    require_approval: { approvers: ["@data-leads"], count: 2, timeout: 2h }\n',
      directory,
    );
    const description = await describePolicy(
      twoLeads,
      { flow: { flowId: 1, flowName: 'one' }, userId: 'U0300LEAD' },
      groupMembers,
    );
    expect(description.lines).toMatchInlineSnapshot(`
[
  "Policy rule 1, "two of the leads", decides for flow 1.",
  "Any linked user may run it.",
  "From any channel.",
  "Each request needs 2 approvals from @data-leads, not from the requester, within 2 hours. Only 1 person other than you can approve, so your requests would be refused.",
]
`);
  });
});

import { join } from 'node:path';
import { decidePolicy, PolicyLookupError, type PolicyRequest } from '../../../src/core/policy/decide-policy';
import type { GroupMembers, Policy } from '../../../src/core/policy/policy';
import type { PolicyLabels } from '../../../src/core/policy/policy-words';
import { loadPolicyFile, loadPolicyText } from '../../../src/policy/load-policy-file';
import { exampleDirectory } from '../../policy/in-memory-policy-directory';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'policy.yml');

const directory = exampleDirectory();
const groupMembers: GroupMembers = async (id) => (await directory.userGroupMembers(id)) ?? [];

let policy: Policy;
beforeAll(async () => {
  policy = await loadPolicyFile(EXAMPLE, directory);
});

const DAILY_LOAD = { flowId: 3377, flowName: 'daily load' };
/** U0200AAA is in @data-oncall, so among the rule's users; C0999DATA is #data-oncall. */
const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  flow: DAILY_LOAD,
  conversationId: 'C0999DATA',
  userId: 'U0200AAA',
  action: { kind: 'trigger' },
  ...overrides,
});

const PROD_RULE = { index: 0, name: 'production loads need a second person' };

describe('decidePolicy with the example policy', () => {
  it('asks for approval from the approvers other than the requester, in #data-oncall', async () => {
    expect(await decidePolicy(policy, request(), groupMembers)).toEqual({
      outcome: 'needs-approval',
      rule: PROD_RULE,
      approvers: [
        { kind: 'group', id: 'S0222LEADS', handle: 'data-leads' },
        { kind: 'user', id: 'U0789KLMN' },
      ],
      count: 1,
      timeoutMs: 1_800_000,
      eligibleApprovers: ['U0300LEAD', 'U0301LEAD', 'U0789KLMN'],
      summary:
        'Policy rule "production loads need a second person" needs 1 approval from @data-leads or U0789KLMN ' +
        '(not from the requester) within 30 minutes.',
    });
  });

  it('decides the same for a preview, from a channel given by id, and for a user listed by id or group id', async () => {
    for (const r of [
      request({ action: { kind: 'preview' } }),
      request({ conversationId: 'C0123ABCD' }),
      request({ userId: 'U012ABCDEF' }),
      request({ userId: 'U0400CCC' }),
    ]) {
      expect(await decidePolicy(policy, r, groupMembers)).toMatchObject({
        outcome: 'needs-approval',
        rule: PROD_RULE,
      });
    }
  });

  it('matches a glob ignoring case, and only the whole name', async () => {
    const prod = (flowName: string) => request({ flow: { flowId: 9001, flowName } });
    expect(await decidePolicy(policy, prod('PROD_Export'), groupMembers)).toMatchObject({ rule: PROD_RULE });
    expect(await decidePolicy(policy, prod('prod_'), groupMembers)).toMatchObject({ rule: PROD_RULE });
    expect(await decidePolicy(policy, prod('prod'), groupMembers)).toEqual({ outcome: 'allowed' });
    expect(await decidePolicy(policy, prod('my prod_export'), groupMembers)).toEqual({ outcome: 'allowed' });
  });

  it('allows a flow no rule matches, from anywhere, the console too', async () => {
    const other = request({ flow: { flowId: 4000, flowName: 'weekly report' }, conversationId: undefined });
    expect(await decidePolicy(policy, other, groupMembers)).toEqual({ outcome: 'allowed' });
  });

  it('refuses outside the rule’s channels, saying where to go', async () => {
    expect(await decidePolicy(policy, request({ conversationId: 'C0111GEN' }), groupMembers)).toEqual({
      outcome: 'refused',
      rule: PROD_RULE,
      refusal: {
        reason: 'channel',
        channels: [{ id: 'C0123ABCD' }, { id: 'C0999DATA', name: 'data-oncall' }],
        conversationId: 'C0111GEN',
      },
      why: 'Policy rule "production loads need a second person" lets people run flow 3377 only from C0123ABCD or #data-oncall.',
      how: 'Run it from C0123ABCD or #data-oncall: in the form, choose one under Post in.',
    });
  });

  it('refuses the console when the rule has channels', async () => {
    const decision = await decidePolicy(policy, request({ conversationId: undefined }), groupMembers);
    expect(decision).toMatchObject({
      outcome: 'refused',
      refusal: { reason: 'channel' },
      why: 'Policy rule "production loads need a second person" lets people run flow 3377 only from C0123ABCD or #data-oncall, and the console has no channel.',
      how: 'Run it from C0123ABCD or #data-oncall in Slack.',
    });
    expect(decision.outcome === 'refused' && 'conversationId' in decision.refusal).toBe(false);
  });

  it('refuses a caller who is not among the users, naming them', async () => {
    expect(await decidePolicy(policy, request({ userId: 'U0300LEAD' }), groupMembers)).toEqual({
      outcome: 'refused',
      rule: PROD_RULE,
      refusal: {
        reason: 'user',
        users: [
          { kind: 'user', id: 'U012ABCDEF' },
          { kind: 'group', id: 'S0456GHIJ' },
          { kind: 'group', id: 'S0111ONCALL', handle: 'data-oncall' },
        ],
      },
      why:
        'Policy rule "production loads need a second person" lets only U012ABCDEF, the user group S0456GHIJ and ' +
        '@data-oncall run flow 3377, and you are not among them.',
      how: 'Ask one of them to run it, or ask the people who maintain the policy file to add you to the rule.',
    });
  });

  it('refuses a backfill over max_runs and lets one at max_runs go to approval', async () => {
    const backfill = (runs: number) => request({ action: { kind: 'backfill', runs } });
    expect(await decidePolicy(policy, backfill(32), groupMembers)).toEqual({
      outcome: 'refused',
      rule: PROD_RULE,
      refusal: { reason: 'backfill-runs', maxRuns: 31, runs: 32 },
      why: 'Policy rule "production loads need a second person" allows at most 31 runs per backfill of flow 3377, and this one has 32.',
      how: 'Split the range into backfills of at most 31 dates each.',
    });
    expect(await decidePolicy(policy, backfill(31), groupMembers)).toMatchObject({
      outcome: 'needs-approval',
    });
  });

  it('refuses the billing flows to everyone, everywhere, with the file’s reason', async () => {
    const billing = request({ flow: { flowId: 5100, flowName: 'Billing_Monthly' }, userId: 'U0300LEAD' });
    expect(await decidePolicy(policy, billing, groupMembers)).toEqual({
      outcome: 'refused',
      rule: { index: 1, name: 'no triggers of the billing flows from Slack' },
      refusal: {
        reason: 'denied',
        message: "Billing flows are triggered by the finance team's scheduler only.",
      },
      why:
        'Policy rule "no triggers of the billing flows from Slack" does not let anyone run flow 5100: ' +
        "Billing flows are triggered by the finance team's scheduler only.",
      how: 'This rule has no exception. If it should change, ask the people who maintain the policy file.',
    });
  });

  it('names channels and people through the labels it is given', async () => {
    const mentions: PolicyLabels = {
      channel: (ref) => `<#${ref.id}>`,
      principal: (ref) => (ref.kind === 'user' ? `<@${ref.id}>` : `<!subteam^${ref.id}>`),
    };
    const refused = await decidePolicy(
      policy,
      request({ conversationId: 'C0111GEN' }),
      groupMembers,
      mentions,
    );
    expect(refused).toMatchObject({
      how: 'Run it from <#C0123ABCD> or <#C0999DATA>: in the form, choose one under Post in.',
    });
    const approval = await decidePolicy(policy, request(), groupMembers, mentions);
    expect(approval).toMatchObject({
      summary:
        'Policy rule "production loads need a second person" needs 1 approval from <!subteam^S0222LEADS> or ' +
        '<@U0789KLMN> (not from the requester) within 30 minutes.',
    });
  });

  it('refuses in words when Slack cannot say who is in a group', async () => {
    const failing: GroupMembers = async () => {
      throw new Error('An API error occurred: ratelimited');
    };
    const error = await decidePolicy(policy, request(), failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyLookupError);
    expect((error as PolicyLookupError).userMessage).toBe(
      'flow-trigger could not read from Slack who is in a user group that the policy rule "production loads need ' +
        'a second person" names, so it cannot tell whether this request is allowed. Nothing was triggered; try again in a minute.',
    );
    // A caller listed by id needs no group lookup to be let in.
    const byId = await loadPolicyText(
      'policy.yml',
      'rules:\n  - name: oncall\n    flows: [1]\n    users: ["@data-oncall", U012ABCDEF]\n',
      directory,
    );
    const one = { flow: { flowId: 1, flowName: 'one' }, action: { kind: 'trigger' } } as const;
    expect(await decidePolicy(byId, { ...one, userId: 'U012ABCDEF' }, failing)).toEqual({
      outcome: 'allowed',
      rule: { index: 0, name: 'oncall' },
    });
    await expect(decidePolicy(byId, { ...one, userId: 'U0200AAA' }, failing)).rejects.toBeInstanceOf(
      PolicyLookupError,
    );
  });
});

describe('decidePolicy: approvals', () => {
  const load = (text: string) => loadPolicyText('policy.yml', text, directory);

  it('never counts the requester, and refuses when too few others could approve', async () => {
    const twoLeads = await load(
      'rules:\n  - name: two of the leads\n    flows: [1]\n    require_approval: { approvers: ["@data-leads"], count: 2 }\n',
    );
    const asLead = {
      flow: { flowId: 1, flowName: 'one' },
      userId: 'U0300LEAD',
      action: { kind: 'trigger' },
    } as const;
    expect(await decidePolicy(twoLeads, asLead, groupMembers)).toEqual({
      outcome: 'refused',
      rule: { index: 0, name: 'two of the leads' },
      refusal: { reason: 'approvers', count: 2, available: 1 },
      why:
        'Policy rule "two of the leads" needs 2 approvals to run flow 1 from people other than you, and only 1 ' +
        'person other than you can approve.',
      how: 'Ask another approver to request it, or ask the people who maintain the policy file to add approvers.',
    });
    expect(await decidePolicy(twoLeads, { ...asLead, userId: 'U0200AAA' }, groupMembers)).toMatchObject({
      outcome: 'needs-approval',
      count: 2,
      eligibleApprovers: ['U0300LEAD', 'U0301LEAD'],
      summary:
        'Policy rule "two of the leads" needs 2 approvals from @data-leads (not from the requester) within 30 minutes.',
    });
  });

  it('allows a rule without restrictions, naming it', async () => {
    const open = await load('rules:\n  - name: open\n    flows: ["*"]\n');
    expect(
      await decidePolicy(
        open,
        { flow: { flowId: 7, flowName: '' }, userId: 'U1', action: { kind: 'trigger' } },
        groupMembers,
      ),
    ).toEqual({ outcome: 'allowed', rule: { index: 0, name: 'open' } });
  });
});

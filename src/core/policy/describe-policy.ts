import { findPolicyRule, isAmong, peopleOf, type RuleRef } from './decide-policy';
import { formatFlowPattern } from './match-flow-pattern';
import type { ChannelRef, GroupMembers, Policy, PolicyRule, PrincipalRef } from './policy';
import { durationWords, listWords, type PolicyLabels, plainPolicyLabels, plural } from './policy-words';

/** What one rule means for one caller, for `/flow-trigger policy`. */
export interface RuleForCaller {
  rule: RuleRef;
  /** The `flows` entries as written: `3377`, `"prod_*"`. */
  flows: string[];
  /** Set when the rule refuses everyone. */
  deny?: string;
  /** Absent: from anywhere. */
  channels?: ChannelRef[];
  /** Absent: any linked user. */
  users?: PrincipalRef[];
  /** Whether the caller is among `users` (true when the rule has none). */
  callerAllowed: boolean;
  approval?: {
    approvers: PrincipalRef[];
    count: number;
    timeoutMs: number;
    /** How many people other than the caller could approve a request of theirs. */
    availableToCaller: number;
  };
  backfillMaxRuns?: number;
  /** The same, in sentences, one per line. */
  lines: string[];
}

export type PolicyDescription =
  /** No POLICY_FILE: EnOS's own checks are the only ones. */
  | { kind: 'no-policy'; lines: string[] }
  /** Asked about one flow: the rule that applies to it, if any. */
  | { kind: 'flow'; flow: { flowId: number; flowName: string }; applies?: RuleForCaller; lines: string[] }
  /** Asked about no flow: every rule, in the order they are tried. */
  | { kind: 'all'; rules: RuleForCaller[]; lines: string[] };

/**
 * The model of `/flow-trigger policy [flowId]`: which rule applies to the caller and what it allows,
 * requires or forbids. With a flow (from Get Flow, as the matcher needs its name), the one rule that
 * decides for it; without, every rule in order. `policy` undefined: there is no policy file.
 */
export async function describePolicy(
  policy: Policy | undefined,
  query: { flow?: { flowId: number; flowName: string }; userId: string },
  groupMembers: GroupMembers,
  labels: PolicyLabels = plainPolicyLabels,
): Promise<PolicyDescription> {
  const noRuleLine = 'flow-trigger applies only EnOS’s own checks: you may run the flows you own in EnOS.';
  if (!policy) return { kind: 'no-policy', lines: [`There is no policy: ${noRuleLine}`] };
  const { flow } = query;
  if (flow) {
    const rule = findPolicyRule(policy, flow);
    if (!rule) {
      return {
        kind: 'flow',
        flow,
        lines: [`No policy rule applies to flow ${flow.flowId}: ${noRuleLine}`],
      };
    }
    const applies = await describeRule(rule, query.userId, groupMembers, labels, ONE_FLOW);
    return {
      kind: 'flow',
      flow,
      applies,
      lines: [
        `Policy rule ${rule.index + 1}, "${rule.name}", decides for flow ${flow.flowId}.`,
        ...applies.lines,
      ],
    };
  }
  const rules = await Promise.all(
    policy.rules.map((r) => describeRule(r, query.userId, groupMembers, labels, SEVERAL_FLOWS)),
  );
  const lines =
    rules.length === 0
      ? [`The policy has no rules: ${noRuleLine}`]
      : [
          'For each flow, the first rule whose flows match decides; a flow no rule matches needs only EnOS’s checks.',
          ...rules.flatMap((r) => [
            `${r.rule.index + 1}. "${r.rule.name}", for flows ${r.flows.join(', ')}:`,
            ...r.lines.map((line) => `    ${line}`),
          ]),
        ];
  return { kind: 'all', rules, lines };
}

/** How the sentences refer to the flows: the one asked about, or those of a rule. */
const ONE_FLOW = { it: 'it', these: 'this flow' };
const SEVERAL_FLOWS = { it: 'them', these: 'these flows' };

async function describeRule(
  rule: PolicyRule,
  userId: string,
  groupMembers: GroupMembers,
  labels: PolicyLabels,
  flows: typeof ONE_FLOW,
): Promise<RuleForCaller> {
  const base = { rule: { index: rule.index, name: rule.name }, flows: rule.flows.map(formatFlowPattern) };
  if (rule.deny !== undefined) {
    return {
      ...base,
      deny: rule.deny,
      callerAllowed: false,
      lines: [`Nobody may run ${flows.these}: ${rule.deny}`],
    };
  }
  const lines: string[] = [];
  const callerAllowed = rule.users ? await isAmong(userId, rule.users, groupMembers, rule.name) : true;
  if (rule.users) {
    const users = listWords(rule.users.map(labels.principal), 'and');
    lines.push(
      callerAllowed
        ? `Only ${users} may run ${flows.it}, and you are among them.`
        : `Only ${users} may run ${flows.it}: you may not. Ask the people who maintain the policy file if you should.`,
    );
  } else {
    lines.push(`Any linked user may run ${flows.it}.`);
  }
  lines.push(
    rule.channels
      ? `Only from ${listWords(rule.channels.map(labels.channel), 'or')} (not from the console).`
      : 'From any channel.',
  );
  let approval: RuleForCaller['approval'];
  if (rule.requireApproval) {
    const { approvers, count, timeoutMs } = rule.requireApproval;
    const people = await peopleOf(approvers, groupMembers, rule.name);
    people.delete(userId);
    approval = { approvers, count, timeoutMs, availableToCaller: people.size };
    lines.push(
      `Each request needs ${plural(count, 'approval', 'approvals')} from ` +
        `${listWords(approvers.map(labels.principal), 'or')}, not from the requester, within ${durationWords(timeoutMs)}.` +
        (people.size < count
          ? ` Only ${plural(people.size, 'person', 'people')} other than you can approve, so your requests would be refused.`
          : ''),
    );
  } else {
    lines.push('No approval is needed.');
  }
  if (rule.backfill)
    lines.push(`A backfill may have at most ${plural(rule.backfill.maxRuns, 'run', 'runs')}.`);
  return {
    ...base,
    ...(rule.channels && { channels: rule.channels }),
    ...(rule.users && { users: rule.users }),
    callerAllowed,
    ...(approval && { approval }),
    ...(rule.backfill && { backfillMaxRuns: rule.backfill.maxRuns }),
    lines,
  };
}

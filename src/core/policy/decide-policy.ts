import { FlowTriggerError } from '../errors';
import { matchesFlowPattern } from './match-flow-pattern';
import type { ChannelRef, GroupMembers, Policy, PolicyRule, PrincipalRef } from './policy';
import { durationWords, listWords, type PolicyLabels, plainPolicyLabels, plural } from './policy-words';

/** What is asked: a trigger (command, form, Run again, Edit and run), its preview, or a backfill. */
export type PolicyAction = { kind: 'trigger' } | { kind: 'preview' } | { kind: 'backfill'; runs: number };

export interface PolicyRequest {
  /** From Get Flow: globs match the name, so the name must be EnOS's, not typed by the caller. */
  flow: { flowId: number; flowName: string };
  /** Where the request was made; undefined from the console, which has no channel. */
  conversationId?: string;
  /** The caller's Slack user id. */
  userId: string;
  action: PolicyAction;
}

/** The rule that decided, as the file names it. */
export interface RuleRef {
  /** 0-based position in the file. */
  index: number;
  name: string;
}

export type PolicyRefusal =
  | { reason: 'denied'; message: string }
  /** `conversationId` undefined: asked from the console. */
  | { reason: 'channel'; channels: ChannelRef[]; conversationId?: string }
  | { reason: 'user'; users: PrincipalRef[] }
  | { reason: 'backfill-runs'; maxRuns: number; runs: number }
  /** Fewer people than `count` could approve once the requester is left out. */
  | { reason: 'approvers'; count: number; available: number };

export type PolicyDecision =
  /** `rule` undefined: no rule applies to the flow. */
  | { outcome: 'allowed'; rule?: RuleRef }
  | { outcome: 'refused'; rule: RuleRef; refusal: PolicyRefusal; why: string; how: string }
  | {
      outcome: 'needs-approval';
      rule: RuleRef;
      approvers: PrincipalRef[];
      count: number;
      timeoutMs: number;
      /** Slack user ids who may approve now: approvers and group members, without the requester. */
      eligibleApprovers: string[];
      /** For the request message: who must approve, and how long it waits. */
      summary: string;
    };

/** A user group's members could not be read, so the policy cannot say yes or no. */
export class PolicyLookupError extends FlowTriggerError {
  readonly code = 'POLICY_LOOKUP_FAILED';
  constructor(ruleName: string, options?: { cause?: unknown }) {
    super(
      `could not read the members of a user group named by policy rule "${ruleName}"`,
      `flow-trigger could not read from Slack who is in a user group that the policy rule "${ruleName}" ` +
        'names, so it cannot tell whether this request is allowed. Nothing was triggered; try again in a minute.',
      options,
    );
  }
}

/** The first rule whose `flows` match the flow: that rule alone decides. */
export function findPolicyRule(
  policy: Policy,
  flow: { flowId: number; flowName: string },
): PolicyRule | undefined {
  return policy.rules.find((rule) => rule.flows.some((pattern) => matchesFlowPattern(pattern, flow)));
}

/** The Slack user ids the principals stand for: users themselves, groups their members, each once. */
export async function peopleOf(
  principals: readonly PrincipalRef[],
  groupMembers: GroupMembers,
  ruleName: string,
): Promise<Set<string>> {
  const people = new Set<string>();
  for (const principal of principals) {
    if (principal.kind === 'user') {
      people.add(principal.id);
      continue;
    }
    let members: readonly string[];
    try {
      members = await groupMembers(principal.id);
    } catch (error) {
      throw new PolicyLookupError(ruleName, { cause: error });
    }
    for (const member of members) people.add(member);
  }
  return people;
}

/** Whether the caller is among the principals, asking for group members only when needed. */
export async function isAmong(
  userId: string,
  principals: readonly PrincipalRef[],
  groupMembers: GroupMembers,
  ruleName: string,
): Promise<boolean> {
  if (principals.some((p) => p.kind === 'user' && p.id === userId)) return true;
  const groups = principals.filter((p) => p.kind === 'group');
  return (await peopleOf(groups, groupMembers, ruleName)).has(userId);
}

/**
 * What the policy says about a request. The first rule whose `flows` match decides; no rule:
 * allowed. In that rule, in this order: `deny` refuses; `channels` must include the conversation
 * (the console has none, so it is refused); `users` must include the caller (directly or through a
 * user group); a backfill may have at most `backfill.max_runs` runs; `require_approval` then asks for
 * approvals from people other than the caller. Refusals carry their reason as data, and `why` and
 * `how` in words, naming channels and people through `labels`.
 *
 * Rejects with PolicyLookupError when a group's members cannot be read: the caller must then refuse.
 */
export async function decidePolicy(
  policy: Policy,
  request: PolicyRequest,
  groupMembers: GroupMembers,
  labels: PolicyLabels = plainPolicyLabels,
): Promise<PolicyDecision> {
  const rule = findPolicyRule(policy, request.flow);
  if (!rule) return { outcome: 'allowed' };
  const ref: RuleRef = { index: rule.index, name: rule.name };
  const refuse = (refusal: PolicyRefusal): PolicyDecision => ({
    outcome: 'refused',
    rule: ref,
    refusal,
    ...explainRefusal(rule.name, request, refusal, labels),
  });

  if (rule.deny !== undefined) return refuse({ reason: 'denied', message: rule.deny });
  if (rule.channels && !rule.channels.some((c) => c.id === request.conversationId)) {
    return refuse({
      reason: 'channel',
      channels: rule.channels,
      ...(request.conversationId !== undefined && { conversationId: request.conversationId }),
    });
  }
  if (rule.users && !(await isAmong(request.userId, rule.users, groupMembers, rule.name))) {
    return refuse({ reason: 'user', users: rule.users });
  }
  const { action } = request;
  if (action.kind === 'backfill' && rule.backfill && action.runs > rule.backfill.maxRuns) {
    return refuse({ reason: 'backfill-runs', maxRuns: rule.backfill.maxRuns, runs: action.runs });
  }
  const approval = rule.requireApproval;
  if (!approval) return { outcome: 'allowed', rule: ref };
  const people = await peopleOf(approval.approvers, groupMembers, rule.name);
  // The requester never approves their own request (as GitHub's "prevent self-review").
  people.delete(request.userId);
  if (people.size < approval.count) {
    return refuse({ reason: 'approvers', count: approval.count, available: people.size });
  }
  return {
    outcome: 'needs-approval',
    rule: ref,
    approvers: approval.approvers,
    count: approval.count,
    timeoutMs: approval.timeoutMs,
    eligibleApprovers: [...people].sort(),
    summary:
      `Policy rule "${rule.name}" needs ${plural(approval.count, 'approval', 'approvals')} from ` +
      `${listWords(approval.approvers.map(labels.principal), 'or')} (not from the requester) within ` +
      `${durationWords(approval.timeoutMs)}.`,
  };
}

function whatWords(request: PolicyRequest): string {
  return `${request.action.kind === 'backfill' ? 'backfill' : 'run'} flow ${request.flow.flowId}`;
}

/** Why the request is refused and what would get it allowed, in words. */
export function explainRefusal(
  ruleName: string,
  request: PolicyRequest,
  refusal: PolicyRefusal,
  labels: PolicyLabels = plainPolicyLabels,
): { why: string; how: string } {
  const rule = `Policy rule "${ruleName}"`;
  const what = whatWords(request);
  switch (refusal.reason) {
    case 'denied':
      return {
        why: `${rule} does not let anyone ${what}: ${refusal.message}`,
        how: 'This rule has no exception. If it should change, ask the people who maintain the policy file.',
      };
    case 'channel': {
      const channels = listWords(refusal.channels.map(labels.channel), 'or');
      return refusal.conversationId === undefined
        ? {
            why: `${rule} lets people ${what} only from ${channels}, and the console has no channel.`,
            how: `Run it from ${channels} in Slack.`,
          }
        : {
            why: `${rule} lets people ${what} only from ${channels}.`,
            how: `Run it from ${channels}: in the form, choose one under Post in.`,
          };
    }
    case 'user':
      return {
        why: `${rule} lets only ${listWords(refusal.users.map(labels.principal), 'and')} ${what}, and you are not among them.`,
        how: 'Ask one of them to run it, or ask the people who maintain the policy file to add you to the rule.',
      };
    case 'backfill-runs':
      return {
        why:
          `${rule} allows at most ${plural(refusal.maxRuns, 'run', 'runs')} per backfill of flow ` +
          `${request.flow.flowId}, and this one has ${refusal.runs}.`,
        how: `Split the range into backfills of at most ${plural(refusal.maxRuns, 'date', 'dates')} each.`,
      };
    case 'approvers':
      return {
        why:
          `${rule} needs ${plural(refusal.count, 'approval', 'approvals')} to ${what} from people other than ` +
          `you, and only ${plural(refusal.available, 'person', 'people')} other than you can approve.`,
        how: 'Ask another approver to request it, or ask the people who maintain the policy file to add approvers.',
      };
  }
}

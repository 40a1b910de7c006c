import {
  decidePolicy,
  type PolicyDecision,
  PolicyLookupError,
  type PolicyRequest,
} from '../core/policy/decide-policy';
import { type PolicyLabels, plainPolicyLabels } from '../core/policy/policy-words';
import type { PolicyCheck } from '../core/ports';
import { withinBudget } from '../core/within-budget';
import type { ListenerDeps } from './app-deps';
import type { PolicyGate } from './policy-gate';

/** Mentions: Slack shows names in each reader's client; ids from the file are checked (C…, U…, S…). */
export const slackPolicyLabels: PolicyLabels = {
  channel: (ref) => `<#${ref.id}>`,
  principal: (ref) => (ref.kind === 'user' ? `<@${ref.id}>` : `<!subteam^${ref.id}>`),
};

/** A refusal or a failed lookup, ready to tell the caller privately. */
export type PolicyVerdict =
  | { kind: 'allowed'; decision: PolicyDecision }
  | { kind: 'refused'; decision: PolicyDecision; why: string; how: string }
  | { kind: 'needs-approval'; decision: Extract<PolicyDecision, { outcome: 'needs-approval' }> };

/**
 * The one policy check for every surface (command, form, Run again, Edit and run, preview,
 * backfill): the request's flow must come from Get Flow as the caller. A rule that requires
 * approval says so (`needs-approval`); each surface decides what that means for it (a trigger asks
 * the approvers, a preview shows it). A user group that cannot be read refuses (PolicyLookupError's
 * words).
 */
export async function checkPolicy(
  deps: { policy?: PolicyGate },
  request: PolicyRequest,
  labels: PolicyLabels = slackPolicyLabels,
): Promise<PolicyVerdict> {
  const gate = deps.policy;
  const policy = gate?.current();
  if (!gate || !policy) return { kind: 'allowed', decision: { outcome: 'allowed' } };
  let decision: PolicyDecision;
  try {
    decision = await decidePolicy(policy, request, gate.groupMembers, labels);
  } catch (error) {
    if (!(error instanceof PolicyLookupError)) throw error;
    return {
      kind: 'refused',
      decision: { outcome: 'allowed' },
      why: error.userMessage,
      how: 'If it keeps failing, tell whoever runs flow-trigger (the scope usergroups:read may be missing).',
    };
  }
  switch (decision.outcome) {
    case 'allowed':
      return { kind: 'allowed', decision };
    case 'refused':
      return { kind: 'refused', decision, why: decision.why, how: decision.how };
    case 'needs-approval':
      return { kind: 'needs-approval', decision };
  }
}

/**
 * The form's inline refusal on Submit, within `budgetMs` (the ack must come within 3 s): Get Flow as
 * the caller, then the policy, in plain words (an inline error shows no mentions). Undefined when
 * allowed, when there is no policy, or when it could not be told in time: the job checks again
 * before anything is announced, so a late answer only moves the refusal from inline to private.
 */
export async function policyRefusalInline(
  deps: Pick<ListenerDeps, 'policy' | 'links' | 'enos'>,
  request: { teamId: string; slackUserId: string; flowId: number; conversationId?: string },
  budgetMs: number,
): Promise<string | undefined> {
  if (!deps.policy?.current() || budgetMs <= 0) return undefined;
  const check = async (): Promise<string | undefined> => {
    const identity = await deps.links.get(request.teamId, request.slackUserId);
    if (!identity) return undefined;
    const flow = await deps.enos.getFlow(identity, request.flowId);
    const verdict = await checkPolicy(
      deps,
      {
        flow: { flowId: request.flowId, flowName: flow.flowName },
        ...(request.conversationId ? { conversationId: request.conversationId } : {}),
        userId: request.slackUserId,
        action: { kind: 'trigger' },
      },
      plainPolicyLabels,
    );
    return verdict.kind === 'refused' ? `${verdict.why} ${verdict.how}` : undefined;
  };
  try {
    return await withinBudget(check(), budgetMs);
  } catch {
    return undefined;
  }
}

/**
 * The form's early warning (a flow chosen, or Edit and run): the policy's refusal in words, for the
 * conversation chosen so far, or the approval the request will need; undefined when allowed. The
 * submission and the job check again.
 */
export async function policyWarning(
  deps: { policy?: PolicyGate },
  request: { flow: { flowId: number; flowName: string }; slackUserId: string; conversationId?: string },
): Promise<string | undefined> {
  const verdict = await checkPolicy(deps, {
    flow: request.flow,
    ...(request.conversationId ? { conversationId: request.conversationId } : {}),
    userId: request.slackUserId,
    action: { kind: 'trigger' },
  });
  if (verdict.kind === 'needs-approval') {
    // Not a refusal: said early so that nobody is surprised that Submit posts a request instead.
    return `${verdict.decision.summary} Submit posts the request for them in the conversation; nothing runs before it is approved.`;
  }
  return verdict.kind === 'refused' ? `${verdict.why} ${verdict.how}` : undefined;
}

/**
 * The approval a trigger of this flow would need (the rule's summary, with mentions), or undefined:
 * for a preview, which is allowed whatever the rule, to say what its Trigger will do.
 */
export async function approvalNeeded(
  deps: { policy?: PolicyGate },
  request: { flow: { flowId: number; flowName: string }; slackUserId: string; conversationId: string },
): Promise<string | undefined> {
  const verdict = await checkPolicy(deps, {
    flow: request.flow,
    conversationId: request.conversationId,
    userId: request.slackUserId,
    action: { kind: 'trigger' },
  });
  return verdict.kind === 'needs-approval' ? verdict.decision.summary : undefined;
}

/**
 * The policy check of the surfaces that cannot ask for approval (PreviewDeps, the console, the
 * backfill preview): a refusal's words, or undefined when the request may go on. A preview is only
 * a look, so a rule that requires approval lets it through (its Trigger asks the approvers); a
 * trigger or backfill from here is refused, saying why.
 */
export function policyRefusalCheck(deps: {
  policy?: PolicyGate;
}): (request: PolicyRequest) => Promise<{ why: string; how: string } | undefined> {
  return async (request) => {
    const verdict = await checkPolicy(deps, request);
    if (verdict.kind === 'refused') return { why: verdict.why, how: verdict.how };
    if (verdict.kind === 'allowed' || request.action.kind === 'preview') return undefined;
    return {
      why: `${verdict.decision.summary} Approvals are collected for requests made in a Slack channel, and this one cannot be.`,
      how: 'Ask for it with `/flow-trigger` in a Slack channel where flow-trigger is a member.',
    };
  };
}

/**
 * The policy check of the Slack trigger path (TriggerDeps): a refusal's words, the approvals the
 * request needs (the job then posts the approval request), or undefined when allowed.
 */
export function policyTriggerCheck(deps: {
  policy?: PolicyGate;
}): (request: PolicyRequest) => Promise<PolicyCheck> {
  return async (request) => {
    const verdict = await checkPolicy(deps, request);
    if (verdict.kind === 'refused') return { why: verdict.why, how: verdict.how };
    if (verdict.kind === 'allowed') return undefined;
    const { rule, count, timeoutMs, eligibleApprovers, summary } = verdict.decision;
    return { needsApproval: { rule, count, timeoutMs, eligibleApprovers, summary } };
  };
}

import { beginBackfill } from '../backfill/begin-backfill';
import type { ApprovalNeed, Flow } from '../core/ports';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import { checkFailure, checkPrerequisites } from '../core/trigger-flow';
import type { ActionDeps } from './app-deps';
import { policyTriggerCheck } from './check-policy';
import { createSlackBackfillReporter } from './slack-backfill-reporter';
import {
  backfillBusyMessage,
  backfillCannotPostMessage,
  backfillStartedMessage,
} from './ui/backfill-thread-messages';
import { inertMessage } from './ui/inert-text';
import { type SlackMessage, textMessage } from './ui/slack-message';
import { noticeMessage, policyRefusedMessage, refusalText } from './ui/trigger-messages';

/** Kept here for the Slack callers: the shared start sequence owns it. */
export { BACKFILL_FLOW_CLAIM_TTL_MS } from '../backfill/begin-backfill';

/**
 * What may start a backfill: the plan's checks again, as the clicker, at the click. A policy rule
 * that requires approval does not refuse: `approval` says what it needs (one approval covers the
 * whole range), for the Start click to ask for it, and for the approved start to pass.
 */
export async function checkBackfillStart(
  deps: ActionDeps,
  plan: StoredBackfillPlan,
  clicker: string,
): Promise<{ ok: true; flow: Flow; approval?: ApprovalNeed } | { ok: false; message: SlackMessage }> {
  const link = await deps.links.get(plan.teamId, clicker);
  if (!link) {
    return {
      ok: false,
      message: noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {}),
    };
  }
  let flow: Flow;
  try {
    flow = await deps.enos.getFlow(link, plan.flowId);
  } catch (error) {
    const result = checkFailure(error, plan.flowId, link);
    if (result.kind === 'refused') return { ok: false, message: textMessage(refusalText(result)) };
    return {
      ok: false,
      message: textMessage(
        `:x: Could not read flow ${plan.flowId} from EnOS, so the backfill did not start: ` +
          `${inertMessage(result.kind === 'failed' ? result.error.userMessage : 'unknown error')}`,
      ),
    };
  }
  const reason = checkPrerequisites(flow, link);
  if (reason) {
    return {
      ok: false,
      message: textMessage(
        refusalText({ kind: 'refused', reason, flowId: plan.flowId, flow, identity: link }),
      ),
    };
  }
  const policy = await policyTriggerCheck(deps)({
    flow: { flowId: flow.flowId, flowName: flow.flowName },
    conversationId: plan.channelId,
    userId: clicker,
    action: { kind: 'backfill', runs: plan.runs.length },
  });
  if (policy && 'needsApproval' in policy) return { ok: true, flow, approval: policy.needsApproval };
  if (policy) return { ok: false, message: policyRefusedMessage({ flowId: flow.flowId, ...policy }) };
  return { ok: true, flow };
}

/**
 * Starts a checked plan (docs/product.md, "Backfill"): the flow's one-backfill claim, the parent
 * message and the progress reply in the plan's conversation, the record (running, due now), and
 * the engine kicked. Resolves with what to tell `startedBy` privately. The seam for an approval:
 * once approved, it calls this with the plan and the caller.
 */
export async function startBackfill(
  deps: ActionDeps,
  plan: StoredBackfillPlan,
  flow: Pick<Flow, 'flowName' | 'owners'>,
  startedBy: { slackUserId: string; teamDomain?: string; approvalId?: string },
): Promise<SlackMessage> {
  const outcome = await beginBackfill(
    {
      claims: deps.claims,
      backfills: deps.backfills,
      clock: deps.clock,
      newId: deps.newId,
      logger: deps.logger,
      reporter: createSlackBackfillReporter(deps, deps.logger),
      engine: deps.backfillEngine,
    },
    plan,
    flow,
    startedBy.slackUserId,
    startedBy.approvalId,
  );
  switch (outcome.kind) {
    case 'busy':
      return backfillBusyMessage(plan.flowId, outcome.first, startedBy.teamDomain);
    case 'not-announced':
      return outcome.reason === 'cannot-post'
        ? backfillCannotPostMessage()
        : textMessage(
            ':x: Slack did not take the backfill’s first message, so nothing was started. Try again.',
          );
    case 'started':
      return backfillStartedMessage(outcome.record, startedBy.teamDomain);
  }
}

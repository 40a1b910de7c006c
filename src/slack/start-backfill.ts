import { beginBackfill } from '../backfill/begin-backfill';
import type { Flow } from '../core/ports';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import { checkFailure, checkPrerequisites } from '../core/trigger-flow';
import type { ActionDeps } from './app-deps';
import { policyRefusalCheck } from './check-policy';
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

/** What may start a backfill: the plan's checks again, as the clicker, at the click. */
export async function checkBackfillStart(
  deps: ActionDeps,
  plan: StoredBackfillPlan,
  clicker: string,
): Promise<{ ok: true; flow: Flow } | { ok: false; message: SlackMessage }> {
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
  const refused = await policyRefusalCheck(deps)({
    flow: { flowId: flow.flowId, flowName: flow.flowName },
    conversationId: plan.channelId,
    userId: clicker,
    action: { kind: 'backfill', runs: plan.runs.length },
  });
  if (refused) return { ok: false, message: policyRefusedMessage({ flowId: flow.flowId, ...refused }) };
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
  startedBy: { slackUserId: string; teamDomain?: string },
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

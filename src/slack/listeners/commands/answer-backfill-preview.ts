import type { BackfillRequest } from '../../../core/parse-backfill';
import type { BackfillRefusal } from '../../../core/plan-backfill';
import { type BackfillPreviewOutcome, previewBackfill } from '../../../core/preview-backfill';
import { BACKFILL_PLAN_TTL_MS } from '../../../core/stored-backfill-plan';
import type { TriggerPathDeps } from '../../app-deps';
import { policyTriggerCheck } from '../../check-policy';
import { backfillPreviewMessage } from '../../ui/backfill-preview-message';
import { inertMessage } from '../../ui/inert-text';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { noticeMessage, policyRefusedMessage, refusalText } from '../../ui/trigger-messages';

/**
 * `/flow-trigger backfill …`: the private preview of a backfill. The use case (previewBackfill, in
 * the core, shared with the console) gives the checks and the planned runs; this says them in
 * Slack. Nothing is triggered. A policy rule that requires approval does not refuse here (Slack can
 * ask for it): the preview says who must approve, and its button asks them.
 * The form shows the same answer, and learns of a plan's refusal through `onPlanRefused` to show
 * it on the field it is about.
 */
export async function answerBackfillPreview(
  deps: TriggerPathDeps,
  who: { teamId: string; slackUserId: string; channelId: string },
  request: BackfillRequest,
  onPlanRefused?: (refusal: BackfillRefusal) => void,
): Promise<SlackMessage> {
  const policyCheck = policyTriggerCheck(deps);
  // Who must approve (the rule's summary), when a rule requires approval: the Start click asks them.
  let approval: string | undefined;
  const outcome = await previewBackfill(
    {
      links: deps.links,
      enos: { getFlow: (caller, flowId) => deps.enos.getFlow(caller, flowId) },
      clock: deps.clock,
      zoneOf: deps.zoneOf,
      serverZone: deps.enosServerZone ?? 'UTC',
      ...(deps.backfill ? { backfill: deps.backfill } : {}),
      checkPolicy: async (request) => {
        const verdict = await policyCheck(request);
        if (verdict && 'needsApproval' in verdict) {
          approval = verdict.needsApproval.summary;
          return undefined;
        }
        return verdict;
      },
    },
    { teamId: who.teamId, slackUserId: who.slackUserId, conversationId: who.channelId },
    request,
  );
  if (outcome.kind === 'plan-refused') onPlanRefused?.(outcome.refusal);
  // The Start button carries only this id: what starts is what this preview shows, for its previewer.
  let startId: string | undefined;
  if (outcome.kind === 'preview' && outcome.refusal === undefined) {
    const { flow, identity, plan } = outcome;
    startId = deps.newId();
    await deps.backfillPlans.put(
      {
        id: startId,
        teamId: who.teamId,
        slackUserId: who.slackUserId,
        channelId: who.channelId,
        flowId: flow.flowId,
        flowName: flow.flowName,
        identity: { userId: identity.userId, orgId: identity.orgId, userName: identity.userName },
        runs: plan.runs.map((run) => ({
          businessDate: run.businessDate,
          triggerTime: run.triggerTime,
          local: run.local,
        })),
        order: request.order,
        onFailure: request.onFailure,
        parameters: request.parameters,
        zone: plan.zone,
        serverZone: plan.serverZone,
        createdAt: deps.clock(),
      },
      BACKFILL_PLAN_TTL_MS,
    );
  }
  return backfillPreviewAnswer(outcome, {
    flowId: request.flowId,
    admins: deps.admins,
    selfLink: deps.selfLink,
    ...(startId ? { startId } : {}),
    ...(approval ? { approval } : {}),
  });
}

/**
 * A backfill preview's outcome in words: the one wording of Slack's `backfill …` and the console's
 * (which shows it as plain lines).
 */
export function backfillPreviewAnswer(
  outcome: BackfillPreviewOutcome,
  options: {
    flowId: number;
    admins: string[];
    selfLink: boolean;
    /** The stored plan's id, for the Start button (absent: no button, as in the console). */
    startId?: string;
    /** Who must approve (the policy rule's summary), when the backfill needs approval. */
    approval?: string;
  },
): SlackMessage {
  switch (outcome.kind) {
    case 'not-linked':
      return noticeMessage({ kind: 'not-linked', admins: options.admins, selfLink: options.selfLink }, {});
    case 'check-failed': {
      const { result } = outcome;
      if (result.kind === 'refused') return textMessage(refusalText(result));
      return textMessage(
        `:x: Could not read flow ${options.flowId} from EnOS, so there is no preview: ` +
          `${inertMessage(result.error.userMessage)}`,
      );
    }
    case 'plan-refused':
      return textMessage(`:x: No backfill. ${inertMessage(outcome.refusal.message)}`);
    case 'policy-refused':
      return policyRefusedMessage({ flowId: outcome.flow.flowId, why: outcome.why, how: outcome.how });
    case 'preview': {
      const { flow, identity, refusal: reason } = outcome;
      const refusal =
        reason === undefined
          ? undefined
          : refusalText({ kind: 'refused', reason, flowId: flow.flowId, flow, identity });
      return backfillPreviewMessage({
        flow,
        identity,
        plan: outcome.plan,
        order: outcome.order,
        onFailure: outcome.onFailure,
        given: outcome.given,
        ...(refusal ? { refusal } : {}),
        ...(options.startId ? { startId: options.startId } : {}),
        ...(options.approval ? { approval: options.approval } : {}),
      });
    }
  }
}

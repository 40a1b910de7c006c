import { type ApprovalRequest, pendingApprovalOf } from '../core/approval-request';
import { claimKey } from '../core/claim-key';
import type { ApprovalNeed, Flow } from '../core/ports';
import { BACKFILL_PLAN_TTL_MS, type StoredBackfillPlan } from '../core/stored-backfill-plan';
import type { ActionDeps } from './app-deps';
import { openApprovalRequest } from './open-approval-request';
import { backfillApprovalAskedMessage } from './ui/backfill-approval-messages';
import { messageUrl } from './ui/mrkdwn';
import type { SlackMessage } from './ui/slack-message';
import { policyRefusedMessage } from './ui/trigger-messages';

/**
 * The Start click of a backfill whose policy rule requires approval (docs/product.md, "Backfill":
 * one approval covers the whole range): one approval request for the whole plan, posted in the
 * plan's conversation with the plan's fields as its payload (`details`, what startBackfill needs
 * once approved: src/slack/start-approved-backfill.ts). Nothing runs here. A plan asks once: a
 * second click is told where the first request is. Resolves with what to tell the clicker privately.
 */
export async function askBackfillApproval(
  deps: ActionDeps,
  plan: StoredBackfillPlan,
  flow: Pick<Flow, 'flowId' | 'flowName'>,
  need: ApprovalNeed,
  requester: { slackUserId: string; teamDomain?: string },
): Promise<SlackMessage> {
  if (!deps.approvals) {
    return policyRefusedMessage({
      flowId: flow.flowId,
      why: `${need.summary} This flow-trigger keeps no approval requests, so it cannot ask for it.`,
      how: 'Tell whoever runs flow-trigger.',
    });
  }
  const id = deps.newId();
  // One request per plan, for as long as its button works: a double click does not ask twice.
  const onceKey = claimKey('backfill-approval', plan.teamId, plan.id);
  const once = await deps.claims.claim(onceKey, id, BACKFILL_PLAN_TTL_MS);
  if (!once.claimed) {
    const earlier = await deps.approvals.get(once.existing).catch(() => undefined);
    const where = earlier?.message
      ? ` See <${messageUrl(requester.teamDomain, earlier.message.channelId, earlier.message.ts)}|the request>.`
      : '';
    return policyRefusedMessage({
      flowId: flow.flowId,
      why: `Approval for this backfill was already asked for from this preview.${where}`,
      how: 'Wait for the approvers; to ask again, run `/flow-trigger backfill …` again.',
    });
  }
  const now = deps.clock();
  const dates = plan.runs.map((run) => run.businessDate).sort();
  const request: ApprovalRequest = {
    id,
    teamId: plan.teamId,
    requesterId: requester.slackUserId,
    channelId: plan.channelId,
    ...(requester.teamDomain ? { teamDomain: requester.teamDomain } : {}),
    source: 'button',
    payload: {
      kind: 'backfill',
      flowId: flow.flowId,
      flowName: flow.flowName,
      runs: plan.runs.length,
      range: dates.length <= 1 ? (dates[0] ?? '') : `${dates[0]} … ${dates[dates.length - 1]}`,
      parameters: plan.parameters,
      details: { ...plan },
    },
    ...pendingApprovalOf(need, now),
  };
  let opened: ApprovalRequest | undefined;
  try {
    opened = await openApprovalRequest(deps, request);
  } catch (error) {
    await deps.claims.release(onceKey).catch(() => undefined);
    throw error;
  }
  if (!opened) {
    await deps.claims.release(onceKey).catch(() => undefined);
    return policyRefusedMessage({
      flowId: flow.flowId,
      why: `${need.summary} flow-trigger cannot post in this conversation, so nobody could see the request to approve it.`,
      how: 'Invite flow-trigger to the channel (`/invite @flow-trigger`) and ask again, or ask from a channel it is in.',
    });
  }
  deps.logger.info(
    {
      team: plan.teamId,
      user: requester.slackUserId,
      requestId: id,
      flowId: flow.flowId,
      runs: plan.runs.length,
    },
    'backfill approval requested',
  );
  return backfillApprovalAskedMessage(opened, requester.teamDomain);
}

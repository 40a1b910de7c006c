import type { BackfillRequest } from '../../../core/parse-backfill';
import { BACKFILL_DEFAULTS, planBackfill } from '../../../core/plan-backfill';
import type { Flow } from '../../../core/ports';
import { compareParameters } from '../../../core/preview-trigger';
import { BACKFILL_PLAN_TTL_MS } from '../../../core/stored-backfill-plan';
import { checkFailure, checkPrerequisites } from '../../../core/trigger-flow';
import type { CommandDeps } from '../../app-deps';
import { policyRefusalCheck } from '../../check-policy';
import { backfillPreviewMessage } from '../../ui/backfill-preview-message';
import { inertMessage } from '../../ui/inert-text';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { noticeMessage, policyRefusedMessage, refusalText } from '../../ui/trigger-messages';

/**
 * `/flow-trigger backfill …`: the private preview of a backfill. Get Flow as the caller gives the
 * checks and the flow's cron (its daily time of day); planBackfill turns the business dates into
 * trigger times in the server's zone. Nothing is triggered.
 */
export async function answerBackfillPreview(
  deps: CommandDeps,
  who: { teamId: string; slackUserId: string; channelId: string },
  request: BackfillRequest,
): Promise<SlackMessage> {
  const link = await deps.links.get(who.teamId, who.slackUserId);
  if (!link) return noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {});
  let flow: Flow;
  try {
    flow = await deps.enos.getFlow(link, request.flowId);
  } catch (error) {
    // Refused (not found, no access, locked user) or failed: checkFailure says which; others throw.
    const result = checkFailure(error, request.flowId, link);
    if (result.kind === 'refused') return textMessage(refusalText(result));
    if (result.kind === 'failed') {
      return textMessage(
        `:x: Could not read flow ${request.flowId} from EnOS, so there is no preview: ` +
          `${inertMessage(result.error.userMessage)}`,
      );
    }
    throw error;
  }
  const planned = planBackfill({
    range: request.range,
    ...(request.at ? { at: request.at } : {}),
    ...(request.zone ? { zone: request.zone } : {}),
    callerZone: request.zone ?? (await deps.zoneOf(who.teamId, who.slackUserId)),
    serverZone: deps.enosServerZone ?? 'UTC',
    now: deps.clock(),
    calDtOffsetDays: deps.backfill?.calDtOffsetDays ?? BACKFILL_DEFAULTS.calDtOffsetDays,
    maxRuns: deps.backfill?.maxRuns ?? BACKFILL_DEFAULTS.maxRuns,
    ...(flow.freq ? { freq: flow.freq } : {}),
    order: request.order,
  });
  if (!planned.ok) return textMessage(`:x: No backfill. ${inertMessage(planned.refusal.message)}`);
  // After planning: a rule's backfill.max_runs counts the runs planned.
  const refused = await policyRefusalCheck(deps)({
    flow: { flowId: flow.flowId, flowName: flow.flowName },
    conversationId: who.channelId,
    userId: who.slackUserId,
    action: { kind: 'backfill', runs: planned.plan.runs.length },
  });
  if (refused) return policyRefusedMessage({ flowId: flow.flowId, ...refused });
  const reason = checkPrerequisites(flow, link);
  const refusal =
    reason === undefined
      ? undefined
      : refusalText({ kind: 'refused', reason, flowId: flow.flowId, flow, identity: link });
  // The Start button carries only this id: what starts is what this preview shows, for its previewer.
  let startId: string | undefined;
  if (!refusal) {
    startId = deps.newId();
    await deps.backfillPlans.put(
      {
        id: startId,
        teamId: who.teamId,
        slackUserId: who.slackUserId,
        channelId: who.channelId,
        flowId: flow.flowId,
        flowName: flow.flowName,
        identity: { userId: link.userId, orgId: link.orgId, userName: link.userName },
        runs: planned.plan.runs.map((run) => ({
          businessDate: run.businessDate,
          triggerTime: run.triggerTime,
          local: run.local,
        })),
        order: request.order,
        onFailure: request.onFailure,
        parameters: request.parameters,
        zone: planned.plan.zone,
        serverZone: planned.plan.serverZone,
        createdAt: deps.clock(),
      },
      BACKFILL_PLAN_TTL_MS,
    );
  }
  return backfillPreviewMessage({
    flow,
    identity: link,
    plan: planned.plan,
    order: request.order,
    onFailure: request.onFailure,
    given: compareParameters(flow.parameters, request.parameters).given,
    ...(refusal ? { refusal } : {}),
    ...(startId ? { startId } : {}),
  });
}

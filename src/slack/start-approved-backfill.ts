import type { ApprovalRequest } from '../core/approval-request';
import { storedBackfillPlanSchema } from '../store/record-schemas';
import type { ActionDeps } from './app-deps';
import { postInThread } from './approval-decisions';
import { checkBackfillStart, startBackfill } from './start-backfill';
import { backfillApprovedNotStartedText } from './ui/backfill-approval-messages';
import { textMessage } from './ui/slack-message';

/**
 * The app's `onBackfillApproved` (docs/product.md, "Backfill": one approval covers the whole
 * range): the plan the request carries is checked again as its requester (link, Get Flow, owner,
 * locks, the policy's refusals; the approval it needed is the one just given), then started as
 * theirs. The outcome goes in the approval request's thread: started, with a link to the
 * backfill's thread, or why not. The approvers are in the request (and its thread), not in the
 * backfill's record.
 */
export async function startApprovedBackfill(deps: ActionDeps, request: ApprovalRequest): Promise<void> {
  if (request.payload.kind !== 'backfill') return;
  const log = deps.logger.child({ team: request.teamId, requestId: request.id });
  const notStarted = (why: string) =>
    postInThread(deps, request, textMessage(backfillApprovedNotStartedText(request, why)), log);
  const parsed = storedBackfillPlanSchema.safeParse(request.payload.details);
  if (
    !parsed.success ||
    parsed.data.teamId !== request.teamId ||
    parsed.data.flowId !== request.payload.flowId
  ) {
    log.error({ issues: parsed.error?.issues.length }, 'an approved backfill request holds no valid plan');
    await notStarted(
      'the request does not hold a backfill plan this flow-trigger can read. Preview it again.',
    );
    return;
  }
  const plan = parsed.data;
  const approvedBy = request.approvedBy.map((a) => a.userId);
  try {
    const checked = await checkBackfillStart(deps, plan, request.requesterId);
    if (!checked.ok) {
      log.info({ flowId: plan.flowId, approvedBy }, 'approved backfill refused at its start');
      await notStarted(checked.message.text);
      return;
    }
    const outcome = await startBackfill(deps, plan, checked.flow, {
      slackUserId: request.requesterId,
      approvalId: request.id,
      ...(request.teamDomain ? { teamDomain: request.teamDomain } : {}),
    });
    log.info({ flowId: plan.flowId, approvedBy }, 'approved backfill: start answered');
    await postInThread(deps, request, outcome, log);
  } catch (error) {
    log.error({ err: error, flowId: plan.flowId }, 'an approved backfill could not start');
    await notStarted('flow-trigger failed while starting it (see its logs). Preview it again and ask again.');
  }
}

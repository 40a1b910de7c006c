import type { BackfillRecord } from '../core/backfill';
import { backfillFlowKey } from '../core/backfill';
import type { ApprovalNeed, Flow } from '../core/ports';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import { checkFailure, checkPrerequisites } from '../core/trigger-flow';
import type { ActionDeps } from './app-deps';
import { policyTriggerCheck } from './check-policy';
import { retryRateLimited } from './retry-rate-limited';
import { slackErrorCode } from './slack-reporter';
import {
  backfillBusyMessage,
  backfillCannotPostMessage,
  backfillParentMessage,
  backfillProgressReply,
  backfillStartedMessage,
} from './ui/backfill-thread-messages';
import { inertMessage } from './ui/inert-text';
import { type SlackMessage, textMessage } from './ui/slack-message';
import { noticeMessage, policyRefusedMessage, refusalText } from './ui/trigger-messages';

/**
 * How long the flow's claim (one backfill per flow) lasts without its end releasing it: far beyond
 * any backfill (BACKFILL_MAX_RUNS runs), so that one lost by a crash before its record was written
 * does not hold the flow forever.
 */
export const BACKFILL_FLOW_CLAIM_TTL_MS = 30 * 24 * 60 * 60 * 1000;

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
  const id = deps.newId();
  const log = deps.logger.child({ team: plan.teamId, user: startedBy.slackUserId, backfillId: id });
  const flowKey = backfillFlowKey(plan.teamId, plan.flowId);
  const claim = await deps.claims.claim(flowKey, id, BACKFILL_FLOW_CLAIM_TTL_MS);
  if (!claim.claimed) {
    const first = await deps.backfills.get(plan.teamId, claim.existing);
    return backfillBusyMessage(plan.flowId, first, startedBy.teamDomain);
  }
  const now = deps.clock();
  const draft: BackfillRecord = {
    id,
    teamId: plan.teamId,
    slackUserId: startedBy.slackUserId,
    identity: plan.identity,
    flowId: plan.flowId,
    flowName: flow.flowName,
    owners: flow.owners,
    parameters: plan.parameters,
    order: plan.order,
    onFailure: plan.onFailure,
    zone: plan.zone,
    serverZone: plan.serverZone,
    channelId: plan.channelId,
    runs: plan.runs.map((run) => ({ ...run, state: 'pending', attempts: 0 })),
    status: 'running',
    nextAt: now,
    createdAt: now,
    updatedAt: now,
    ...(startedBy.approvalId ? { approvalId: startedBy.approvalId } : {}),
  };
  let threadTs: string;
  try {
    const parent = await retryRateLimited(() =>
      deps.slackClient.chat.postMessage({
        channel: plan.channelId,
        ...backfillParentMessage({ ...plan, flowName: flow.flowName }, startedBy.slackUserId),
        unfurl_links: false,
      }),
    );
    if (!parent.ts) throw new Error('chat.postMessage answered without a ts');
    threadTs = parent.ts;
  } catch (error) {
    await deps.claims.release(flowKey).catch(() => undefined);
    const code = slackErrorCode(error);
    log.warn(
      { err: error, error: code, channel: plan.channelId },
      'could not post a backfill’s parent message',
    );
    if (code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived') {
      return backfillCannotPostMessage();
    }
    return textMessage(
      ':x: Slack did not take the backfill’s first message, so nothing was started. Try again.',
    );
  }
  let record: BackfillRecord = { ...draft, threadTs };
  try {
    const reply = await retryRateLimited(() =>
      deps.slackClient.chat.postMessage({
        channel: plan.channelId,
        thread_ts: threadTs,
        ...backfillProgressReply(record),
        unfurl_links: false,
      }),
    );
    if (reply.ts)
      record = { ...record, progress: { channelId: reply.channel ?? plan.channelId, ts: reply.ts } };
  } catch (error) {
    // The runs still go; the end message still comes.
    log.warn({ err: error, error: slackErrorCode(error) }, 'could not post a backfill’s progress reply');
  }
  try {
    await deps.backfills.put(record);
  } catch (error) {
    await deps.claims.release(flowKey).catch(() => undefined);
    throw error;
  }
  log.info({ flowId: plan.flowId, runs: plan.runs.length }, 'backfill started');
  void deps.backfillEngine.kick(record.teamId, record.id);
  return backfillStartedMessage(record, startedBy.teamDomain);
}

import type { Logger } from 'pino';
import type { ApprovalAction, ApprovalEffect } from '../core/approval-decide';
import { type ApprovalRequest, auditApprovalOf } from '../core/approval-request';
import { updateApproval } from '../core/approval-update';
import { claimKey } from '../core/claim-key';
import type { AuditRecord } from '../core/ports';
import type { TriggerJob } from '../core/trigger-job';
import type { TriggerPathDeps } from './app-deps';
import { enqueueJob } from './job-runner';
import { retryRateLimited } from './retry-rate-limited';
import {
  approvalMissingMessage,
  approvalNotRecordedMessage,
  approvalPrivateMessage,
  approvalRequestMessage,
  approvalThreadMessage,
  approvalTimePassedMessage,
  backfillNotWiredMessage,
} from './ui/approval-messages';
import type { SlackMessage } from './ui/slack-message';

/** What a decision needs from the app: the trigger path (to start the approved job) and the store. */
export type ApprovalDeps = TriggerPathDeps;

/** Who decided what, and how to answer them privately (never throws). */
export interface ApprovalClick {
  requestId: string;
  userId: string;
  /** The clicker's workspace: a request of another workspace is not theirs to decide. */
  teamId?: string;
  action: ApprovalAction;
  tell(message: SlackMessage): Promise<void>;
  log: Logger;
}

/** The audit outcome codes of a request that never ran (AuditRecord.error.code). */
const NOT_RUN_CODE: Partial<Record<ApprovalEffect['kind'], string>> = {
  rejected: 'approval-rejected',
  withdrawn: 'approval-withdrawn',
  expired: 'approval-expired',
};

/**
 * One decision from Slack (a button, the Reject modal, the expiry pass): made atomically on the
 * stored request (core/approval-update.ts), then shown: the request message edited (its buttons go
 * once it is final), a line in its thread, the audit record, and, for the last approval needed,
 * the approved trigger as a job of the durable intake. A click that changed nothing is answered
 * privately. The job is written under the request's lock, before the request is marked approved,
 * so that a replica dying in between leaves a job that recovery runs, never an approval that does
 * nothing; and only the one decision that approved it writes it.
 */
export async function decideFromSlack(deps: ApprovalDeps, click: ApprovalClick): Promise<void> {
  const approvals = deps.approvals;
  if (!approvals) {
    await click.tell(approvalMissingMessage());
    return;
  }
  if (click.teamId !== undefined) {
    let request: ApprovalRequest | undefined;
    try {
      request = await approvals.get(click.requestId);
    } catch (error) {
      click.log.error({ err: error, requestId: click.requestId }, 'could not read an approval request');
      await click.tell(approvalNotRecordedMessage());
      return;
    }
    if (request?.teamId !== click.teamId) {
      await click.tell(approvalMissingMessage());
      return;
    }
  }
  let job: TriggerJob | undefined;
  let timePassed = false;
  let update: Awaited<ReturnType<typeof updateApproval>>;
  try {
    update = await updateApproval(
      { approvals, claims: deps.claims, clock: deps.clock },
      click.requestId,
      click.userId,
      click.action,
      async (request, effect) => {
        if (effect.kind !== 'approved' || request.payload.kind !== 'trigger') return;
        const now = deps.clock();
        const { time } = request.payload;
        // A time that was ahead when asked and passed while waiting: not run back-dated unasked.
        if (!time.immediate && !time.backdated && time.epochMs <= now) {
          timePassed = true;
          return;
        }
        // Written once: if an earlier decision wrote the job and then failed to mark the request
        // approved, that job (or its run) is left alone rather than replaced by a fresh one.
        if (await deps.jobs.get(request.id)) return;
        const record = await deps.audit.get(request.teamId, request.id);
        if (record && record.outcome !== 'pending') return;
        job = approvedJob(deps, request, now);
        await deps.jobs.put(job);
      },
    );
  } catch (error) {
    click.log.error({ err: error, requestId: click.requestId }, 'could not record an approval decision');
    await click.tell(approvalNotRecordedMessage());
    return;
  }
  if (update.kind === 'missing') {
    await click.tell(approvalMissingMessage());
    return;
  }
  const { request, effect } = update;
  const privately = approvalPrivateMessage(request, effect);
  if (privately) await click.tell(privately);
  const thread = approvalThreadMessage(request, effect, click.userId);
  if (!thread) return;
  click.log.info(
    { requestId: request.id, effect: effect.kind, by: click.userId, flowId: request.payload.flowId },
    'approval request decided',
  );
  await showDecision(deps, request, thread, click.log);
  if (effect.kind === 'counted') {
    await auditDecision(deps, request, {}, click.log);
    return;
  }
  const code = NOT_RUN_CODE[effect.kind];
  if (code) {
    await auditDecision(deps, request, notRun(code, `the approval request was ${effect.kind}`), click.log);
    return;
  }
  // Approved.
  if (request.payload.kind === 'backfill') {
    await startBackfill(deps, request, click.log);
    return;
  }
  if (timePassed) {
    await postInThread(deps, request, approvalTimePassedMessage(request), click.log);
    await auditDecision(
      deps,
      request,
      notRun('approval-time-passed', 'approved after the time asked for had passed'),
      click.log,
    );
    return;
  }
  if (job) {
    // In the queue here; if it is full, the job waits in the store for recovery (its dueAt).
    const enqueued = enqueueJob(deps, job, click.log);
    if (!enqueued.queued) {
      click.log.info(
        { jobId: job.id, reason: enqueued.reason },
        'approved trigger left to recovery: queue full',
      );
    }
  }
}

/** The job an approved trigger request becomes: same id (its audit record), the request's thread. */
function approvedJob(deps: ApprovalDeps, request: ApprovalRequest, now: number): TriggerJob {
  if (request.payload.kind !== 'trigger') throw new Error('not a trigger request');
  if (!request.message) throw new Error(`approval request ${request.id} has no message to report in`);
  return {
    id: request.id,
    origin: {
      teamId: request.teamId,
      slackUserId: request.requesterId,
      channelId: request.channelId,
      ...(request.teamDomain ? { teamDomain: request.teamDomain } : {}),
      deliveryKey: claimKey('approval', request.id),
      source: request.source,
    },
    command: {
      flowId: request.payload.flowId,
      when: request.payload.when,
      parameters: request.payload.parameters,
    },
    acceptedAt: now,
    dueAt: now + deps.jobRunner.leaseMs,
    state: { step: 'accepted' },
    approved: {
      requestedAt: request.requestedAt,
      // "now" runs at the approval (resolved against acceptedAt); any other time as shown.
      ...(request.payload.time.immediate ? {} : { time: request.payload.time }),
      thread: { channelId: request.message.channelId, threadTs: request.message.ts },
      approvedBy: request.approvedBy.map((a) => a.userId),
      approvedAt: now,
    },
  };
}

function notRun(code: string, message: string): Partial<AuditRecord> {
  return { outcome: 'refused', error: { code, message } };
}

/** The request message edited to its state (buttons only while pending), then the thread line. */
async function showDecision(
  deps: ApprovalDeps,
  request: ApprovalRequest,
  thread: SlackMessage,
  log: Logger,
): Promise<void> {
  if (request.message) {
    const { channelId, ts } = request.message;
    try {
      await retryRateLimited(() =>
        deps.slackClient.chat.update({ channel: channelId, ts, ...approvalRequestMessage(request) }),
      );
    } catch (error) {
      log.warn({ err: error, requestId: request.id }, 'could not update the approval request message');
    }
  }
  await postInThread(deps, request, thread, log);
}

/** A line in the request's thread; where there is none (or it fails), a DM to the requester. */
export async function postInThread(
  deps: ApprovalDeps,
  request: ApprovalRequest,
  message: SlackMessage,
  log: Logger,
): Promise<void> {
  if (request.message) {
    const { channelId, ts } = request.message;
    try {
      await retryRateLimited(() =>
        deps.slackClient.chat.postMessage({
          channel: channelId,
          thread_ts: ts,
          ...message,
          unfurl_links: false,
        }),
      );
      return;
    } catch (error) {
      log.warn({ err: error, requestId: request.id }, 'could not post in the approval thread; sending a DM');
    }
  }
  try {
    await retryRateLimited(() =>
      deps.slackClient.chat.postMessage({ channel: request.requesterId, ...message, unfurl_links: false }),
    );
  } catch (error) {
    log.error(
      { err: error, requestId: request.id },
      'could not tell the requester about their approval request',
    );
  }
}

/** The audit record learns who decided (and, for a request that never ran, how it ended). */
async function auditDecision(
  deps: ApprovalDeps,
  request: ApprovalRequest,
  patch: Partial<AuditRecord>,
  log: Logger,
): Promise<void> {
  try {
    const record = await deps.audit.get(request.teamId, request.id);
    if (!record) return;
    await deps.audit.put({
      ...record,
      ...patch,
      approval: auditApprovalOf(request),
      updatedAt: new Date(deps.clock()).toISOString(),
    });
  } catch (error) {
    log.error(
      { err: error, requestId: request.id, approval: auditApprovalOf(request) },
      'could not audit an approval decision',
    );
  }
}

/** An approved backfill: the engine's port when wired, else the thread says it cannot start. */
async function startBackfill(deps: ApprovalDeps, request: ApprovalRequest, log: Logger): Promise<void> {
  if (request.payload.kind !== 'backfill') return;
  const approvers = request.approvedBy.map((a) => a.userId);
  await auditDecision(deps, request, {}, log);
  if (!deps.onBackfillApproved) {
    await postInThread(deps, request, backfillNotWiredMessage(request), log);
    return;
  }
  try {
    await deps.onBackfillApproved(request.payload, approvers, request);
  } catch (error) {
    log.error({ err: error, requestId: request.id }, 'an approved backfill could not start');
  }
}

import type { ApprovalRequest } from '../core/approval-request';
import { attachApprovalMessage } from '../core/approval-update';
import type { ListenerDeps } from './app-deps';
import { createSlackReporter } from './slack-reporter';

/**
 * Opens an approval request outside the trigger job: for the backfill's Start (one approval covers
 * the whole range; its payload is `{ kind: 'backfill', … }`, started on approval through
 * `onBackfillApproved`). The same sequence as a trigger's (core/trigger-flow.ts, askForApproval):
 * the pending record first (indexed by its deadline, so that it expires even if the rest fails),
 * then the message in the conversation, then where it was posted, under the request's lock.
 *
 * Resolves with the request as stored, or undefined where the bot cannot post in the conversation
 * (nobody could approve it: the caller refuses, saying so); the record is then removed. Rejects
 * when the store or Slack fails (the record removed where it was written).
 */
export async function openApprovalRequest(
  deps: Pick<ListenerDeps, 'approvals' | 'claims' | 'clock' | 'slackClient' | 'logger'>,
  request: ApprovalRequest,
): Promise<ApprovalRequest | undefined> {
  const approvals = deps.approvals;
  if (!approvals) throw new Error('approval requests need the approval store');
  await approvals.put(request);
  const reporter = createSlackReporter({
    client: deps.slackClient,
    channelId: request.channelId,
    slackUserId: request.requesterId,
    logger: deps.logger,
  });
  let posted: Awaited<ReturnType<NonNullable<typeof reporter.requestApproval>>>;
  try {
    posted = await reporter.requestApproval?.(request);
  } catch (error) {
    await approvals.remove(request.id).catch(() => undefined);
    throw error;
  }
  if (!posted) {
    await approvals.remove(request.id).catch(() => undefined);
    return undefined;
  }
  return (
    (await attachApprovalMessage(
      { approvals, claims: deps.claims, clock: deps.clock },
      request.id,
      posted,
    )) ?? request
  );
}

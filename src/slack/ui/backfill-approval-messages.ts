import type { ApprovalRequest } from '../../core/approval-request';
import { plural } from '../../core/policy/policy-words';
import { messageUrl, userMention } from './mrkdwn';
import { fitList, shorten } from './slack-limits';
import { type SlackMessage, textMessage } from './slack-message';
import { flowLabel } from './trigger-messages';

/** Told privately to whoever clicked Ask for approval: who was asked, where; nothing runs yet. */
export function backfillApprovalAskedMessage(
  request: ApprovalRequest,
  teamDomain: string | undefined,
): SlackMessage {
  const { payload } = request;
  const runs = payload.kind === 'backfill' ? ` (${plural(payload.runs, 'run', 'runs')})` : '';
  const where = request.message
    ? ` See <${messageUrl(teamDomain, request.message.channelId, request.message.ts)}|the request>.`
    : '';
  return textMessage(
    `:raised_hand: Approval asked for the backfill of flow ${flowLabel(payload.flowId, payload.flowName)}` +
      `${runs}: ${shorten(request.summary, 1200)} ` +
      `Asked: ${fitList(request.approvers.map(userMention), ', ', 1000)}. ` +
      `Nothing runs before it is approved; one approval covers the whole range, and the backfill then starts.${where}`,
  );
}

/** In the approval thread: the approved backfill did not start, and why (its refusal follows). */
export function backfillApprovedNotStartedText(request: ApprovalRequest, why: string): string {
  return (
    `${userMention(request.requesterId)} :no_entry: Approved, but the backfill of flow ` +
    `${flowLabel(request.payload.flowId, request.payload.flowName)} did not start: ${why}`
  );
}

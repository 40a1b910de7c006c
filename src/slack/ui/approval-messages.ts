import type { types } from '@slack/bolt';
import type { ApprovalEffect } from '../../core/approval-decide';
import type { ApprovalPayload, ApprovalRequest } from '../../core/approval-request';
import { durationWords, plural } from '../../core/policy/policy-words';
import {
  APPROVAL_ACTION,
  APPROVAL_ACTIONS_BLOCK,
  APPROVAL_REASON_ACTION,
  APPROVAL_REASON_BLOCK,
  APPROVAL_REJECT_MODAL_CALLBACK,
  RUN_ACTION,
} from '../ids';
import { inertMrkdwn } from './inert-text';
import { code, slackDate, userMention } from './mrkdwn';
import { fitList, SLACK_LIMITS, shorten } from './slack-limits';
import { context, type SlackMessage, section, textMessage } from './slack-message';
import { flowLabel, parameterList } from './trigger-messages';

/** Characters of a Reject reason kept: the modal's limit. */
export const MAX_REASON_LENGTH = 500;

/** `<@U1>, <@U2> … and N more`: as many mentions as fit in `max`. */
function mentions(userIds: readonly string[], max = 1000): string {
  return fitList(userIds.map(userMention), ', ', max);
}

function timeWords(payload: Extract<ApprovalPayload, { kind: 'trigger' }>): string {
  const { time } = payload;
  const fallback = `${time.local} ${time.zone}`;
  if (time.immediate) return 'now';
  return `at ${slackDate(time.epochMs, fallback)} (${inertMrkdwn(time.local)} ${code(time.zone)})`;
}

/** What is asked for, in one line: "trigger flow *3377* · daily load now". */
function whatWords(payload: ApprovalPayload): string {
  const flow = flowLabel(payload.flowId, payload.flowName);
  return payload.kind === 'trigger'
    ? `trigger flow ${flow} ${timeWords(payload)}`
    : `backfill flow ${flow}: ${plural(payload.runs, 'run', 'runs')}, ${inertMrkdwn(shorten(payload.range, 300))}`;
}

function stateLine(request: ApprovalRequest): string {
  const approved = request.approvedBy.map((a) => a.userId);
  switch (request.state) {
    case 'pending':
      return (
        `*Approvals: ${approved.length} of ${request.count}*` +
        (approved.length > 0 ? ` (${mentions(approved)})` : '') +
        ` · expires ${slackDate(request.deadline, new Date(request.deadline).toISOString())}`
      );
    case 'approved':
      return `:white_check_mark: *Approved* by ${mentions(approved)}`;
    case 'rejected':
      return `:x: *Rejected* by ${userMention(request.rejectedBy?.userId ?? '')}: ${reasonWords(request)}`;
    case 'withdrawn':
      return `:leftwards_arrow_with_hook: *Withdrawn* by ${userMention(request.requesterId)}`;
    case 'expired':
      return `:hourglass: *Expired*: nobody decided within ${durationWords(request.deadline - request.requestedAt)}`;
  }
}

/** The Reject reason: untrusted text, inert, on one line, quoted. */
function reasonWords(request: ApprovalRequest): string {
  const reason = request.rejectedBy?.reason.trim() ?? '';
  return reason === '' ? '(no reason given)' : `“${inertMrkdwn(shorten(reason, MAX_REASON_LENGTH))}”`;
}

/**
 * The approval request as posted in the conversation (the thread's parent), and as it is edited
 * after each decision: who asked what, who must approve and until when, and, while it is pending,
 * Approve, Reject and Withdraw. Every untrusted part is inert and every list is cut to fit.
 */
export function approvalRequestMessage(request: ApprovalRequest): SlackMessage {
  const { payload } = request;
  const lines = [
    `:raised_hand: ${userMention(request.requesterId)} asks to ${whatWords(payload)}`,
    `Parameters: ${parameterList(payload.parameters)}`,
  ];
  if (payload.kind === 'trigger' && payload.time.backdated) {
    lines.push(
      ':rewind: Back-dated: EnOS starts the run at once and computes its time parameters from that time.',
    );
  }
  const blocks: types.KnownBlock[] = [
    section(lines.join('\n')),
    section(
      `${shorten(request.summary, 1200)}\nCan approve: ${mentions(request.approvers)}\n${stateLine(request)}`,
    ),
    context(
      payload.kind === 'trigger'
        ? `EnOS user ${code(payload.identity.userName)} · request ${code(request.id)}`
        : `request ${code(request.id)}`,
    ),
  ];
  if (request.state === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: APPROVAL_ACTIONS_BLOCK,
      elements: [
        {
          type: 'button',
          action_id: APPROVAL_ACTION.approve,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: request.id,
        },
        {
          type: 'button',
          action_id: APPROVAL_ACTION.reject,
          text: { type: 'plain_text', text: 'Reject' },
          style: 'danger',
          value: request.id,
        },
        {
          type: 'button',
          action_id: APPROVAL_ACTION.withdraw,
          text: { type: 'plain_text', text: 'Withdraw (requester)' },
          value: request.id,
        },
      ],
    });
  }
  const verb = payload.kind === 'trigger' ? 'trigger' : 'backfill';
  return {
    text: shorten(
      `${userMention(request.requesterId)} asks for approval to ${verb} EnOS flow ${payload.flowId}. ${request.summary}`,
      SLACK_LIMITS.text,
    ),
    blocks,
  };
}

/** The thread message for a decision that changed the request; undefined for the others. */
export function approvalThreadMessage(
  request: ApprovalRequest,
  effect: ApprovalEffect,
  by: string,
): SlackMessage | undefined {
  const flow = flowLabel(request.payload.flowId, request.payload.flowName);
  const requester = userMention(request.requesterId);
  switch (effect.kind) {
    case 'counted':
      return textMessage(
        `:ballot_box_with_check: ${userMention(by)} approved (${effect.approvals} of ${effect.needed}).`,
      );
    case 'approved': {
      const what =
        request.payload.kind === 'trigger'
          ? `checking flow ${flow} again as ${requester} and triggering it.`
          : `starting the backfill of flow ${flow}.`;
      return textMessage(
        `:white_check_mark: ${userMention(by)} approved. Approved by ${mentions(request.approvedBy.map((a) => a.userId))}: ${what}`,
      );
    }
    case 'rejected':
      return textMessage(
        `${requester} :x: ${userMention(by)} rejected this request: ${reasonWords(request)}. Flow ${flow} was not triggered.`,
      );
    case 'withdrawn':
      return textMessage(
        `:leftwards_arrow_with_hook: ${requester} withdrew this request. Flow ${flow} was not triggered.`,
      );
    case 'expired':
      return textMessage(
        `${requester} :hourglass: Nobody decided within ${durationWords(request.deadline - request.requestedAt)}: ` +
          `the request expired and flow ${flow} was not triggered. Ask again to start a new request.`,
      );
    default:
      return undefined;
  }
}

/** What the clicker is told privately when their click changed nothing. */
export function approvalPrivateMessage(
  request: ApprovalRequest,
  effect: ApprovalEffect,
): SlackMessage | undefined {
  switch (effect.kind) {
    case 'already-final':
      return textMessage(`:information_source: This request was already ${effect.state}; nothing changed.`);
    case 'not-approver':
      return textMessage(
        `:no_entry: Only ${mentions(request.approvers)} can approve or reject this request ` +
          `(policy rule "${request.rule.name}"). Nothing was counted.`,
      );
    case 'own-request':
      return textMessage(
        ':no_entry: You asked for this, so you cannot approve or reject it: another approver must. ' +
          'You can withdraw it with *Withdraw*.',
      );
    case 'not-requester':
      return textMessage(
        `:no_entry: Only ${userMention(request.requesterId)}, who asked for it, can withdraw this request.`,
      );
    case 'already-approved': {
      const missing = request.count - request.approvedBy.length;
      return textMessage(
        `:information_source: You already approved this request; each approver counts once. ` +
          `Waiting for ${plural(missing, 'more approval', 'more approvals')}.`,
      );
    }
    case 'expired':
      return textMessage(':hourglass: This request expired before your decision; nothing was triggered.');
    default:
      return undefined;
  }
}

/** A click on a request the store no longer has. */
export function approvalMissingMessage(): SlackMessage {
  return textMessage(
    ':grey_question: I no longer have this approval request, so nothing was decided. Ask again to start a new one.',
  );
}

/** The store could not record the decision. */
export function approvalNotRecordedMessage(): SlackMessage {
  return textMessage(
    ':warning: Your decision could not be recorded just now (the store did not answer). Nothing changed: click again in a moment.',
  );
}

/**
 * Approved, but the time asked for passed while the request waited: EnOS would start it at once and
 * compute its time parameters from a past time, which nobody confirmed. The way out: a request for
 * now (through every check and the approval again).
 */
export function approvalTimePassedMessage(request: ApprovalRequest): SlackMessage {
  const payload = request.payload;
  const when =
    payload.kind === 'trigger'
      ? slackDate(payload.time.epochMs, `${payload.time.local} ${payload.time.zone}`)
      : 'the time asked for';
  const first =
    `${userMention(request.requesterId)} :alarm_clock: Approved, but ${when} passed while the request waited, ` +
    `so flow ${flowLabel(payload.flowId, payload.flowName)} was not triggered (EnOS would start it at once, ` +
    'with time parameters computed from the past). *Request it again for now* asks for the same run now, ' +
    'through the checks and the approval again.';
  return textMessage(first, {
    type: 'actions',
    block_id: 'approval_way_out',
    elements: [
      {
        type: 'button',
        action_id: RUN_ACTION.runNow,
        text: { type: 'plain_text', text: 'Request it again for now' },
        value: request.id,
      },
    ],
  });
}

/** An approved trigger that the checks, run again, stopped (the requester was told why privately). */
export function approvedNotRunMessage(requesterId: string, flowId: number): SlackMessage {
  return textMessage(
    `:no_entry: Approved, but flow *${flowId}* was not triggered: the checks, run again as ` +
      `${userMention(requesterId)}, stopped it. ${userMention(requesterId)} was told why privately.`,
  );
}

/** A backfill approved in a build whose backfill engine is not wired. */
export function backfillNotWiredMessage(request: ApprovalRequest): SlackMessage {
  return textMessage(
    `${userMention(request.requesterId)} :warning: Approved, but this build of flow-trigger cannot start ` +
      `backfills, so the backfill of flow ${flowLabel(request.payload.flowId, request.payload.flowName)} did not start.`,
  );
}

/** Slack would not open the Reject modal (its trigger_id lives 3 s). */
export function rejectFormFailedMessage(): SlackMessage {
  return textMessage(
    ':warning: The Reject form could not be opened just now; nothing was decided. Click *Reject* again.',
  );
}

/** The small modal that asks for the reason of a Reject. */
export function rejectReasonModal(request: ApprovalRequest): types.ModalView {
  return {
    type: 'modal',
    callback_id: APPROVAL_REJECT_MODAL_CALLBACK,
    private_metadata: request.id,
    title: { type: 'plain_text', text: 'Reject the request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Reject ${userMention(request.requesterId)}’s request to ${whatWords(request.payload)}? One rejection ends it.`,
      ),
      {
        type: 'input',
        block_id: APPROVAL_REASON_BLOCK,
        label: { type: 'plain_text', text: 'Reason (shown in the thread)' },
        element: {
          type: 'plain_text_input',
          action_id: APPROVAL_REASON_ACTION,
          multiline: true,
          max_length: MAX_REASON_LENGTH,
        },
      },
    ],
  };
}

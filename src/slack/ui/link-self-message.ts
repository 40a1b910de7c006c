import { EnosApiError } from '../../core/errors';
import type { LinkSelfResult } from '../../core/link-self';
import { inertMessage, inertMrkdwn } from './inert-text';
import { code, userMention } from './mrkdwn';
import { context, type SlackMessage, textMessage } from './slack-message';

function askAdmins(admins: string[]): string {
  return admins.length > 0
    ? `Ask an admin (${admins.map(userMention).join(', ')}) to link you with ` +
        '`/flow-trigger link @you <enosUserId> <enosUserName>`.'
    : 'No flow-trigger admins are configured: ask whoever runs flow-trigger to set FLOW_TRIGGER_ADMINS.';
}

/** The answer to `/flow-trigger link me`. Nothing but `linked` has linked anything. */
export function linkSelfMessage(result: LinkSelfResult, admins: string[]): SlackMessage {
  const ask = askAdmins(admins);
  switch (result.kind) {
    case 'disabled':
      return textMessage(`:lock: Linking yourself is not enabled here (ENOS_SELF_LINK). ${ask}`);
    case 'already-linked':
      return textMessage(
        `You are already linked to EnOS user ${code(result.link.userName)} (${code(result.link.userId)}, org ` +
          `${code(result.link.orgId)}). Only an admin can change a link. ${ask}`,
      );
    case 'no-email':
      return textMessage(
        ':email: I cannot see an email address in your Slack profile, so I cannot look you up in EnOS. ' +
          `Nothing was linked. ${ask}`,
        context(
          'flow-trigger reads emails with the `users:read.email` scope; without it, no email is visible.',
        ),
      );
    case 'no-match':
      return textMessage(
        `:mag: No user of EnOS organization ${code(result.orgId)} has the email ${code(result.email)}, which is ` +
          'the one in your Slack profile (compared whole, ignoring case). Nothing was linked. If your EnOS ' +
          `account uses another email, ${ask.charAt(0).toLowerCase()}${ask.slice(1)}`,
      );
    case 'ambiguous':
      return textMessage(
        `:twisted_rightwards_arrows: ${result.count} users of EnOS organization ${code(result.orgId)} have the ` +
          `email ${code(result.email)}, so I cannot tell which one is you, and I do not guess. Nothing was ` +
          `linked. ${ask}`,
      );
    case 'no-username':
      return textMessage(
        `:grey_question: The EnOS user with the email ${code(result.email)} has no username in EnOS, and flow ` +
          `owners are listed by username. Nothing was linked. ${ask}`,
      );
    case 'incomplete':
      return textMessage(
        `:warning: I could not read the whole user list of EnOS organization ${code(result.orgId)}, and a match ` +
          `in part of it could hide a second user with your email. Nothing was linked. ${ask}`,
      );
    case 'lookup-failed':
      return textMessage(
        `:x: I could not read your organization’s user list from the EnOS IAM API, so nothing was ` +
          `linked. ${inertMessage(result.error.userMessage)} The EnOS application of flow-trigger needs the ` +
          `organization administrator policy to list users. ${ask}`,
        ...(result.error instanceof EnosApiError
          ? [context(`EnOS code ${result.error.enosCode}: ${inertMrkdwn(result.error.enosMessage)}`)]
          : []),
      );
    case 'linked':
      return textMessage(
        `:link: You are now linked to EnOS user ${code(result.link.userName)} (${code(result.link.userId)}, org ` +
          `${code(result.link.orgId)}): the one user of that organization with your Slack email. ` +
          'Admins see this link in `/flow-trigger links`.',
      );
  }
}

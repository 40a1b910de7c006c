import { userMention } from './mrkdwn';
import { type SlackMessage, textMessage } from './slack-message';

/**
 * What a listing shown only to linked users (`history`, `backfills`) tells someone not linked yet:
 * who can link them, and how to link themselves when self-linking is on. `subject` names the listing
 * with its verb: `History is`, `Backfills are`.
 */
export function linkedOnlyMessage(subject: string, admins: string[], selfLink: boolean): SlackMessage {
  const ask =
    admins.length > 0
      ? `Ask an admin (${admins.map(userMention).join(', ')}) to link you.`
      : 'No flow-trigger admins are configured: ask whoever runs flow-trigger to set FLOW_TRIGGER_ADMINS.';
  const self = selfLink ? ' Or run `/flow-trigger link me` to link yourself by your Slack email.' : '';
  return textMessage(
    `:link: ${subject} shown to people linked to an EnOS user, and you are not linked yet. ${ask}${self}`,
  );
}

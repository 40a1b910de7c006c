import type { LinkResult } from '../../core/manage-links';
import type { Link } from '../../core/ports';
import { code, userMention } from './mrkdwn';
import { SLACK_LIMITS, sectionsOf, shortenPlain } from './slack-limits';
import { context, type SlackMessage, section, textMessage } from './slack-message';

function identity(link: Link): string {
  const short = (s: string) => code(shortenPlain(s, 200));
  return `EnOS user ${short(link.userName)} (${short(link.userId)}, org ${short(link.orgId)})`;
}

/** `/flow-trigger whoami`. */
export function whoamiMessage(link: Link | undefined, admins: string[], selfLink: boolean): SlackMessage {
  if (!link) {
    const ask =
      admins.length > 0
        ? `Ask an admin (${admins.map(userMention).join(', ')}) to link you.`
        : 'No flow-trigger admins are configured: ask whoever runs flow-trigger to set FLOW_TRIGGER_ADMINS.';
    const self = selfLink ? ' Or run `/flow-trigger link me` to link yourself by your Slack email.' : '';
    return textMessage(`:link: You are not linked to an EnOS user yet. ${ask}${self}`);
  }
  return textMessage(
    `You are linked to ${identity(link)}.`,
    context(`Linked by ${userMention(link.linkedBy)} on ${link.linkedAt.slice(0, 10)}`),
  );
}

/** Answers to `link`, `unlink` and `links`. */
export function linkResultMessage(result: LinkResult): SlackMessage {
  switch (result.kind) {
    case 'forbidden':
      return textMessage(
        ':no_entry: Only flow-trigger admins can manage links' +
          (result.admins.length > 0 ? ` (${result.admins.map(userMention).join(', ')}).` : '.') +
          ' Nothing was changed.',
      );
    case 'linked':
      return textMessage(
        `:link: Linked ${userMention(result.link.slackUserId)} to ${identity(result.link)}.` +
          (result.replaced ? ` This replaces the link to ${identity(result.replaced)}.` : ''),
      );
    case 'unlinked':
      return textMessage(
        result.removed
          ? `Unlinked ${userMention(result.slackUserId)}: they can no longer trigger flows until linked again.`
          : `${userMention(result.slackUserId)} was not linked; nothing changed.`,
      );
    case 'links':
      if (result.links.length === 0) return textMessage('No Slack user is linked yet in this workspace.');
      {
        // One section holds about 30 links; the list goes on over as many as it needs.
        const title = `*${result.links.length} linked user${result.links.length === 1 ? '' : 's'}*`;
        const lines = result.links.map((l) => `• ${userMention(l.slackUserId)} → ${identity(l)}`);
        return {
          text: title,
          blocks: [section(title), ...sectionsOf(lines, SLACK_LIMITS.messageBlocks - 1)],
        };
      }
  }
}

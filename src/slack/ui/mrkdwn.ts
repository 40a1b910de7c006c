/**
 * Helpers for Slack mrkdwn. Anything from a user or from EnOS goes through inert-text.ts before it
 * is shown: a parameter value `<!channel>` must read as text, not notify a whole channel.
 */
import { inertCode, inertLabel } from './inert-text';

/** Inline code of untrusted text (inert-text.ts): the span cannot be closed or carry a mention. */
export function code(text: string): string {
  return inertCode(text);
}

/**
 * A Slack date token: every reader sees the time in their own zone. The fallback (for clients
 * that cannot render it, and for notifications) names the zone it was resolved in.
 */
export function slackDate(epochMs: number, fallback: string): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${inertLabel(fallback)}>`;
}

/**
 * A mention of a Slack user. IDs come from Slack or from the store; anything not shaped like a
 * user ID is shown as inert code rather than trusted inside `<@…>`.
 */
export function userMention(slackUserId: string): string {
  return /^[UW][A-Z0-9]{1,30}$/.test(slackUserId) ? `<@${slackUserId}>` : inertCode(slackUserId);
}

/** A Slack link to a message or thread, built without an API call. */
export function messageUrl(teamDomain: string | undefined, channelId: string, ts: string): string {
  const host = teamDomain ? `https://${teamDomain}.slack.com` : 'https://slack.com';
  return `${host}/archives/${channelId}/p${ts.replace('.', '')}`;
}

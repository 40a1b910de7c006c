/**
 * Helpers for Slack mrkdwn. Anything a user typed is escaped before it is shown: a parameter value
 * `<!channel>` must read as text, not notify a whole channel.
 */

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code; backticks inside would end the span, so they are swapped for a look-alike. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, 'ˋ')}\``;
}

/**
 * A Slack date token: every reader sees the time in their own zone. The fallback (for clients
 * that cannot render it, and for notifications) names the zone it was resolved in.
 */
export function slackDate(epochMs: number, fallback: string): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${escapeMrkdwn(fallback)}>`;
}

export function userMention(slackUserId: string): string {
  return `<@${slackUserId}>`;
}

/** A Slack link to a message or thread, built without an API call. */
export function messageUrl(teamDomain: string | undefined, channelId: string, ts: string): string {
  const host = teamDomain ? `https://${teamDomain}.slack.com` : 'https://slack.com';
  return `${host}/archives/${channelId}/p${ts.replace('.', '')}`;
}

import type { types } from '@slack/bolt';
import { andMore, SLACK_LIMITS, shorten } from './slack-limits';

/** A message as the builders return it: `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/**
 * One mrkdwn section, the building block of most replies. Its text is cut at Slack's 3,000
 * characters as a last resort; lists are shortened before that, with "… and N more" (slack-limits.ts).
 */
export function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: shorten(text) } };
}

/** Small grey print under a message: references, codes, hints. At most 10 elements, as Slack allows. */
export function context(...texts: string[]): types.ContextBlock {
  const max = SLACK_LIMITS.contextElements;
  const shown = texts.length > max ? [...texts.slice(0, max - 1), andMore(texts.length - max + 1)] : texts;
  return { type: 'context', elements: shown.map((text) => ({ type: 'mrkdwn', text: shorten(text) })) };
}

/** A message made of mrkdwn paragraphs, with the first as its notification text. */
export function textMessage(first: string, ...rest: types.KnownBlock[]): SlackMessage {
  return { text: first, blocks: [section(first), ...rest] };
}

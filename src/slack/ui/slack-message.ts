import type { types } from '@slack/bolt';

/** A message as the builders return it: `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/** One mrkdwn section, the building block of most replies. */
export function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Small grey print under a message: references, codes, hints. */
export function context(...texts: string[]): types.ContextBlock {
  return { type: 'context', elements: texts.map((text) => ({ type: 'mrkdwn', text })) };
}

/** A message made of mrkdwn paragraphs, with the first as its notification text. */
export function textMessage(first: string, ...rest: types.KnownBlock[]): SlackMessage {
  return { text: first, blocks: [section(first), ...rest] };
}

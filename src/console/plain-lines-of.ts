import type { SlackMessage } from '../slack/ui/slack-message';

/** Emoji the builders use, as terminal marks; any other `:name:` is dropped. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✓',
  heavy_check_mark: '✓',
  large_green_circle: '●',
  red_circle: '✗',
  x: '✗',
  no_entry: '⛔',
  no_entry_sign: '⛔',
  warning: '!',
  hourglass_flowing_sand: '…',
  hourglass: '…',
  grey_question: '?',
  lock: '🔒',
  fast_forward: '»',
  rocket: '»',
};

/**
 * A Slack message as terminal lines, so that the console says exactly what Slack would: the same
 * builders (src/slack/ui), their mrkdwn turned into plain text. Tokens first (dates show their
 * fallback, mentions their ID, links their label), then formatting marks, then Slack's three
 * entities, last, so that untrusted text (escaped by inert-text.ts) cannot form a token here.
 * Untrusted text arrives with its control characters shown visibly: no terminal escape gets through.
 */
export function plainLinesOf(message: SlackMessage): string[] {
  const texts: string[] = [];
  for (const block of message.blocks) {
    if (block.type === 'section') {
      if (block.text) texts.push(block.text.text);
      for (const field of block.fields ?? []) texts.push(field.text);
    } else if (block.type === 'context') {
      const parts = block.elements.flatMap((e) => ('text' in e ? [e.text] : []));
      if (parts.length > 0) texts.push(parts.join('  ·  '));
    } else if (block.type === 'header') {
      texts.push(block.text.text);
    }
  }
  if (texts.length === 0) texts.push(message.text);
  return texts.flatMap((t) => plainText(t).split('\n'));
}

/** One mrkdwn text as plain text. */
export function plainText(mrkdwn: string): string {
  return (
    mrkdwn
      .replace(/```\n?/g, '')
      .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
      .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
      .replace(/<!(here|channel|everyone)>/g, '@$1')
      .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2')
      .replace(/<(https?:[^>]+)>/g, '$1')
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/`([^`\n]*)`/g, '$1')
      // Names start with a letter: `14:00:00` is a time, not an emoji.
      .replace(/:([a-z][a-z0-9_+-]*):/g, (_, name: string) => EMOJI[name] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/^ +/gm, '')
  );
}

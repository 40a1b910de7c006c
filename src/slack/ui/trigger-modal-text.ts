import type { types } from '@slack/bolt';

/** Plain text for labels and options, cut with `…` at Slack's `max` characters instead of being refused. */
export function plainText(text: string, max: number): types.PlainTextElement {
  const chars = [...text];
  const shown = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
  return { type: 'plain_text', text: shown, emoji: true };
}

/**
 * A core message made fit for an inline error, which Slack shows as plain text: the `code spans`
 * that quote tokens in chat become “quotes”, since backticks would show literally.
 */
export function inlineError(message: string): string {
  return message.replace(/`([^`\n]*)`/g, '“$1”');
}

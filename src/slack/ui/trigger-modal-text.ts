import type { types } from '@slack/bolt';
import { inertPlainText } from './inert-text';
import { shortenPlain } from './slack-limits';

/**
 * Plain text for labels and options, cut with `…` at Slack's `max` characters instead of being
 * refused. Flow names and parameter keys land here, so hidden characters are shown visibly.
 */
export function plainText(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: shortenPlain(inertPlainText(text), max), emoji: true };
}

/**
 * A core message made fit for an inline error, which Slack shows as plain text: the `code spans`
 * that quote tokens in chat become “quotes”, since backticks would show literally.
 */
export function inlineError(message: string): string {
  return message.replace(/`([^`\n]*)`/g, '“$1”');
}

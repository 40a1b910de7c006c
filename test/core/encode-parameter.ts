import type { FlowParameter } from '../../src/core/ports';
import { quoteFamily } from '../../src/core/tokenize-command';

/** What Slack does to typed text with escaping on. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `KEY=VALUE` for a slash command, quoting the value when it must be: it holds whitespace or
 * starts with a quote. Returns undefined when no quote family can hold it (the modal can).
 */
export function encodeParameter({ key, value }: FlowParameter): string | undefined {
  const escaped = slackEscape(value);
  if (escaped !== '' && !/\s/.test(escaped) && !quoteFamily(escaped[0])) return `${key}=${escaped}`;
  for (const [open, close] of [
    ['"', '"'],
    ["'", "'"],
    ['“', '”'],
    ['‘', '’'],
  ] as const) {
    const family = quoteFamily(open);
    // A quote of the same family followed by whitespace would end the value early.
    const closesEarly = [...escaped].some(
      (ch, i, all) => quoteFamily(ch) === family && /\s/.test(all[i + 1] ?? ''),
    );
    if (!closesEarly) return `${key}=${open}${escaped}${close}`;
  }
  return undefined;
}

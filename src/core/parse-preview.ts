/**
 * The `preview` grammar: the text after the word `preview` is a trigger's,
 * `<flowId> [when] [KEY=VALUE …]` (docs/product.md §8, "Not built yet": preview), read by the trigger's own
 * parser so that a preview accepts and refuses exactly what the trigger would.
 */
import { parseTrigger, readTokens, type TriggerRequestSpec } from './parse-trigger';
import { quoteToken, type UsageError, usageError } from './parse-usage-error';
import { type Token, tokenShown, tokenWord } from './tokenize-command';

/** A previewed trigger: the same fields as a trigger. */
export type PreviewRequest = TriggerRequestSpec;

export type PreviewParseResult = { ok: true; preview: PreviewRequest } | { ok: false; error: UsageError };

const EXAMPLE = '`/flow-trigger preview 3377 at 14:00 REPLACE=ddee`';

/**
 * Parses the text after `preview` (Slack-escaped, as Slack sends it). Never throws. Only a text
 * that starts with a flow id reaches the trigger's parser, so that `preview help` or `preview
 * status …` is an error about the preview, not another command.
 */
export function parsePreview(text: string): PreviewParseResult {
  const tokenized = readTokens(text);
  return tokenized.ok ? parsePreviewTokens(tokenized.tokens) : tokenized;
}

/** The tokens after `preview`, for the command parser. */
export function parsePreviewTokens(tokens: readonly Token[]): PreviewParseResult {
  const [first] = tokens;
  if (!first) {
    return failure(
      `\`preview\` needs what to preview: a flow id, then the time and parameters, like ${EXAMPLE}.`,
    );
  }
  const word = tokenWord(first);
  if (word === undefined || !/^\d+$/.test(word)) {
    const shown = tokenShown(first);
    return failure(
      `${quoteToken(shown)} is not a flow id. A preview takes what a trigger takes, starting with the flow id, like ${EXAMPLE}.`,
      shown,
    );
  }
  // A bad flow id, time or parameter: the trigger's own messages.
  const trigger = parseTrigger(tokens);
  return trigger.ok ? { ok: true, preview: trigger.trigger } : trigger;
}

function failure(message: string, token?: string): { ok: false; error: UsageError } {
  return { ok: false, error: usageError(message, token) };
}

/**
 * The `preview` grammar: the text after the word `preview` is a trigger's,
 * `<flowId> [when] [KEY=VALUE …]` (docs/product.md §8, "Not built yet": preview), read by the trigger's own
 * parser so that a preview accepts and refuses exactly what the trigger would.
 */
import { type ParseResult, parseCommand } from './parse-command';
import { quoteToken, type UsageError, usageError } from './parse-usage-error';
import type { WhenSpec } from './parse-when';
import type { FlowParameter } from './ports';
import { tokenizeCommand, tokenShown, tokenWord } from './tokenize-command';

/** A previewed trigger: the same fields as a trigger. */
export interface PreviewRequest {
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
}

export type PreviewParseResult = { ok: true; preview: PreviewRequest } | { ok: false; error: UsageError };

const EXAMPLE = '`/flow-trigger preview 3377 at 14:00 REPLACE=ddee`';

/**
 * Parses the text after `preview` (Slack-escaped, as Slack sends it). Never throws. Only a text
 * that starts with a flow id reaches the trigger's parser, so that `preview help` or `preview
 * status …` is an error about the preview, not another command.
 */
export function parsePreview(text: string): PreviewParseResult {
  const tokenized = tokenizeCommand(text);
  const first = tokenized.ok ? tokenized.tokens[0] : undefined;
  if (tokenized.ok && !first) {
    return failure(
      `\`preview\` needs what to preview: a flow id, then the time and parameters, like ${EXAMPLE}.`,
    );
  }
  if (first) {
    const word = tokenWord(first);
    if (word === undefined || !/^\d+$/.test(word)) {
      const shown = tokenShown(first);
      return failure(
        `${quoteToken(shown)} is not a flow id. A preview takes what a trigger takes, starting with the flow id, like ${EXAMPLE}.`,
        shown,
      );
    }
  }
  // An unterminated quote, a bad flow id, time or parameter: the trigger's own messages.
  return fromTrigger(parseCommand(text));
}

function fromTrigger(result: ParseResult): PreviewParseResult {
  if (!result.ok) return result;
  const { command } = result;
  // Unreachable: a text starting with digits is always read as a trigger.
  if (command.kind !== 'trigger') return failure(`Expected a flow id, like ${EXAMPLE}.`);
  return {
    ok: true,
    preview: { flowId: command.flowId, when: command.when, parameters: command.parameters },
  };
}

function failure(message: string, token?: string): { ok: false; error: UsageError } {
  return { ok: false, error: usageError(message, token) };
}

/**
 * The trigger's grammar, `<flowId> [when] [KEY=VALUE …]` (docs/product.md §1), apart from the
 * command parser so that the commands built on it (`preview`) can read it without importing the
 * parser that dispatches to them. Pure.
 */
import { LIMITS } from './limits';
import { appendParameter, PARAMETER_HINT } from './parse-parameter';
import { formatCount, quoteToken, type UsageError, usageError } from './parse-usage-error';
import { isWhenWord, looksLikeDate, looksLikeTime, parseWhen, type WhenSpec } from './parse-when';
import type { FlowParameter } from './ports';
import {
  segmentsText,
  type Token,
  tokenizeCommand,
  tokenShown,
  tokenText,
  tokenWord,
} from './tokenize-command';

/** What a trigger asks for. */
export interface TriggerRequestSpec {
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
}

export type TriggerParseResult = { ok: true; trigger: TriggerRequestSpec } | { ok: false; error: UsageError };

export const TRIGGER_EXAMPLE = '`/flow-trigger 3377 at 14:00 REPLACE=ddee`';
const EXAMPLE = TRIGGER_EXAMPLE;

function failure(message: string, token?: string): { ok: false; error: UsageError } {
  return { ok: false, error: usageError(message, token) };
}

/**
 * The command text as tokens, or why not: too long, or a quote never closed. Every command reads its
 * text through it, so these two answers are the same whatever the command.
 */
export function readTokens(text: string): { ok: true; tokens: Token[] } | { ok: false; error: UsageError } {
  if (text.length > LIMITS.maxTextLength) {
    return failure(
      `The command is too long (${formatCount(text.length)} characters; the limit is ` +
        `${formatCount(LIMITS.maxTextLength)}). For many parameters, run \`/flow-trigger\` without text to open the form.`,
    );
  }
  const tokenized = tokenizeCommand(text);
  if (!tokenized.ok) {
    const { raw, quote, key } = tokenized.unterminated;
    const shown = tokenShown({ raw });
    const opener =
      key === undefined
        ? `The quote ${quote}`
        : `The quote ${quote} that opens the value of ${quoteToken(tokenShown({ raw: key }))}`;
    return failure(
      `${opener} is never closed (in ${quoteToken(shown)}). ` +
        'Close it with a matching quote before the next space or the end, like `KEY="a b"`.',
      shown,
    );
  }
  return { ok: true, tokens: tokenized.tokens };
}

/** A positive whole number within JavaScript's exact range, or why not. */
export function parseFlowId(token: Token): { ok: true; flowId: number } | { ok: false; error: UsageError } {
  const shown = tokenShown(token);
  const word = tokenWord(token);
  const hint = `A flow id is a positive whole number, like ${EXAMPLE}.`;
  if (word === undefined || !/^\d+$/.test(word)) {
    return failure(`${quoteToken(shown)} is not a flow id. ${hint}`, shown);
  }
  const flowId = Number(word);
  if (flowId === 0) {
    return failure(`${quoteToken(shown)} is not a flow id: flow ids start at 1. ${hint}`, shown);
  }
  if (!Number.isSafeInteger(flowId)) {
    return failure(`${quoteToken(shown)} is too large to be a flow id. ${hint}`, shown);
  }
  return { ok: true, flowId };
}

export function parseTrigger(tokens: readonly Token[]): TriggerParseResult {
  const flowId = parseFlowId(tokens[0]!);
  if (!flowId.ok) return flowId;
  const when = parseWhen(tokens, 1);
  if (!when.ok) return when;
  const parameters: FlowParameter[] = [];
  for (let index = when.next; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.value === undefined || token.quoted === 'head') {
      return notAParameter(tokens, index, when.next, when.when !== undefined);
    }
    const problem = appendParameter(parameters, segmentsText(token.head), segmentsText(token.value));
    if (problem) return failure(problem, tokenShown(token));
  }
  return { ok: true, trigger: { flowId: flowId.flowId, when: when.when ?? { kind: 'now' }, parameters } };
}

/**
 * Explains a token in parameter position that is not `KEY=VALUE`, guessing the likely mistake:
 * a time without `at`, a `when` in the wrong place, spaces around `=`, an unquoted value with spaces.
 */
export function notAParameter(
  tokens: readonly Token[],
  index: number,
  firstParameter: number,
  hasWhen: boolean,
): { ok: false; error: UsageError } {
  const token = tokens[index]!;
  const shown = tokenShown(token);
  const word = tokenWord(token);
  const problem = `${quoteToken(shown)} is not a parameter.`;
  const fail = (hint: string) => failure(`${problem} ${hint}`, shown);
  if (token.quoted === 'head' && tokenText(token).includes('=')) {
    return fail('Quote only the value, like `KEY="a b"`.');
  }
  if (word !== undefined) {
    if (index === firstParameter && !hasWhen && looksLikeTime(word)) {
      return fail(`Did you mean \`at ${word}\`?`);
    }
    if (index === firstParameter && !hasWhen && looksLikeDate(word)) {
      const next = tokenWord(tokens[index + 1]);
      const time = next !== undefined && looksLikeTime(next) ? next : 'HH:MM';
      return fail(`Did you mean \`on ${word} at ${time}\`?`);
    }
    if (isWhenWord(word)) {
      const message =
        index === firstParameter
          ? `${quoteToken(shown)} is one time too many: give one time, like ${EXAMPLE}.`
          : `${quoteToken(shown)} comes after the parameters: the time goes right after the flow id, like ${EXAMPLE}.`;
      return failure(message, shown);
    }
  }
  const previous = index > firstParameter ? tokens[index - 1] : undefined;
  const spacedEquals =
    tokens[index + 1]?.raw.startsWith('=') || (previous?.raw.endsWith('=') === true && !previous.quoted);
  if (spacedEquals) return fail('Write a parameter without spaces around `=`, like REPLACE=ddee.');
  if (previous?.value !== undefined) {
    const key = segmentsText(previous.head);
    return fail(
      `If it belongs to the value of ${quoteToken(key)}, put the whole value in quotes: \`${key}="a b"\`.`,
    );
  }
  return fail(PARAMETER_HINT);
}

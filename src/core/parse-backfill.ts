/**
 * The `backfill` grammar (docs/backfill.md), read from the text after the word `backfill`:
 *
 *     <flowId> <range> [at HH:MM] [<zone>] [newest first] [keep going] [KEY=VALUE …]
 *     <range> := <date> | <date> to <date> | last <N> days
 *
 * Options come in any order after the range and before the parameters, each at most once.
 * Keywords are case-insensitive. Pure: which dates are allowed (past, how far back, how many)
 * depends on the clock and the flow, and is `planBackfill`'s business.
 */
import { LIMITS } from './limits';
import { appendParameter, PARAMETER_HINT } from './parse-parameter';
import { formatCount, quoteToken, type UsageError, usageError } from './parse-usage-error';
import {
  isWhenWord,
  looksLikeDate,
  looksLikeTime,
  parseClockTime,
  parseIsoDate,
  parseZone,
} from './parse-when';
import type { FlowParameter } from './ports';
import type { LocalDate, LocalTime } from './time-calendar';
import { segmentsText, type Token, tokenizeCommand, tokenShown, tokenWord } from './tokenize-command';

/** The business dates asked for. A single date is `from` = `to`. */
export type BackfillRange =
  | { kind: 'dates'; from: LocalDate; to: LocalDate }
  | { kind: 'last'; days: number };

/** Run order over the business dates. */
export type BackfillOrder = 'oldest-first' | 'newest-first';

/** What to do when a run fails: stop there (the default), or go on with the next date. */
export type BackfillOnFailure = 'stop' | 'keep-going';

/** A backfill as the user asked for it. */
export interface BackfillRequest {
  flowId: number;
  range: BackfillRange;
  /** `at HH:MM`: the trigger time of day, read in `zone` or the caller's zone. */
  at?: LocalTime;
  /** A zone the command named (IANA or `UTC`); set only when it did. */
  zone?: string;
  order: BackfillOrder;
  onFailure: BackfillOnFailure;
  parameters: FlowParameter[];
}

export type BackfillParseResult = { ok: true; backfill: BackfillRequest } | { ok: false; error: UsageError };

/** The form, for messages. */
export const BACKFILL_USAGE =
  '`backfill <flowId> <from> [to <to>] [at HH:MM] [zone] [newest first] [keep going] [KEY=VALUE …]`';
const EXAMPLE = '`/flow-trigger backfill 3377 2026-11-01 to 2026-11-07`';
const RANGE_HINT = `Expected a date, two dates (\`2026-11-01 to 2026-11-07\`) or \`last 7 days\`, like ${EXAMPLE}.`;
const OPTIONS_HINT = '`at HH:MM`, a zone, `newest first`, `keep going`';

type Parsed<T> = { ok: true; value: T; next: number } | { ok: false; error: UsageError };

function fail(message: string, token?: string): { ok: false; error: UsageError } {
  return { ok: false, error: usageError(message, token) };
}

/**
 * Parses the text after `backfill` (Slack-escaped, as Slack sends it). Never throws: every text
 * gives a request or a usage error that points at the offending token.
 */
export function parseBackfill(text: string): BackfillParseResult {
  if (text.length > LIMITS.maxTextLength) {
    return fail(
      `The command is too long (${formatCount(text.length)} characters; the limit is ` +
        `${formatCount(LIMITS.maxTextLength)}). Give fewer parameters.`,
    );
  }
  const tokenized = tokenizeCommand(text);
  if (!tokenized.ok) {
    const shown = tokenShown({ raw: tokenized.unterminated.raw });
    return fail(
      `The quote ${tokenized.unterminated.quote} is never closed (in ${quoteToken(shown)}). ` +
        'Close it with a matching quote before the next space or the end, like `KEY="a b"`.',
      shown,
    );
  }
  return parseBackfillTokens(tokenized.tokens);
}

/** Parses the tokens after `backfill`; `command` (the word itself) is what a missing flow id points at. */
export function parseBackfillTokens(tokens: readonly Token[], command?: Token): BackfillParseResult {
  const [first] = tokens;
  if (!first) {
    return fail(
      `\`backfill\` needs a flow id and the business dates. Expected ${BACKFILL_USAGE}, like ${EXAMPLE}.`,
      command ? tokenShown(command) : undefined,
    );
  }
  const flowId = parseFlowId(first);
  if (!flowId.ok) return flowId;
  const range = parseRange(tokens, 1);
  if (!range.ok) return range;
  const options = new OptionsReader(tokens);
  const read = options.read(range.next);
  if (!read.ok) return read;
  const parameters: FlowParameter[] = [];
  for (let index = read.next; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.value === undefined || token.quoted === 'head') return notAParameter(tokens, index, read.next);
    const problem = appendParameter(parameters, segmentsText(token.head), segmentsText(token.value));
    if (problem) return fail(problem, tokenShown(token));
  }
  const { at, zone, order, onFailure } = options.found;
  return {
    ok: true,
    backfill: {
      flowId: flowId.value,
      range: range.value,
      ...(at ? { at } : {}),
      ...(zone ? { zone } : {}),
      order: order ?? 'oldest-first',
      onFailure: onFailure ?? 'stop',
      parameters,
    },
  };
}

/** A positive whole number within JavaScript's exact range (the trigger's flow id rules). */
function parseFlowId(token: Token): Parsed<number> {
  const shown = tokenShown(token);
  const word = tokenWord(token);
  const hint = `A backfill starts with the flow id, like ${EXAMPLE}.`;
  if (word === undefined || !/^\d+$/.test(word)) {
    return fail(`${quoteToken(shown)} is not a flow id. ${hint}`, shown);
  }
  const flowId = Number(word);
  if (flowId === 0) return fail(`${quoteToken(shown)} is not a flow id: flow ids start at 1. ${hint}`, shown);
  if (!Number.isSafeInteger(flowId))
    return fail(`${quoteToken(shown)} is too large to be a flow id. ${hint}`, shown);
  return { ok: true, value: flowId, next: 1 };
}

/** `<date>`, `<date> to <date>` or `last <N> days`, starting at `index`. */
function parseRange(tokens: readonly Token[], index: number): Parsed<BackfillRange> {
  const token = tokens[index];
  if (!token) {
    return fail(
      `The business dates are missing after the flow id. ${RANGE_HINT}`,
      tokenShown(tokens[index - 1]!),
    );
  }
  const word = tokenWord(token);
  const shown = tokenShown(token);
  if (word?.toLowerCase() === 'last') return parseLast(tokens, index);
  if (word !== undefined && (isOptionStart(word.toLowerCase()) || looksLikeTime(word))) {
    return fail(
      `The business dates are missing: they come right after the flow id, before ${quoteToken(shown)}. ${RANGE_HINT}`,
      shown,
    );
  }
  if (word?.toLowerCase() === 'from') {
    return fail(
      `Leave out ${quoteToken(shown)}: the first business date comes right after the flow id, like ${EXAMPLE}.`,
      shown,
    );
  }
  if (word === undefined || !looksLikeDate(word)) {
    return fail(`${quoteToken(shown)} is not a business date. ${RANGE_HINT}`, shown);
  }
  const from = parseIsoDate(word);
  if (!from.ok) return from;
  if (tokenWord(tokens[index + 1])?.toLowerCase() !== 'to') {
    return { ok: true, value: { kind: 'dates', from: from.value, to: from.value }, next: index + 1 };
  }
  const toToken = tokens[index + 2];
  const toWord = tokenWord(toToken);
  if (!toToken || toWord === undefined || !looksLikeDate(toWord)) {
    const pointAt = toToken ?? tokens[index + 1]!;
    const what = toToken ? ` ${quoteToken(tokenShown(toToken))} is not one.` : '';
    return fail(
      `\`to\` must be followed by the last business date.${what} Expected \`${word} to YYYY-MM-DD\`.`,
      tokenShown(pointAt),
    );
  }
  const to = parseIsoDate(toWord);
  if (!to.ok) return to;
  return { ok: true, value: { kind: 'dates', from: from.value, to: to.value }, next: index + 3 };
}

/** `last 7 days` (`last 1 day` too). */
function parseLast(tokens: readonly Token[], index: number): Parsed<BackfillRange> {
  const form = 'Expected `last N days`, like `last 7 days`.';
  const countToken = tokens[index + 1];
  const countWord = tokenWord(countToken);
  if (!countToken || countWord === undefined || !/^\d+$/.test(countWord)) {
    const pointAt = countToken ?? tokens[index]!;
    return fail(`\`last\` must be followed by a number of days. ${form}`, tokenShown(pointAt));
  }
  const days = Number(countWord);
  if (days === 0 || !Number.isSafeInteger(days)) {
    return fail(`${quoteToken(countWord)} is not a number of days: give 1 or more. ${form}`, countWord);
  }
  const unitToken = tokens[index + 2];
  const unit = tokenWord(unitToken)?.toLowerCase();
  if (unit !== 'days' && unit !== 'day') {
    return fail(
      `\`last ${countWord}\` must be followed by \`days\`. ${form}`,
      tokenShown(unitToken ?? countToken),
    );
  }
  return { ok: true, value: { kind: 'last', days }, next: index + 3 };
}

interface Options {
  at?: LocalTime;
  zone?: string;
  order?: BackfillOrder;
  onFailure?: BackfillOnFailure;
}

/** Reads the options after the range, in any order, each once. */
class OptionsReader {
  readonly found: Options = {};

  constructor(private readonly tokens: readonly Token[]) {}

  read(from: number): Parsed<Options> {
    let index = from;
    for (;;) {
      const step = this.option(index);
      if (!step.ok) return step;
      if (step.next === index) return { ok: true, value: this.found, next: index };
      index = step.next;
    }
  }

  /** One option at `index`; `next: index` when the token is not one. */
  private option(index: number): Parsed<undefined> {
    const token = this.tokens[index];
    const word = tokenWord(token)?.toLowerCase();
    if (!token || word === undefined) return { ok: true, value: undefined, next: index };
    const shown = tokenShown(token);
    const nextWord = tokenWord(this.tokens[index + 1])?.toLowerCase();
    if (word === 'at') return this.at(index);
    if ((word === 'newest' || word === 'oldest') && nextWord === 'first') {
      if (this.found.order) return this.twice(index, 2, 'The order');
      this.found.order = word === 'newest' ? 'newest-first' : 'oldest-first';
      return { ok: true, value: undefined, next: index + 2 };
    }
    if (word === 'keep' && nextWord === 'going') {
      if (this.found.onFailure) return this.twice(index, 2, 'The choice on failure');
      this.found.onFailure = 'keep-going';
      return { ok: true, value: undefined, next: index + 2 };
    }
    const zone = parseZone(tokenWord(token)!);
    if (zone) {
      if (!zone.ok) return zone;
      if (this.found.zone) return this.twice(index, 1, 'The zone');
      this.found.zone = zone.value;
      return { ok: true, value: undefined, next: index + 1 };
    }
    if (word === 'to' || looksLikeDate(word)) {
      return fail(
        `${quoteToken(shown)} comes after the range: a backfill takes one range, right after the flow id. ${RANGE_HINT}`,
        shown,
      );
    }
    return { ok: true, value: undefined, next: index };
  }

  /** `at HH:MM`: a time of day only; the dates come from the range. */
  private at(index: number): Parsed<undefined> {
    const keyword = this.tokens[index]!;
    const timeToken = this.tokens[index + 1];
    const word = tokenWord(timeToken);
    const hint = 'Expected HH:MM on a 24-hour clock, like `at 02:00`: the dates come from the range.';
    if (!timeToken || word === undefined) {
      const pointAt = timeToken ?? keyword;
      return fail(
        `${quoteToken(tokenShown(keyword))} must be followed by a time of day. ${hint}`,
        tokenShown(pointAt),
      );
    }
    if (looksLikeDate(word)) {
      return fail(
        `In a backfill, \`at\` takes a time of day, not a date (${quoteToken(word)}). ${hint}`,
        tokenShown(timeToken),
      );
    }
    const time = parseClockTime(word);
    if (!time.ok) return time;
    if (this.found.at) return this.twice(index, 2, 'The time of day');
    this.found.at = time.value;
    return { ok: true, value: undefined, next: index + 2 };
  }

  private twice(index: number, length: number, what: string): Parsed<undefined> {
    const shown = this.tokens
      .slice(index, index + length)
      .map((token) => tokenShown(token))
      .join(' ');
    return fail(`${what} is given twice (${quoteToken(shown)}): give each option once.`, shown);
  }
}

/**
 * Explains a token in parameter position that is not `KEY=VALUE`: a time without `at`, an option
 * after the parameters, a misspelt option, spaces around `=`.
 */
function notAParameter(tokens: readonly Token[], index: number, firstParameter: number): BackfillParseResult {
  const token = tokens[index]!;
  const shown = tokenShown(token);
  const word = tokenWord(token);
  const problem = `${quoteToken(shown)} is not a parameter.`;
  const lower = word?.toLowerCase();
  if (word !== undefined && index === firstParameter && looksLikeTime(word)) {
    return fail(`${problem} Did you mean \`at ${word}\`?`, shown);
  }
  if (lower !== undefined && index > firstParameter && isOptionStart(lower)) {
    return fail(
      `${quoteToken(shown)} comes after the parameters: options (${OPTIONS_HINT}) go between the range and the parameters.`,
      shown,
    );
  }
  if (lower === 'newest' || lower === 'oldest' || lower === 'keep') {
    const expected = lower === 'keep' ? '`keep going`' : `\`${lower} first\``;
    return fail(`${problem} Did you mean ${expected}?`, shown);
  }
  if (lower !== undefined && index === firstParameter && isWhenWord(lower)) {
    return fail(
      `${quoteToken(shown)} is not a backfill option. A backfill's options are ${OPTIONS_HINT}; ` +
        `its dates come from the range, like ${EXAMPLE}.`,
      shown,
    );
  }
  const previous = index > firstParameter ? tokens[index - 1] : undefined;
  const spacedEquals =
    tokens[index + 1]?.raw.startsWith('=') || (previous?.raw.endsWith('=') === true && !previous.quoted);
  if (spacedEquals)
    return fail(`${problem} Write a parameter without spaces around \`=\`, like REPLACE=ddee.`, shown);
  if (previous?.value !== undefined) {
    const key = segmentsText(previous.head);
    return fail(
      `${problem} If it belongs to the value of ${quoteToken(key)}, put the whole value in quotes: \`${key}="a b"\`.`,
      shown,
    );
  }
  if (index === firstParameter) {
    return fail(
      `${problem} After the range come the options (${OPTIONS_HINT}), then KEY=VALUE parameters.`,
      shown,
    );
  }
  return fail(`${problem} ${PARAMETER_HINT}`, shown);
}

function isOptionStart(word: string): boolean {
  return (
    word === 'at' ||
    word === 'newest' ||
    word === 'oldest' ||
    word === 'keep' ||
    parseZone(word) !== undefined
  );
}

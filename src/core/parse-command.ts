/**
 * The slash-command parser: `/flow-trigger` text in, a command or a usage error out. Pure: no
 * Slack, no clock, no I/O. The grammar is docs/product.md §1; the text arrives with
 * Slack's escaping on, which is undone exactly (see `unescape-slack-text.ts`).
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
import { parseSlackEntity } from './unescape-slack-text';

export { validateParameterKey, validateParameterValue } from './parse-parameter';
export type { ParameterLinesResult } from './parse-parameter-lines';
export { parseParameterLines } from './parse-parameter-lines';
export type { UsageError } from './parse-usage-error';
export type { WhenSpec } from './parse-when';

/** What the caller asked for. */
export type ParsedCommand =
  /** Empty text: open the modal. */
  | { kind: 'modal' }
  | { kind: 'help' }
  | { kind: 'whoami' }
  | { kind: 'links' }
  | { kind: 'link'; slackUserId: string; enosUserId: string; enosUserName: string; orgId?: string }
  /** `link me`: self-link by email, where enabled. */
  | { kind: 'link-self' }
  | { kind: 'unlink'; slackUserId: string }
  /** `status 3377-20261127140000`. */
  | { kind: 'status'; instanceId: string }
  /** `history [flowId]`. */
  | { kind: 'history'; flowId?: number }
  /** `policy [flowId]`: what the policy file lets the caller do. */
  | { kind: 'policy'; flowId?: number }
  | { kind: 'trigger'; flowId: number; when: WhenSpec; parameters: FlowParameter[] };

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: UsageError };

const EXAMPLE = '`/flow-trigger 3377 at 14:00 REPLACE=ddee`';
const LINK_FORM = '`link @user enosUserId enosUserName [orgId]`, like `link @ana u15426865866571 ana.lopez`';
const COMMANDS = '`help`, `whoami`, `status`, `history`, `policy`, `link`, `unlink`, `links`';

// Slack member IDs: U… for users, W… for Enterprise Grid users. EnOS IDs are u…/o… and digits.
const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
const ENOS_USER_ID = /^u\d+$/;
const ENOS_ORG_ID = /^o\d+$/;
// docs/enos-api.md §3.3: the instance id is `<flowId>-<digits>`, the digits vary in length.
const INSTANCE_ID = /^\d+-\d+$/;
const MAX_ENOS_USER_NAME_LENGTH = 128;

/**
 * Parses slash-command text (Slack-escaped, as Slack sends it). Never throws: every text gives a
 * command or a usage error that points at the offending token.
 */
export function parseCommand(text: string): ParseResult {
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
  const { tokens } = tokenized;
  const [first, ...args] = tokens;
  if (!first) return success({ kind: 'modal' });
  const keyword = tokenWord(first)?.toLowerCase();
  switch (keyword) {
    // Anything after `help` is ignored: whoever asks for help should get it.
    case 'help':
      return success({ kind: 'help' });
    case 'whoami':
    case 'links':
      return noArguments(first, args) ?? success({ kind: keyword });
    case 'link':
      return parseLink(first, args);
    case 'unlink':
      return parseUnlink(first, args);
    case 'status':
      return parseStatus(first, args);
    case 'history':
      return parseHistory(first, args);
    case 'policy':
      return parsePolicyCommand(args);
  }
  if (keyword !== undefined && /^\d+$/.test(keyword)) return parseTrigger(tokens);
  return unknownStart(first);
}

function success(command: ParsedCommand): ParseResult {
  return { ok: true, command };
}

function failure(message: string, token?: string): { ok: false; error: UsageError } {
  return { ok: false, error: usageError(message, token) };
}

function unknownStart(first: Token): ParseResult {
  const shown = tokenShown(first);
  const word = tokenWord(first);
  if (first.value !== undefined || (word !== undefined && isWhenWord(word))) {
    return failure(
      `The flow id is missing: the command starts with ${quoteToken(shown)}. Put the flow id first, like ${EXAMPLE}.`,
      shown,
    );
  }
  return failure(
    `${quoteToken(shown)} is neither a flow id nor a command. Expected a flow id (a number), like ${EXAMPLE}, ` +
      `or one of ${COMMANDS}.`,
    shown,
  );
}

function noArguments(command: Token, args: readonly Token[]): ParseResult | undefined {
  const [extra] = args;
  if (!extra) return undefined;
  const shown = tokenShown(extra);
  return failure(
    `${quoteToken(tokenShown(command))} takes nothing after it, but got ${quoteToken(shown)}. ` +
      `Type just \`/flow-trigger ${tokenShown(command).toLowerCase()}\`.`,
    shown,
  );
}

function tooMany(extra: Token, form: string): ParseResult {
  const shown = tokenShown(extra);
  return failure(`${quoteToken(shown)} is one argument too many. Expected ${form}.`, shown);
}

/** A positive whole number within JavaScript's exact range, or why not. */
function parseFlowId(token: Token): { ok: true; flowId: number } | { ok: false; error: UsageError } {
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

function parseTrigger(tokens: readonly Token[]): ParseResult {
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
  return success({ kind: 'trigger', flowId: flowId.flowId, when: when.when ?? { kind: 'now' }, parameters });
}

/**
 * Explains a token in parameter position that is not `KEY=VALUE`, guessing the likely mistake:
 * a time without `at`, a `when` in the wrong place, spaces around `=`, an unquoted value with spaces.
 */
function notAParameter(
  tokens: readonly Token[],
  index: number,
  firstParameter: number,
  hasWhen: boolean,
): ParseResult {
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

/** `<@U123|name>`, `<@U123>` or a raw member ID `U0123ABCD`; anything else is refused. */
function parseSlackUser(token: Token): { ok: true; id: string } | { ok: false; error: UsageError } {
  const shown = tokenShown(token);
  const [only, ...rest] = token.head;
  if (!token.quoted && token.value === undefined && only?.kind === 'entity' && rest.length === 0) {
    const entity = parseSlackEntity(only.inner);
    if (entity.kind === 'user' && SLACK_USER_ID.test(entity.id)) return { ok: true, id: entity.id };
  }
  const word = tokenWord(token);
  if (word !== undefined && SLACK_USER_ID.test(word)) return { ok: true, id: word };
  return failure(
    `${quoteToken(shown)} is not a Slack user. Pick the user from the @ autocomplete list so that Slack ` +
      'sends who it is, or give their member ID, like `U0123ABCD`.',
    shown,
  );
}

function parseLink(command: Token, args: readonly Token[]): ParseResult {
  const [user, enosUser, enosName, org, extra] = args;
  if (!user) {
    return failure(
      `${quoteToken(tokenShown(command))} needs the Slack user and their EnOS user. Expected ${LINK_FORM}.`,
      tokenShown(command),
    );
  }
  if (args.length === 1 && tokenWord(user)?.toLowerCase() === 'me') return success({ kind: 'link-self' });
  const slackUser = parseSlackUser(user);
  if (!slackUser.ok) return slackUser;
  if (!enosUser) {
    return failure(
      `The EnOS user ID and user name are missing after ${quoteToken(tokenShown(user))}. Expected ${LINK_FORM}.`,
      tokenShown(user),
    );
  }
  const enosUserId = tokenText(enosUser);
  if (!ENOS_USER_ID.test(enosUserId) || enosUser.quoted) {
    const shown = tokenShown(enosUser);
    return failure(
      `${quoteToken(shown)} is not an EnOS user ID: those look like \`u15426865866571\`. Expected ${LINK_FORM}.`,
      shown,
    );
  }
  const enosUserName = enosName ? tokenText(enosName) : '';
  if (!enosName || (ENOS_ORG_ID.test(enosUserName) && !org)) {
    const after = enosName ?? enosUser;
    return failure(
      `The EnOS user name is missing after ${quoteToken(tokenShown(enosUser))}. Expected ${LINK_FORM}.`,
      tokenShown(after),
    );
  }
  if (enosUserName === '' || enosUserName.length > MAX_ENOS_USER_NAME_LENGTH) {
    const shown = tokenShown(enosName);
    return failure(
      `${quoteToken(shown)} is not an EnOS user name (1 to ${MAX_ENOS_USER_NAME_LENGTH} characters). Expected ${LINK_FORM}.`,
      shown,
    );
  }
  if (extra) return tooMany(extra, LINK_FORM);
  if (!org) return success({ kind: 'link', slackUserId: slackUser.id, enosUserId, enosUserName });
  const orgId = tokenText(org);
  if (!ENOS_ORG_ID.test(orgId) || org.quoted) {
    const shown = tokenShown(org);
    return failure(
      `${quoteToken(shown)} is not an EnOS organization ID: those look like \`o15578227985571\`. Expected ${LINK_FORM}.`,
      shown,
    );
  }
  return success({ kind: 'link', slackUserId: slackUser.id, enosUserId, enosUserName, orgId });
}

function parseUnlink(command: Token, args: readonly Token[]): ParseResult {
  const form = '`unlink @user`';
  const [user, extra] = args;
  if (!user) {
    return failure(
      `${quoteToken(tokenShown(command))} needs the Slack user. Expected ${form}.`,
      tokenShown(command),
    );
  }
  const slackUser = parseSlackUser(user);
  if (!slackUser.ok) return slackUser;
  if (extra) return tooMany(extra, form);
  return success({ kind: 'unlink', slackUserId: slackUser.id });
}

function parseStatus(command: Token, args: readonly Token[]): ParseResult {
  const form = '`status instanceId`, like `status 3377-20261127140000`';
  const [instance, extra] = args;
  if (!instance) {
    return failure(
      `${quoteToken(tokenShown(command))} needs a flow instance ID. Expected ${form}.`,
      tokenShown(command),
    );
  }
  const word = tokenWord(instance);
  if (word === undefined || !INSTANCE_ID.test(word)) {
    const shown = tokenShown(instance);
    return failure(`${quoteToken(shown)} is not a flow instance ID. Expected ${form}.`, shown);
  }
  if (extra) return tooMany(extra, form);
  return success({ kind: 'status', instanceId: word });
}

function parsePolicyCommand(args: readonly Token[]): ParseResult {
  const [flow, extra] = args;
  if (!flow) return success({ kind: 'policy' });
  const flowId = parseFlowId(flow);
  if (!flowId.ok) return flowId;
  if (extra) return tooMany(extra, '`policy [flowId]`, like `policy 3377`');
  return success({ kind: 'policy', flowId: flowId.flowId });
}

function parseHistory(_command: Token, args: readonly Token[]): ParseResult {
  const [flow, extra] = args;
  if (!flow) return success({ kind: 'history' });
  const flowId = parseFlowId(flow);
  if (!flowId.ok) return flowId;
  if (extra) return tooMany(extra, '`history [flowId]`, like `history 3377`');
  return success({ kind: 'history', flowId: flowId.flowId });
}

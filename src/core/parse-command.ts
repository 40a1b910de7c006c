/**
 * The slash-command parser: `/flow-trigger` text in, a command or a usage error out. Pure: no
 * Slack, no clock, no I/O. The grammar is docs/product.md §1; the text arrives with
 * Slack's escaping on, which is undone exactly (see `unescape-slack-text.ts`).
 */
import { type BackfillRequest, parseBackfillTokens } from './parse-backfill';
import { parsePreviewTokens } from './parse-preview';
import { parseFlowId, parseTrigger, readTokens, TRIGGER_EXAMPLE } from './parse-trigger';
import { quoteToken, type UsageError, usageError } from './parse-usage-error';
import { isWhenWord, type WhenSpec } from './parse-when';
import type { FlowParameter } from './ports';
import { type Token, tokenShown, tokenText, tokenWord } from './tokenize-command';
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
  | { kind: 'trigger'; flowId: number; when: WhenSpec; parameters: FlowParameter[] }
  /** `backfill 3377 2026-11-01 to 2026-11-07 …`: a preview of the runs (src/core/parse-backfill.ts). */
  | { kind: 'backfill'; backfill: BackfillRequest }
  /** `preview <trigger>`: every check and the exact request, nothing sent (docs/product.md, "Preview"). */
  | { kind: 'preview'; flowId: number; when: WhenSpec; parameters: FlowParameter[] }
  /** `backfills`: the team's active backfills (docs/product.md, "Backfill"). */
  | { kind: 'backfills' };

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: UsageError };

const EXAMPLE = TRIGGER_EXAMPLE;
const LINK_FORM = '`link @user enosUserId enosUserName [orgId]`, like `link @ana u15426865866571 ana.lopez`';
const COMMANDS =
  '`help`, `whoami`, `status`, `history`, `preview`, `backfill`, `backfills`, `policy`, `link`, `unlink`, `links`';

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
  const tokenized = readTokens(text);
  if (!tokenized.ok) return tokenized;
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
    case 'backfill': {
      const backfill = parseBackfillTokens(args, first);
      return backfill.ok ? success({ kind: 'backfill', backfill: backfill.backfill }) : backfill;
    }
    case 'preview': {
      const preview = parsePreviewTokens(args);
      return preview.ok ? success({ kind: 'preview', ...preview.preview }) : preview;
    }
    case 'policy':
      return parsePolicyCommand(args);
    case 'backfills':
      return noArguments(first, args) ?? success({ kind: 'backfills' });
  }
  if (keyword !== undefined && /^\d+$/.test(keyword)) {
    const trigger = parseTrigger(tokens);
    return trigger.ok ? success({ kind: 'trigger', ...trigger.trigger }) : trigger;
  }
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

import { createHash } from 'node:crypto';
import { EnosApiError, FlowTriggerError, StoreError } from './errors';
import type { NewRunWatch } from './new-run-watch';
import type { WhenSpec } from './parse-command';
import type {
  AuditRecord,
  AuditStore,
  ClaimStore,
  Clock,
  EnosGateway,
  EnosIdentity,
  Flow,
  FlowParameter,
  LinkStore,
} from './ports';
import { type ResolvedTime, resolveTime } from './resolve-time';

/**
 * The trigger use case, shared by the slash command, the modal and the buttons: link → time →
 * duplicate guard → parent message → prerequisite checks (Get Flow) → Update And Trigger Flow →
 * thread reply, with an audit record at every step. It speaks to Slack only through the
 * `TriggerReporter` port, so every branch is testable without a server.
 */

/** A trigger request, as parsed from a command or a form. */
export interface TriggerCommand {
  teamId: string;
  slackUserId: string;
  /** The conversation the request came from (or was asked to post in). */
  channelId: string;
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
  source: AuditRecord['source'];
}

/** Why a request was refused before EnOS was asked to trigger. */
export type RefusalReason =
  | 'flow-not-found'
  | 'no-access'
  | 'user-locked'
  | 'flow-locked'
  | 'not-owner'
  | 'no-tasks';

/** What the caller is told privately: no trigger attempt happened (or it is someone else's). */
export type PrivateNotice =
  | { kind: 'not-linked'; admins: string[]; selfLink: boolean }
  | { kind: 'time-invalid'; message: string }
  | { kind: 'duplicate'; flowId: number; earlier: EarlierAttempt }
  | { kind: 'store-failed'; error: FlowTriggerError };

/** What the duplicate guard remembers about the first of two identical requests. */
export interface EarlierAttempt {
  attemptId: string;
  requestedAt: string;
  channelId?: string;
  threadTs?: string;
  /** Set when the thread is private to the caller (the bot could not post in the channel). */
  private?: boolean;
}

/** The parent message: the request as the channel's audit trail shows it. */
export interface Announcement {
  attemptId: string;
  slackUserId: string;
  identity: EnosIdentity;
  flowId: number;
  /** Known when Get Flow succeeded. */
  flowName?: string;
  time: ResolvedTime;
  parameters: FlowParameter[];
}

/** Where the outcome goes: a thread in the channel, or the caller's private replies. */
export interface ThreadRef {
  channelId: string;
  /** The parent message's ts; absent when the result goes privately to the caller. */
  threadTs?: string;
  private: boolean;
}

export type TriggerResult =
  | { kind: 'triggered'; instanceId: string; flow: Flow; time: ResolvedTime }
  | {
      kind: 'refused';
      reason: RefusalReason;
      flowId: number;
      identity: EnosIdentity;
      flow?: Flow;
      error?: FlowTriggerError;
    }
  /** Failed, and nothing was started. */
  | { kind: 'failed'; error: FlowTriggerError; stage: 'check' | 'trigger' }
  /** Failed in a way that leaves open whether EnOS started the run. */
  | { kind: 'unknown'; error: FlowTriggerError };

/** The Slack side of a trigger, bound to one request. */
export interface TriggerReporter {
  /** Tells the caller privately (an ephemeral message). */
  notify(notice: PrivateNotice): Promise<void>;
  /**
   * Posts the parent message, falling back to the caller's private replies where the bot cannot
   * post. Throws when Slack cannot be reached at all: then nothing may be triggered.
   */
  announce(announcement: Announcement): Promise<ThreadRef>;
  /**
   * Posts the outcome under the parent message (or privately). Resolves with the reply's place
   * when it is a message the bot can edit later (the run watcher keeps it current).
   */
  reply(
    thread: ThreadRef,
    result: TriggerResult,
    announcement: Announcement,
  ): Promise<PostedReply | undefined>;
}

/** A message the bot posted and may edit (chat.update). */
export interface PostedReply {
  channelId: string;
  ts: string;
}

export interface TriggerDeps {
  enos: EnosGateway;
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  newId: () => string;
  /** The caller's IANA zone (Slack profile, or the configured default). */
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
  admins: string[];
  selfLink: boolean;
  /** Logs what the user does not see; never given secrets. */
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Starts watching a triggered run until it finishes (absent: runs are not watched). */
  startWatch?: (run: NewRunWatch) => Promise<void>;
}

/** How a trigger request ended, for the caller of the use case (tests, buttons, logs). */
export type TriggerSummary =
  | { kind: PrivateNotice['kind'] }
  | { kind: 'slack-unreachable'; attemptId: string }
  | { kind: TriggerResult['kind']; attemptId: string; instanceId?: string };

/** EnOS refuses the same flow twice within a minute (62102); we answer before it does. */
export const DUPLICATE_WINDOW_MS = 60_000;

/** The duplicate guard's key: same user, flow, time and parameters (in any order). */
export function duplicateKey(cmd: TriggerCommand, time: ResolvedTime): string {
  // Two requests for "now" a few seconds apart are the same request; a scheduled one counts by minute.
  const timeKey = time.immediate ? 'now' : String(Math.floor(time.epochMs / 60_000));
  const params = [...cmd.parameters].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 32);
  return `dup:${cmd.teamId}:${cmd.slackUserId}:${cmd.flowId}:${timeKey}:${digest}`;
}

/** EnOS codes that Get Flow uses for a flow that does not exist (or cannot be seen). */
const NOT_FOUND_CODES = new Set([62102, 99404]);

/** The prerequisites of `product.md`, in the order a user should fix them. */
export function checkPrerequisites(flow: Flow, identity: EnosIdentity): RefusalReason | undefined {
  if (flow.isUserLocked) return 'user-locked';
  if (flow.locked) return 'flow-locked';
  if (!flow.owners.includes(identity.userName)) return 'not-owner';
  if (flow.tasks.length === 0) return 'no-tasks';
  return undefined;
}

function asFlowTriggerError(error: unknown): FlowTriggerError {
  if (error instanceof FlowTriggerError) return error;
  return new StoreError(error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Maps a Get Flow failure to a refusal (the flow is not there for this user) or a failure. Exported
 * for the form, which runs Get Flow as soon as a flow is chosen to warn before submission.
 */
export function checkFailure(error: unknown, flowId: number, identity: EnosIdentity): TriggerResult {
  if (error instanceof EnosApiError && NOT_FOUND_CODES.has(error.enosCode)) {
    return { kind: 'refused', reason: 'flow-not-found', flowId, identity, error };
  }
  if (error instanceof EnosApiError && (error.enosCode === 62103 || error.enosCode === 99403)) {
    return { kind: 'refused', reason: 'no-access', flowId, identity, error };
  }
  if (error instanceof EnosApiError && error.enosCode === 62105) {
    return { kind: 'refused', reason: 'user-locked', flowId, identity, error };
  }
  if (error instanceof FlowTriggerError) return { kind: 'failed', error, stage: 'check' };
  throw error;
}

/** Maps an Update And Trigger failure by whether the run may have started. */
function triggerFailure(error: unknown): TriggerResult {
  if (!(error instanceof FlowTriggerError)) throw error;
  const delivery = (error as { delivery?: string }).delivery;
  return delivery === 'maybe-received'
    ? { kind: 'unknown', error }
    : { kind: 'failed', error, stage: 'trigger' };
}

export async function triggerFlow(
  deps: TriggerDeps,
  cmd: TriggerCommand,
  reporter: TriggerReporter,
): Promise<TriggerSummary> {
  const requestedAt = new Date(deps.clock()).toISOString();

  let identity: EnosIdentity | undefined;
  try {
    identity = await deps.links.get(cmd.teamId, cmd.slackUserId);
  } catch (error) {
    await reporter.notify({ kind: 'store-failed', error: asFlowTriggerError(error) });
    return { kind: 'store-failed' };
  }
  if (!identity) {
    await reporter.notify({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink });
    return { kind: 'not-linked' };
  }

  const zone = await deps.zoneOf(cmd.teamId, cmd.slackUserId);
  const resolved = resolveTime(cmd.when, { now: deps.clock(), zone });
  if (!resolved.ok) {
    await reporter.notify({ kind: 'time-invalid', message: resolved.error.message });
    return { kind: 'time-invalid' };
  }
  const time = resolved.time;

  const attemptId = deps.newId();
  const dupKey = duplicateKey(cmd, time);
  let earlier: EarlierAttempt = { attemptId, requestedAt };
  const record: AuditRecord = {
    id: attemptId,
    teamId: cmd.teamId,
    slackUserId: cmd.slackUserId,
    enosUserId: identity.userId,
    enosUserName: identity.userName,
    orgId: identity.orgId,
    flowId: cmd.flowId,
    triggerTime: time.epochMs,
    zone: time.zone,
    parameters: cmd.parameters,
    source: cmd.source,
    requestedAt,
    updatedAt: requestedAt,
    channelId: cmd.channelId,
    outcome: 'pending',
  };
  const save = async (patch: Partial<AuditRecord>): Promise<void> => {
    Object.assign(record, patch, { updatedAt: new Date(deps.clock()).toISOString() });
    await deps.audit.put(record);
  };

  // The guard and the pending record come before anything visible: a request that cannot be
  // recorded is not triggered.
  try {
    const claim = await deps.claims.claim(dupKey, JSON.stringify(earlier), DUPLICATE_WINDOW_MS);
    if (!claim.claimed) {
      const first = parseEarlier(claim.existing);
      await save({
        outcome: 'duplicate',
        error: { code: 'DUPLICATE', message: `same as ${first.attemptId}` },
      });
      await reporter.notify({ kind: 'duplicate', flowId: cmd.flowId, earlier: first });
      return { kind: 'duplicate' };
    }
    await save({});
  } catch (error) {
    await releaseQuietly(deps, dupKey);
    await reporter.notify({ kind: 'store-failed', error: asFlowTriggerError(error) });
    return { kind: 'store-failed' };
  }

  // Get Flow first, so that the parent message can name the flow; its failure is reported in the thread.
  let flow: Flow | undefined;
  let result: TriggerResult | undefined;
  try {
    flow = await deps.enos.getFlow(identity, cmd.flowId);
    const reason = checkPrerequisites(flow, identity);
    if (reason) result = { kind: 'refused', reason, flowId: cmd.flowId, identity, flow };
  } catch (error) {
    result = checkFailure(error, cmd.flowId, identity);
  }

  const announcement: Announcement = {
    attemptId,
    slackUserId: cmd.slackUserId,
    identity,
    flowId: cmd.flowId,
    flowName: flow?.flowName,
    time,
    parameters: cmd.parameters,
  };
  let thread: ThreadRef;
  try {
    thread = await reporter.announce(announcement);
  } catch (error) {
    // Nobody could be told: triggering now would start a run no one knows about.
    deps.log('error', 'could not announce the trigger in Slack; not triggered', { attemptId, err: error });
    await releaseQuietly(deps, dupKey);
    await saveQuietly(
      deps,
      save,
      {
        outcome: 'failed',
        flowName: flow?.flowName,
        error: { code: 'SLACK_UNREACHABLE', message: error instanceof Error ? error.message : String(error) },
      },
      record,
    );
    return { kind: 'slack-unreachable', attemptId };
  }
  earlier = { ...earlier, channelId: thread.channelId, threadTs: thread.threadTs, private: thread.private };
  try {
    await deps.claims.update(dupKey, JSON.stringify(earlier), DUPLICATE_WINDOW_MS);
    await save({ channelId: thread.channelId, threadTs: thread.threadTs, flowName: flow?.flowName });
  } catch (error) {
    result ??= { kind: 'failed', error: asFlowTriggerError(error), stage: 'check' };
  }

  if (!result && flow) {
    try {
      const { flowInstanceId } = await deps.enos.updateAndTrigger(identity, {
        flowId: cmd.flowId,
        triggerTime: time.epochMs,
        parameters: cmd.parameters,
      });
      result = { kind: 'triggered', instanceId: flowInstanceId, flow, time };
    } catch (error) {
      result = triggerFailure(error);
    }
  }
  if (!result) throw new Error('unreachable: no flow and no result');

  if (result.kind === 'refused' || result.kind === 'failed') {
    // Nothing started: let the user try again at once once they have fixed the cause.
    await releaseQuietly(deps, dupKey);
  }
  await saveQuietly(deps, save, auditPatch(result), record);
  const posted = await reporter.reply(thread, result, announcement);
  if (result.kind === 'triggered' && deps.startWatch) {
    await watchQuietly(deps, {
      instanceId: result.instanceId,
      teamId: cmd.teamId,
      attemptId,
      slackUserId: cmd.slackUserId,
      identity: { userId: identity.userId, userName: identity.userName, orgId: identity.orgId },
      flowId: cmd.flowId,
      flowName: result.flow.flowName,
      triggerTime: time.epochMs,
      channelId: thread.channelId,
      threadTs: thread.threadTs,
      ...(posted ? { reply: posted } : {}),
      private: thread.private,
    });
  }
  return {
    kind: result.kind,
    attemptId,
    instanceId: result.kind === 'triggered' ? result.instanceId : undefined,
  };
}

function auditPatch(result: TriggerResult): Partial<AuditRecord> {
  switch (result.kind) {
    case 'triggered':
      return { outcome: 'triggered', instanceId: result.instanceId };
    case 'refused':
      return {
        outcome: 'refused',
        error: {
          code: result.reason,
          message: result.error?.message ?? result.reason,
          enosCode: result.error instanceof EnosApiError ? result.error.enosCode : undefined,
        },
      };
    case 'failed':
    case 'unknown':
      return {
        outcome: result.kind,
        error: {
          code: result.error.code,
          message: result.error.message,
          enosCode: result.error instanceof EnosApiError ? result.error.enosCode : undefined,
        },
      };
  }
}

function parseEarlier(value: string): EarlierAttempt {
  try {
    const parsed = JSON.parse(value) as EarlierAttempt;
    if (typeof parsed.attemptId === 'string') return parsed;
  } catch {
    // An unreadable value still means "someone claimed this": report it without a link.
  }
  return { attemptId: 'unknown', requestedAt: '' };
}

async function releaseQuietly(deps: TriggerDeps, key: string): Promise<void> {
  try {
    await deps.claims.release(key);
  } catch (error) {
    deps.log('warn', 'could not release a duplicate-guard claim; it expires by itself', { key, err: error });
  }
}

/** The run was triggered and reported either way: a watch that cannot start is logged, not fatal. */
async function watchQuietly(deps: TriggerDeps, run: NewRunWatch): Promise<void> {
  try {
    await deps.startWatch?.(run);
  } catch (error) {
    deps.log('error', 'could not start watching the run; its thread reply will not be updated', {
      instanceId: run.instanceId,
      attemptId: run.attemptId,
      err: error,
    });
  }
}

/** The audit record after the fact: failing to write it must not hide the outcome from the user. */
async function saveQuietly(
  deps: TriggerDeps,
  save: (patch: Partial<AuditRecord>) => Promise<void>,
  patch: Partial<AuditRecord>,
  record: AuditRecord,
): Promise<void> {
  try {
    await save(patch);
  } catch (error) {
    // `save` applied the patch to `record` before it failed: the whole record goes to the log.
    deps.log('error', 'could not write the audit record; it is logged here instead', { record, err: error });
  }
}

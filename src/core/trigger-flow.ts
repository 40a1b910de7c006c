import { createHash } from 'node:crypto';
import { type ApprovalRequest, auditApprovalOf, pendingApprovalOf } from './approval-request';
import { attachApprovalMessage } from './approval-update';
import { claimKey } from './claim-key';
import { EnosApiError, FlowTriggerError, PolicyBlockedError, StoreError } from './errors';
import type { NewRunWatch } from './new-run-watch';
import type {
  Announcement,
  ApprovalNeed,
  AuditRecord,
  EarlierAttempt,
  EnosIdentity,
  Flow,
  ListedFlowInstance,
  RecoveryNoticeSubject,
  RefusalReason,
  ThreadRef,
  TriggerCommand,
  TriggerDeps,
  TriggerReporter,
  TriggerResult,
  TriggerSummary,
} from './ports';
import {
  checkBackoffMs,
  findSentInstance,
  LISTING_LAG_MS,
  mayStillSend,
  notFoundIsFinal,
  TRIGGER_TIME_TOLERANCE_MS,
} from './recovery-rules';
import { type ResolvedTime, resolveTime } from './resolve-time';
import type { AnnouncedFacts, JobState, RecordedAnswer, TriggerJob } from './trigger-job';

/**
 * The trigger use case, shared by the slash command, the modal and the buttons: link → time →
 * duplicate guard → parent message → prerequisite checks (Get Flow) → Update And Trigger Flow →
 * thread reply, with an audit record at every step. It runs as a durable job (trigger-job.ts): a
 * sequence of small steps, each recorded on the job before the next starts. It speaks to Slack only through the
 * `TriggerReporter` port, so every branch is testable without a server.
 */

/** RECOVERY_MAX_AGE_SECONDS' default. */
export const DEFAULT_MAX_AGE_MS = 600_000;

/** EnOS refuses the same flow twice within a minute (62102); we answer before it does. */
export const DUPLICATE_WINDOW_MS = 60_000;

/** The duplicate guard's key: same user, flow, time and parameters (in any order). */
export function duplicateKey(cmd: TriggerCommand, time: ResolvedTime): string {
  // Two requests for "now" a few seconds apart are the same request; a scheduled one counts by minute.
  const timeKey = time.immediate ? 'now' : String(Math.floor(time.epochMs / 60_000));
  const params = [...cmd.parameters].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 32);
  return claimKey('dup', cmd.teamId, cmd.slackUserId, cmd.flowId, timeKey, digest);
}

/** EnOS codes that Get Flow uses for a flow that does not exist (or cannot be seen). */
const NOT_FOUND_CODES = new Set([62102, 99404]);

/** The prerequisites of docs/product.md (§2 "A trigger", step 5), in the order a user should fix them. */
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

/** What one run of a job's steps ends with: the job is finished, or waits for recovery. */
type StepOutcome = { next: TriggerJob } | { done: TriggerSummary };

/** What a step learned that the next one may use in the same run (never stored). */
interface Carry {
  /** Get Flow's refusal or failure, from the step before the announcement. */
  check?: TriggerResult;
  /** The error of Update And Trigger, in this run. */
  sendResult?: TriggerResult;
}

/**
 * Runs a trigger job from the step it reached to its end (or until it must wait: a `sent` job
 * whose run EnOS does not list yet), recording each step before the next one starts. Called by
 * the worker that holds the job's lease: for a new request, and by recovery for one whose worker
 * died. The job is removed when it is finished.
 */
export async function runTriggerJob(
  deps: TriggerDeps,
  job: TriggerJob,
  reporter: TriggerReporter,
): Promise<TriggerSummary> {
  let current = job;
  const carry: Carry = {};
  for (;;) {
    const outcome = await runStep(deps, current, reporter, carry);
    if ('done' in outcome) {
      await removeJob(deps, current);
      return outcome.done;
    }
    if (outcome.next.state.step === current.state.step && outcome.next.dueAt > deps.clock()) {
      // A step that must wait (EnOS does not list the run yet): recorded, left to recovery.
      await deps.jobs?.put(outcome.next);
      return { kind: 'waiting', attemptId: current.id };
    }
    current = outcome.next;
    await deps.jobs?.put(current);
  }
}

function runStep(
  deps: TriggerDeps,
  job: TriggerJob,
  reporter: TriggerReporter,
  carry: Carry,
): Promise<StepOutcome> {
  const state = job.state;
  switch (state.step) {
    case 'accepted':
      return intake(deps, job, reporter, carry);
    case 'announced':
      return send(deps, job, state, reporter, carry);
    case 'sent':
      return lookUpSent(deps, job, state, reporter);
    case 'answered':
      return report(deps, job, state, reporter, carry);
    case 'reported':
      return watch(deps, job, state);
  }
}

/** The lease a worker holds on a job in the ClaimStore. */
export function jobLeaseKey(jobId: string): string {
  return `lease:job:${jobId}`;
}

function announcementOf(job: TriggerJob, facts: AnnouncedFacts): Announcement {
  return {
    attemptId: job.id,
    slackUserId: job.origin.slackUserId,
    identity: facts.identity,
    flowId: job.command.flowId,
    flowName: facts.flow?.flowName,
    time: facts.time,
    parameters: job.command.parameters,
  };
}

function auditRecordOf(
  job: TriggerJob,
  identity: EnosIdentity,
  time: ResolvedTime,
  now: number,
): AuditRecord {
  return {
    id: job.id,
    teamId: job.origin.teamId,
    slackUserId: job.origin.slackUserId,
    enosUserId: identity.userId,
    enosUserName: identity.userName,
    orgId: identity.orgId,
    flowId: job.command.flowId,
    triggerTime: time.epochMs,
    zone: time.zone,
    parameters: job.command.parameters,
    source: job.origin.source,
    requestedAt: new Date(job.acceptedAt).toISOString(),
    updatedAt: new Date(now).toISOString(),
    channelId: job.origin.channelId,
    outcome: 'pending',
    ...(job.origin.backfill
      ? { backfill: { id: job.origin.backfill.id, businessDate: job.origin.backfill.businessDate } }
      : {}),
    ...(job.approved
      ? {
          threadTs: job.approved.thread.threadTs,
          approval: {
            requested: new Date(job.approved.requestedAt).toISOString(),
            approvedBy: job.approved.approvedBy,
            at: new Date(job.approved.approvedAt).toISOString(),
          },
        }
      : {}),
  };
}

/** Writes the job's audit record with `patch`; a failure is logged with the record, never fatal. */
async function saveAudit(
  deps: TriggerDeps,
  job: TriggerJob,
  facts: Pick<AnnouncedFacts, 'identity' | 'time'> & Partial<AnnouncedFacts>,
  patch: Partial<AuditRecord>,
): Promise<void> {
  const record: AuditRecord = {
    ...auditRecordOf(job, facts.identity, facts.time, deps.clock()),
    ...(facts.thread ? { channelId: facts.thread.channelId, threadTs: facts.thread.threadTs } : {}),
    ...(facts.flow ? { flowName: facts.flow.flowName } : {}),
    ...patch,
  };
  try {
    await deps.audit.put(record);
  } catch (error) {
    deps.log('error', 'could not write the audit record; it is logged here instead', { record, err: error });
  }
}

/**
 * accepted → announced: link, time, duplicate guard, Get Flow, the parent message. Safe to run
 * again: the guard's claim carries the job's ID, so a rerun finds its own claim; at worst a rerun
 * after a crash right after the parent message posts it a second time.
 */
async function intake(
  deps: TriggerDeps,
  job: TriggerJob,
  reporter: TriggerReporter,
  carry: Carry,
): Promise<StepOutcome> {
  const cmd = job.command;
  let identity: EnosIdentity | undefined;
  try {
    identity = await deps.links.get(job.origin.teamId, job.origin.slackUserId);
  } catch (error) {
    await reporter.notify({ kind: 'store-failed', error: asFlowTriggerError(error) });
    return { done: { kind: 'store-failed' } };
  }
  if (!identity) {
    await reporter.notify({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink });
    return { done: { kind: 'not-linked' } };
  }

  let time: ResolvedTime;
  if (job.approved?.time) {
    // The time the approvers saw, not "at 14:00" read again against the approval's moment.
    time = job.approved.time;
  } else {
    const zone = await deps.zoneOf(job.origin.teamId, job.origin.slackUserId);
    // Against the moment it was asked: "now" and "at 14:00" mean the same after a restart.
    const resolved = resolveTime(cmd.when, { now: job.acceptedAt, zone });
    if (!resolved.ok) {
      await reporter.notify({ kind: 'time-invalid', message: resolved.error.message });
      return { done: { kind: 'time-invalid' } };
    }
    time = resolved.time;
  }
  const dupKey = duplicateKey(jobCommand(job), time);
  const requestedAt = new Date(job.acceptedAt).toISOString();

  // The guard and the pending record come before anything visible: a request that cannot be
  // recorded is not triggered.
  try {
    const earlier: EarlierAttempt = { attemptId: job.id, requestedAt };
    const claim = await deps.claims.claim(dupKey, JSON.stringify(earlier), DUPLICATE_WINDOW_MS);
    if (!claim.claimed) {
      const first = parseEarlier(claim.existing);
      if (first.attemptId !== job.id) {
        await saveAudit(
          deps,
          job,
          { identity, time },
          {
            outcome: 'duplicate',
            error: { code: 'DUPLICATE', message: `same as ${first.attemptId}` },
          },
        );
        await reporter.notify({ kind: 'duplicate', flowId: cmd.flowId, earlier: first });
        return { done: { kind: 'duplicate' } };
      }
    }
    await deps.audit.put(auditRecordOf(job, identity, time, deps.clock()));
  } catch (error) {
    await releaseQuietly(deps, dupKey);
    await reporter.notify({ kind: 'store-failed', error: asFlowTriggerError(error) });
    return { done: { kind: 'store-failed' } };
  }

  const now = deps.clock();
  if (!mayStillSend(job.acceptedAt, time, now, deps.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) {
    return expire(deps, job, { identity, time }, undefined, reporter);
  }

  // Get Flow first, so that the parent message can name the flow; its failure is reported in the thread.
  let flow: Flow | undefined;
  try {
    flow = await deps.enos.getFlow(identity, cmd.flowId);
    const reason = checkPrerequisites(flow, identity);
    if (reason) carry.check = { kind: 'refused', reason, flowId: cmd.flowId, identity, flow };
  } catch (error) {
    carry.check = checkFailure(error, cmd.flowId, identity);
  }

  let approval: ApprovalNeed | undefined;
  if (flow && deps.checkPolicy) {
    const verdict = await deps.checkPolicy({
      flow: { flowId: cmd.flowId, flowName: flow.flowName },
      // The console has no conversation: a rule that names channels refuses it (docs/policy.md).
      conversationId: job.origin.source === 'console' ? undefined : job.origin.channelId,
      userId: job.origin.slackUserId,
      action: { kind: 'trigger' },
    });
    let refusal = verdict && 'why' in verdict ? verdict : undefined;
    // An approved request's job meets the same rule again: this approval is the one it asks for
    // (for a backfill's run, the backfill's one approval covers the whole range).
    if (verdict && 'needsApproval' in verdict && !approvedAlready(job)) {
      if (deps.approvals && reporter.requestApproval && job.origin.source !== 'console') {
        approval = verdict.needsApproval;
      } else {
        refusal = {
          why: `${verdict.needsApproval.summary} Approvals are collected in a Slack channel, and this request was not made in one.`,
          how: 'Ask for it with `/flow-trigger` in a Slack channel where flow-trigger is a member.',
        };
      }
    }
    if (refusal) {
      // Refused before anything is visible: the duplicate guard must not hold a request that never ran.
      await releaseQuietly(deps, dupKey);
      await saveAudit(
        deps,
        job,
        { identity, time, flow },
        { outcome: 'refused', error: { code: 'POLICY_REFUSED', message: refusal.why } },
      );
      await reporter.notify({ kind: 'policy-refused', flowId: cmd.flowId, ...refusal });
      return { done: { kind: 'policy-refused' } };
    }
  }
  if (approval && flow) {
    // Only a request that would pass its checks is put to the approvers. One that would not is
    // answered privately here, never announced: an announced job could be resumed after a crash
    // and sent without the approval its rule asks for.
    if (carry.check) {
      const thread = { channelId: job.origin.channelId, private: true };
      return answerWithoutRun(deps, job, { identity, time, flow, thread }, carry.check, reporter);
    }
    return askForApproval(deps, job, { identity, time, flow }, approval, reporter, dupKey);
  }

  const facts = { identity, time, ...(flow ? { flow } : {}) };
  let thread: ThreadRef;
  try {
    thread = job.approved
      ? // The approval request is the parent: the trigger is reported in its thread.
        { channelId: job.approved.thread.channelId, threadTs: job.approved.thread.threadTs, private: false }
      : await reporter.announce(announcementOf(job, { ...facts, thread: { channelId: '', private: false } }));
  } catch (error) {
    // Nobody could be told: triggering now would start a run no one knows about.
    deps.log('error', 'could not announce the trigger in Slack; not triggered', {
      attemptId: job.id,
      err: error,
    });
    await releaseQuietly(deps, dupKey);
    await saveAudit(deps, job, facts, {
      outcome: 'failed',
      error: { code: 'SLACK_UNREACHABLE', message: error instanceof Error ? error.message : String(error) },
    });
    return { done: { kind: 'slack-unreachable', attemptId: job.id } };
  }
  const later: EarlierAttempt = {
    attemptId: job.id,
    requestedAt,
    channelId: thread.channelId,
    threadTs: thread.threadTs,
    private: thread.private,
  };
  try {
    await deps.claims.update(dupKey, JSON.stringify(later), DUPLICATE_WINDOW_MS);
    await deps.audit.put({
      ...auditRecordOf(job, identity, time, deps.clock()),
      channelId: thread.channelId,
      threadTs: thread.threadTs,
      flowName: flow?.flowName,
    });
  } catch (error) {
    carry.check ??= { kind: 'failed', error: asFlowTriggerError(error), stage: 'check' };
  }
  return {
    next: {
      ...job,
      dueAt: deps.clock() + (deps.leaseMs ?? 0),
      state: { step: 'announced', ...facts, thread },
    },
  };
}

/**
 * accepted → awaiting approval: a policy rule needs approval. The request is stored (pending,
 * indexed by its deadline), then posted in the conversation with its buttons, and the job ends
 * here: the request record carries it on (approval-request.ts). On approval a new job of the same
 * id runs every check again (`TriggerJob.approved`). Where the bot cannot post, nobody could
 * approve it: refused privately. A rerun after a crash finds its posted request and stops.
 */
async function askForApproval(
  deps: TriggerDeps,
  job: TriggerJob,
  facts: Pick<AnnouncedFacts, 'identity' | 'time'> & { flow: Flow },
  need: ApprovalNeed,
  reporter: TriggerReporter,
  dupKey: string,
): Promise<StepOutcome> {
  const approvals = deps.approvals;
  const post = reporter.requestApproval?.bind(reporter);
  if (!approvals || !post) throw new Error('askForApproval without an approval store or reporter');
  const { identity, time, flow } = facts;
  const cmd = job.command;
  const now = deps.clock();
  const request: ApprovalRequest = {
    id: job.id,
    teamId: job.origin.teamId,
    requesterId: job.origin.slackUserId,
    channelId: job.origin.channelId,
    ...(job.origin.teamDomain ? { teamDomain: job.origin.teamDomain } : {}),
    source: job.origin.source,
    payload: {
      kind: 'trigger',
      flowId: cmd.flowId,
      flowName: flow.flowName,
      when: cmd.when,
      time,
      parameters: cmd.parameters,
      identity: { userId: identity.userId, userName: identity.userName, orgId: identity.orgId },
    },
    ...pendingApprovalOf(need, now),
  };
  const lockDeps = { approvals, claims: deps.claims, clock: deps.clock };
  try {
    const earlier = await approvals.get(job.id);
    if (earlier?.message) return { done: { kind: 'awaiting-approval', attemptId: job.id } };
    await approvals.put(request);
  } catch (error) {
    await releaseQuietly(deps, dupKey);
    await reporter.notify({ kind: 'store-failed', error: asFlowTriggerError(error) });
    return { done: { kind: 'store-failed' } };
  }
  let posted: Awaited<ReturnType<typeof post>>;
  try {
    posted = await post(request);
  } catch (error) {
    deps.log('error', 'could not post an approval request in Slack; not requested', {
      attemptId: job.id,
      err: error,
    });
    await approvals.remove(job.id).catch(() => undefined);
    await releaseQuietly(deps, dupKey);
    await saveAudit(deps, job, facts, {
      outcome: 'failed',
      error: { code: 'SLACK_UNREACHABLE', message: error instanceof Error ? error.message : String(error) },
    });
    return { done: { kind: 'slack-unreachable', attemptId: job.id } };
  }
  if (!posted) {
    await approvals.remove(job.id).catch(() => undefined);
    await releaseQuietly(deps, dupKey);
    const why =
      `${need.summary} flow-trigger cannot post in this conversation, so nobody could see the request ` +
      'to approve it.';
    await saveAudit(deps, job, facts, {
      outcome: 'refused',
      error: { code: 'APPROVAL_NOT_POSSIBLE', message: 'the bot cannot post the approval request here' },
    });
    await reporter.notify({
      kind: 'policy-refused',
      flowId: cmd.flowId,
      why,
      how: 'Invite flow-trigger to the channel (`/invite @flow-trigger`) and ask again, or ask from a channel it is in.',
    });
    return { done: { kind: 'policy-refused' } };
  }
  let stored = request;
  try {
    stored = (await attachApprovalMessage(lockDeps, job.id, posted)) ?? request;
  } catch (error) {
    // The buttons work without it; only the expiry's edit of the message needs it.
    deps.log('warn', 'could not record where the approval request was posted', {
      attemptId: job.id,
      err: error,
    });
  }
  const thread = { channelId: posted.channelId, threadTs: posted.ts, private: false };
  const earlier: EarlierAttempt = {
    attemptId: job.id,
    requestedAt: new Date(job.acceptedAt).toISOString(),
    channelId: posted.channelId,
    threadTs: posted.ts,
  };
  await deps.claims.update(dupKey, JSON.stringify(earlier), DUPLICATE_WINDOW_MS).catch(() => undefined);
  await saveAudit(deps, job, { ...facts, thread }, { outcome: 'pending', approval: auditApprovalOf(stored) });
  return { done: { kind: 'awaiting-approval', attemptId: job.id } };
}

/**
 * announced → sent → answered: the prerequisites (again after a restart: Get Flow only reads), the
 * age rule, then Update And Trigger, recorded as sent before the call. A refusal or a failure of
 * the checks is answered at once: nothing was sent.
 */
async function send(
  deps: TriggerDeps,
  job: TriggerJob,
  state: Extract<JobState, { step: 'announced' }>,
  reporter: TriggerReporter,
  carry: Carry,
): Promise<StepOutcome> {
  const { identity, time } = state;
  const cmd = job.command;
  let check = carry.check;
  let flow = state.flow;
  if (!check && !flow) {
    try {
      flow = await deps.enos.getFlow(identity, cmd.flowId);
    } catch (error) {
      check = checkFailure(error, cmd.flowId, identity);
    }
    // The intake could not read the flow, so the policy (whose globs match its name) was not asked:
    // a job resumed here asks it now, and an approval it would need is not skipped.
    if (flow && deps.checkPolicy) {
      const verdict = await deps.checkPolicy({
        flow: { flowId: cmd.flowId, flowName: flow.flowName },
        conversationId: job.origin.source === 'console' ? undefined : job.origin.channelId,
        userId: job.origin.slackUserId,
        action: { kind: 'trigger' },
      });
      const why =
        verdict && 'why' in verdict
          ? `${verdict.why} ${verdict.how}`
          : verdict && !approvedAlready(job)
            ? `${verdict.needsApproval.summary} Ask again to post the request for approval.`
            : undefined;
      if (why) check = { kind: 'failed', error: new PolicyBlockedError(why), stage: 'check' };
    }
  }
  if (!check && flow) {
    const reason = checkPrerequisites(flow, identity);
    if (reason) check = { kind: 'refused', reason, flowId: cmd.flowId, identity, flow };
  }
  const facts: AnnouncedFacts = { identity, time, thread: state.thread, ...(flow ? { flow } : {}) };
  if (check || !flow) {
    const result: TriggerResult = check ?? {
      kind: 'failed',
      error: new StoreError('no flow'),
      stage: 'check',
    };
    return answerWithoutRun(deps, job, facts, result, reporter);
  }
  if (!mayStillSend(job.acceptedAt, time, deps.clock(), deps.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) {
    return expire(deps, job, facts, state.thread, reporter);
  }

  // Recorded before the call: if this process dies during it, recovery asks EnOS instead of resending.
  const sentAt = deps.clock();
  await deps.jobs?.put({
    ...job,
    dueAt: sentAt + (deps.leaseMs ?? 0),
    state: { step: 'sent', sentAt, ...facts },
  });
  let answer: RecordedAnswer;
  try {
    const { flowInstanceId } = await deps.enos.updateAndTrigger(identity, {
      flowId: cmd.flowId,
      triggerTime: time.epochMs,
      parameters: cmd.parameters,
    });
    answer = { kind: 'triggered', instanceId: flowInstanceId, flow };
  } catch (error) {
    const result = triggerFailure(error);
    carry.sendResult = result;
    answer = recordedAnswer(result);
  }
  const releaseGuard = answer.kind === 'failed';
  if (releaseGuard) await releaseQuietly(deps, duplicateKey(jobCommand(job), time));
  return { next: { ...job, state: { step: 'answered', sentAt, answer, ...facts } } };
}

/** Nothing was sent (refused, or the checks failed): the caller is told, the guard released. */
async function answerWithoutRun(
  deps: TriggerDeps,
  job: TriggerJob,
  facts: AnnouncedFacts,
  result: TriggerResult,
  reporter: TriggerReporter,
): Promise<StepOutcome> {
  await releaseQuietly(deps, duplicateKey(jobCommand(job), facts.time));
  await saveAudit(deps, job, facts, auditPatch(result));
  await reporter.reply(facts.thread, result, announcementOf(job, facts));
  return { done: { kind: result.kind, attemptId: job.id } };
}

/** Too old to send (RECOVERY_MAX_AGE_SECONDS): the caller is told, with a button to run it now. */
async function expire(
  deps: TriggerDeps,
  job: TriggerJob,
  facts: Pick<AnnouncedFacts, 'identity' | 'time'> & Partial<AnnouncedFacts>,
  thread: ThreadRef | undefined,
  reporter: TriggerReporter,
): Promise<StepOutcome> {
  const ageMs = deps.clock() - job.acceptedAt;
  await releaseQuietly(deps, duplicateKey(jobCommand(job), facts.time));
  await saveAudit(deps, job, facts, {
    outcome: 'failed',
    error: { code: 'EXPIRED', message: `not sent: accepted ${Math.round(ageMs / 1000)} s ago` },
  });
  await reporter.notTriggered(thread, { kind: 'expired', ageMs }, noticeSubject(job, facts));
  return { done: { kind: 'expired', attemptId: job.id } };
}

function noticeSubject(job: TriggerJob, facts: Partial<AnnouncedFacts>): RecoveryNoticeSubject {
  return {
    attemptId: job.id,
    slackUserId: job.origin.slackUserId,
    flowId: job.command.flowId,
    flowName: facts.flow?.flowName,
  };
}

/**
 * sent (its answer lost): ask EnOS whether the run exists, as the caller's EnOS user. Found: it is
 * answered as triggered. Not found: only final once EnOS had every chance to list it, then the
 * caller is told that nothing was triggered. EnOS unreachable: asked again with backoff, and the
 * thread says once that it is being checked. Never sent again.
 */
async function lookUpSent(
  deps: TriggerDeps,
  job: TriggerJob,
  state: Extract<JobState, { step: 'sent' }>,
  reporter: TriggerReporter,
): Promise<StepOutcome> {
  const { identity, time, sentAt } = state;
  const settings = deps.recovery;
  const now = deps.clock();
  const sent = {
    flowId: job.command.flowId,
    triggerTime: time.epochMs,
    parameters: job.command.parameters,
    sentAt,
  };
  let found: ListedFlowInstance | undefined;
  try {
    const listed = await deps.enos.listFlowInstances(identity, {
      flowId: sent.flowId,
      fromTriggerTime: sent.triggerTime - TRIGGER_TIME_TOLERANCE_MS,
      toTriggerTime: sent.triggerTime + TRIGGER_TIME_TOLERANCE_MS,
    });
    found = findSentInstance(listed, sent, settings.serverZone);
  } catch (error) {
    if (!(error instanceof FlowTriggerError)) throw error;
    const checks = (state.checks ?? 0) + 1;
    deps.log('warn', 'could not ask EnOS whether a sent trigger started a run; asking again later', {
      attemptId: job.id,
      checks,
      err: error,
    });
    if (!state.checkingSaid) await reporter.checking(state.thread, noticeSubject(job, state));
    return {
      next: { ...job, dueAt: now + checkBackoffMs(checks), state: { ...state, checks, checkingSaid: true } },
    };
  }
  const facts: AnnouncedFacts = {
    identity,
    time,
    thread: state.thread,
    ...(state.flow ? { flow: state.flow } : {}),
  };
  if (found) {
    deps.log('info', 'recovery found the run of a trigger whose answer was lost', {
      attemptId: job.id,
      instanceId: found.instanceId,
    });
    const flow: Flow = state.flow ?? {
      flowId: job.command.flowId,
      flowName: found.flowName,
      owners: [],
      parameters: [],
      tasks: [],
      locked: false,
      isUserLocked: false,
    };
    return {
      next: {
        ...job,
        state: {
          step: 'answered',
          sentAt,
          answer: { kind: 'triggered', instanceId: found.instanceId, flow },
          ...facts,
        },
      },
    };
  }
  if (!notFoundIsFinal(sentAt, now, settings.enosTimeoutMs)) {
    return { next: { ...job, dueAt: sentAt + settings.enosTimeoutMs + LISTING_LAG_MS, state } };
  }
  deps.log('info', 'recovery: EnOS lists no run for a trigger whose answer was lost; telling the caller', {
    attemptId: job.id,
  });
  await releaseQuietly(deps, duplicateKey(jobCommand(job), time));
  await saveAudit(deps, job, facts, {
    outcome: 'failed',
    error: { code: 'NOT_FOUND_IN_ENOS', message: 'the answer was lost and EnOS lists no such run' },
  });
  await reporter.notTriggered(state.thread, { kind: 'not-found' }, noticeSubject(job, state));
  return { done: { kind: 'failed', attemptId: job.id } };
}

/**
 * answered → reported: the audit record, then, for a run, its watch (saved BEFORE the reply, so
 * that a reported run is always followed), the reply, and the reply's ts on the watch after. A
 * watch that already exists (a rerun after a crash) means the reply may be out: the watcher posts a
 * fresh one if it never got its ts, so the step does not post a second.
 */
async function report(
  deps: TriggerDeps,
  job: TriggerJob,
  state: Extract<JobState, { step: 'answered' }>,
  reporter: TriggerReporter,
  carry: Carry,
): Promise<StepOutcome> {
  const facts: AnnouncedFacts = {
    identity: state.identity,
    time: state.time,
    thread: state.thread,
    ...(state.flow ? { flow: state.flow } : {}),
  };
  const announcement = announcementOf(job, facts);
  const answer = state.answer;
  if (answer.kind !== 'triggered') {
    // The error itself when it happened in this run (its EnOS code shows in the reply).
    const result = carry.sendResult ?? resultOfAnswer(answer, job, state);
    await saveAudit(deps, job, facts, auditPatch(result));
    await reporter.reply(state.thread, result, announcement);
    return { done: { kind: result.kind, attemptId: job.id } };
  }
  const result: TriggerResult = {
    kind: 'triggered',
    instanceId: answer.instanceId,
    flow: answer.flow,
    time: state.time,
  };
  await saveAudit(deps, job, { ...facts, flow: answer.flow }, auditPatch(result));
  const run = newRunOf(job, facts, answer);
  if (deps.watches && (await deps.watches.exists(answer.instanceId))) {
    return { next: { ...job, state: { step: 'reported', answer, ...facts } } };
  }
  await watchQuietly(deps, { ...run, awaitingReply: true });
  const posted = await reporter.reply(state.thread, result, announcement);
  if (posted && deps.watches) {
    try {
      await deps.watches.replyPosted(answer.instanceId, posted);
    } catch (error) {
      deps.log('warn', 'could not record the run’s reply on its watch; the watcher posts a new one', {
        instanceId: answer.instanceId,
        err: error,
      });
    }
  } else if (deps.watches) {
    await deps.watches.replyPosted(answer.instanceId, undefined).catch(() => undefined);
  }
  return { next: { ...job, state: { step: 'reported', answer, ...facts } } };
}

/** reported → watched: the run's watch exists (recovery creates one that is missing). */
async function watch(
  deps: TriggerDeps,
  job: TriggerJob,
  state: Extract<JobState, { step: 'reported' }>,
): Promise<StepOutcome> {
  const answer = state.answer;
  if (answer.kind === 'triggered' && deps.watches && !(await deps.watches.exists(answer.instanceId))) {
    await watchQuietly(deps, newRunOf(job, state, answer));
  }
  return {
    done: {
      kind: answer.kind,
      attemptId: job.id,
      ...(answer.kind === 'triggered' ? { instanceId: answer.instanceId } : {}),
    },
  };
}

function newRunOf(
  job: TriggerJob,
  facts: AnnouncedFacts,
  answer: Extract<RecordedAnswer, { kind: 'triggered' }>,
): NewRunWatch {
  return {
    instanceId: answer.instanceId,
    teamId: job.origin.teamId,
    attemptId: job.id,
    slackUserId: job.origin.slackUserId,
    identity: {
      userId: facts.identity.userId,
      userName: facts.identity.userName,
      orgId: facts.identity.orgId,
    },
    flowId: job.command.flowId,
    flowName: answer.flow.flowName,
    triggerTime: facts.time.epochMs,
    channelId: facts.thread.channelId,
    threadTs: facts.thread.threadTs,
    private: facts.thread.private,
    ...(job.origin.backfill ? { backfill: { teamId: job.origin.teamId, id: job.origin.backfill.id } } : {}),
  };
}

/** The error of a recorded answer, as the reply shows it. */
class RecordedError extends FlowTriggerError {
  constructor(
    readonly code: string,
    message: string,
    userMessage: string,
  ) {
    super(message, userMessage);
  }
}

function recordedAnswer(result: TriggerResult): RecordedAnswer {
  if (result.kind === 'triggered')
    return { kind: 'triggered', instanceId: result.instanceId, flow: result.flow };
  const error = result.error ?? new StoreError(result.kind);
  return {
    kind: result.kind,
    code: result.kind === 'refused' ? result.reason : error.code,
    message: error.message,
    userMessage: error.userMessage,
  };
}

function resultOfAnswer(
  answer: Exclude<RecordedAnswer, { kind: 'triggered' }>,
  job: TriggerJob,
  facts: AnnouncedFacts,
): TriggerResult {
  const error = new RecordedError(answer.code, answer.message, answer.userMessage);
  if (answer.kind === 'refused') {
    return {
      kind: 'refused',
      reason: answer.code as RefusalReason,
      flowId: job.command.flowId,
      identity: facts.identity,
      error,
    };
  }
  if (answer.kind === 'failed') return { kind: 'failed', error, stage: 'trigger' };
  return { kind: 'unknown', error };
}

function jobCommand(job: TriggerJob): TriggerCommand {
  return {
    teamId: job.origin.teamId,
    slackUserId: job.origin.slackUserId,
    channelId: job.origin.channelId,
    flowId: job.command.flowId,
    when: job.command.when,
    parameters: job.command.parameters,
    source: job.origin.source,
  };
}

async function removeJob(deps: TriggerDeps, job: TriggerJob): Promise<void> {
  try {
    await deps.jobs?.remove(job.id);
  } catch (error) {
    // Left in the store, a finished job is met again by recovery, which finds its steps done.
    deps.log('warn', 'could not remove a finished job; recovery will meet it again', {
      attemptId: job.id,
      err: error,
    });
  }
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

/** The duplicate guard's stored value; exported for the preview, which reads the guard without claiming it. */
export function parseEarlier(value: string): EarlierAttempt {
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

/** A job whose approval was given: an approved request's, or a run of an approved backfill. */
function approvedAlready(job: TriggerJob): boolean {
  return job.approved !== undefined || job.origin.backfill?.approvalId !== undefined;
}

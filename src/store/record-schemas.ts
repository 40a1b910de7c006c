import { z } from 'zod';
import type { ApprovalRequest } from '../core/approval-request';
import type { BackfillControlRequest, BackfillRecord } from '../core/backfill';
import type { WhenSpec } from '../core/parse-command';
import type { AuditRecord, Flow, Link, RunWatch, StoredPreview } from '../core/ports';
import type { ResolvedTime } from '../core/resolve-time';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import type { TriggerJob } from '../core/trigger-job';

/*
 * Records are validated when written (a bug upstream fails loudly at the write, instead of a link
 * silently "disappearing" when it is read back) and when read (the store is shared with other
 * versions of the app, and with operators who have redis-cli). `satisfies` keeps each schema in
 * step with its interface in ports.ts. Unknown fields are stripped, so an older version can read
 * records a newer one wrote.
 */

const instant = z.iso.datetime({ offset: true });

/** A Link as stored. */
export const linkSchema = z.object({
  teamId: z.string().min(1),
  slackUserId: z.string().min(1),
  userId: z.string().min(1),
  userName: z.string().min(1),
  orgId: z.string().min(1),
  linkedBy: z.string().min(1),
  linkedAt: instant,
}) satisfies z.ZodType<Link>;

const flowParameterSchema = z.object({ key: z.string(), value: z.string() });

/** An AuditRecord as stored. */
export const auditRecordSchema = z.object({
  id: z.string().min(1),
  teamId: z.string().min(1),
  slackUserId: z.string().min(1),
  enosUserId: z.string(),
  enosUserName: z.string(),
  orgId: z.string(),
  flowId: z.number().int(),
  flowName: z.string().optional(),
  triggerTime: z.number(),
  zone: z.string(),
  parameters: z.array(flowParameterSchema),
  source: z.enum(['command', 'modal', 'button', 'console']),
  requestedAt: instant,
  updatedAt: instant,
  channelId: z.string(),
  threadTs: z.string().optional(),
  outcome: z.enum(['pending', 'triggered', 'refused', 'failed', 'unknown', 'duplicate']),
  instanceId: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), enosCode: z.number().optional() }).optional(),
  run: z.object({ status: z.number().int(), gaveUp: z.boolean().optional(), at: instant }).optional(),
  backfill: z.object({ id: z.string().min(1), businessDate: z.string() }).optional(),
  approval: z
    .object({
      requested: instant,
      approvedBy: z.array(z.string()),
      rejectedBy: z.string().optional(),
      reason: z.string().optional(),
      withdrawn: z.boolean().optional(),
      at: instant.optional(),
    })
    .optional(),
}) satisfies z.ZodType<AuditRecord>;

/** A RunWatch as stored. */
export const runWatchSchema = z.object({
  instanceId: z.string().min(1),
  teamId: z.string().min(1),
  attemptId: z.string().min(1),
  slackUserId: z.string().min(1),
  identity: z.object({ userId: z.string().min(1), orgId: z.string().min(1), userName: z.string() }),
  flowId: z.number().int(),
  flowName: z.string().optional(),
  triggerTime: z.number(),
  channelId: z.string().min(1),
  threadTs: z.string().optional(),
  reply: z.object({ channelId: z.string().min(1), ts: z.string().min(1) }).optional(),
  private: z.boolean(),
  awaitingReply: z.boolean().optional(),
  createdAt: z.number(),
  nextPollAt: z.number(),
  giveUpAt: z.number(),
  step: z.number().int().nonnegative(),
  polls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  lastStatus: z.number().int().optional(),
  lastPhase: z.string().optional(),
  backfill: z.object({ teamId: z.string().min(1), id: z.string().min(1) }).optional(),
}) satisfies z.ZodType<RunWatch>;

const identitySchema = z.object({
  userId: z.string().min(1),
  orgId: z.string().min(1),
  userName: z.string(),
});
const threadSchema = z.object({
  channelId: z.string(),
  threadTs: z.string().optional(),
  private: z.boolean(),
});
/** ResolvedTime, WhenSpec and Flow are the core's own values, written by this app: kept whole. */
const opaque = <T>() => z.custom<T>((v) => typeof v === 'object' && v !== null);
const factsShape = {
  identity: identitySchema,
  time: opaque<ResolvedTime>(),
  thread: threadSchema,
  flow: opaque<Flow>().optional(),
};
const answerSchema = z.union([
  z.object({ kind: z.literal('triggered'), instanceId: z.string().min(1), flow: opaque<Flow>() }),
  z.object({
    kind: z.enum(['refused', 'failed', 'unknown']),
    code: z.string(),
    message: z.string(),
    userMessage: z.string(),
  }),
]);

/** A TriggerJob as stored: its step a discriminated union, as in core/trigger-job.ts. */
export const triggerJobSchema = z.object({
  id: z.string().min(1),
  origin: z.object({
    teamId: z.string().min(1),
    slackUserId: z.string().min(1),
    channelId: z.string(),
    teamDomain: z.string().optional(),
    responseUrl: z.string().optional(),
    deliveryKey: z.string().min(1),
    source: z.enum(['command', 'modal', 'button', 'console']),
    again: z.string().optional(),
    backfill: z
      .object({
        id: z.string().min(1),
        businessDate: z.string(),
        threadTs: z.string().optional(),
        approvalId: z.string().min(1).optional(),
      })
      .optional(),
  }),
  command: z.object({
    flowId: z.number().int(),
    when: opaque<WhenSpec>(),
    parameters: z.array(flowParameterSchema),
  }),
  acceptedAt: z.number(),
  dueAt: z.number(),
  state: z.discriminatedUnion('step', [
    z.object({ step: z.literal('accepted') }),
    z.object({ step: z.literal('announced'), ...factsShape }),
    z.object({
      step: z.literal('sent'),
      sentAt: z.number(),
      checkingSaid: z.boolean().optional(),
      checks: z.number().int().optional(),
      ...factsShape,
    }),
    z.object({
      step: z.literal('answered'),
      sentAt: z.number().optional(),
      answer: answerSchema,
      ...factsShape,
    }),
    z.object({ step: z.literal('reported'), answer: answerSchema, ...factsShape }),
  ]),
  approved: z
    .object({
      requestedAt: z.number(),
      time: opaque<ResolvedTime>().optional(),
      thread: z.object({ channelId: z.string().min(1), threadTs: z.string().min(1) }),
      approvedBy: z.array(z.string().min(1)),
      approvedAt: z.number(),
    })
    .optional(),
}) satisfies z.ZodType<TriggerJob>;

/** A StoredPreview as stored. */
export const storedPreviewSchema = z.object({
  id: z.string().min(1),
  teamId: z.string().min(1),
  slackUserId: z.string().min(1),
  channelId: z.string(),
  flowId: z.number().int(),
  when: opaque<WhenSpec>(),
  pinnedEpochMs: z.number().optional(),
  backdated: z.boolean(),
  parameters: z.array(flowParameterSchema),
  createdAt: z.number(),
}) satisfies z.ZodType<StoredPreview>;

const backfillControlSchema = z.enum(['pause', 'resume', 'cancel-remaining', 'cancel-all', 'retry', 'skip']);

/** A BackfillRecord as stored (src/core/backfill.ts). */
export const backfillRecordSchema = z.object({
  id: z.string().min(1),
  teamId: z.string().min(1),
  slackUserId: z.string().min(1),
  identity: identitySchema,
  flowId: z.number().int(),
  flowName: z.string(),
  owners: z.array(z.string()),
  parameters: z.array(flowParameterSchema),
  order: z.enum(['oldest-first', 'newest-first']),
  onFailure: z.enum(['stop', 'keep-going']),
  zone: z.string(),
  serverZone: z.string(),
  channelId: z.string().min(1),
  threadTs: z.string().optional(),
  progress: z.object({ channelId: z.string().min(1), ts: z.string().min(1) }).optional(),
  runs: z.array(
    z.object({
      businessDate: z.string(),
      triggerTime: z.number(),
      state: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']),
      instanceId: z.string().optional(),
      status: z.string().optional(),
      answeredAt: z.number().optional(),
      endedAt: z.number().optional(),
      local: z.string(),
      attempts: z.number().int().nonnegative(),
      failure: z.string().optional(),
    }),
  ),
  status: z.enum(['running', 'paused', 'stopped', 'finished', 'cancelled']),
  nextAt: z.number(),
  endTold: z.boolean().optional(),
  lastControl: z
    .object({ control: backfillControlSchema, slackUserId: z.string().min(1), at: z.number() })
    .optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  approvalId: z.string().min(1).optional(),
}) satisfies z.ZodType<BackfillRecord>;

/** A BackfillControlRequest as the control claim's JSON value holds it. */
export const backfillControlRequestSchema = z.object({
  control: backfillControlSchema,
  slackUserId: z.string().min(1),
  at: z.number(),
}) satisfies z.ZodType<BackfillControlRequest>;

/** A StoredBackfillPlan as stored. */
export const storedBackfillPlanSchema = z.object({
  id: z.string().min(1),
  teamId: z.string().min(1),
  slackUserId: z.string().min(1),
  channelId: z.string(),
  flowId: z.number().int(),
  flowName: z.string(),
  identity: identitySchema,
  runs: z.array(z.object({ businessDate: z.string(), triggerTime: z.number(), local: z.string() })),
  order: z.enum(['oldest-first', 'newest-first']),
  onFailure: z.enum(['stop', 'keep-going']),
  parameters: z.array(flowParameterSchema),
  zone: z.string(),
  serverZone: z.string(),
  createdAt: z.number(),
}) satisfies z.ZodType<StoredBackfillPlan>;
const approvalDecisionSchema = z.object({ userId: z.string().min(1), at: z.number() });

/** An ApprovalRequest as stored (core/approval-request.ts). */
export const approvalRequestSchema = z.object({
  id: z.string().min(1),
  teamId: z.string().min(1),
  requesterId: z.string().min(1),
  channelId: z.string().min(1),
  teamDomain: z.string().optional(),
  source: z.enum(['command', 'modal', 'button', 'console']),
  payload: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('trigger'),
      flowId: z.number().int(),
      flowName: z.string(),
      when: opaque<WhenSpec>(),
      time: opaque<ResolvedTime>(),
      parameters: z.array(flowParameterSchema),
      identity: identitySchema,
    }),
    z.object({
      kind: z.literal('backfill'),
      flowId: z.number().int(),
      flowName: z.string(),
      runs: z.number().int(),
      range: z.string(),
      parameters: z.array(flowParameterSchema),
      details: z.record(z.string(), z.unknown()),
    }),
  ]),
  rule: z.object({ index: z.number().int(), name: z.string() }),
  summary: z.string(),
  approvers: z.array(z.string().min(1)),
  count: z.number().int().positive(),
  requestedAt: z.number(),
  deadline: z.number(),
  message: z.object({ channelId: z.string().min(1), ts: z.string().min(1) }).optional(),
  state: z.enum(['pending', 'approved', 'rejected', 'withdrawn', 'expired']),
  approvedBy: z.array(approvalDecisionSchema),
  rejectedBy: approvalDecisionSchema.extend({ reason: z.string() }).optional(),
  decidedAt: z.number().optional(),
}) satisfies z.ZodType<ApprovalRequest>;

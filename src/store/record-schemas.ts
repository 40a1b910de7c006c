import { z } from 'zod';
import type { AuditRecord, Link, RunWatch } from '../core/ports';

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
  source: z.enum(['command', 'modal', 'button']),
  requestedAt: instant,
  updatedAt: instant,
  channelId: z.string(),
  threadTs: z.string().optional(),
  outcome: z.enum(['pending', 'triggered', 'refused', 'failed', 'unknown', 'duplicate']),
  instanceId: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), enosCode: z.number().optional() }).optional(),
  run: z.object({ status: z.number().int(), gaveUp: z.boolean().optional(), at: instant }).optional(),
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
  createdAt: z.number(),
  nextPollAt: z.number(),
  giveUpAt: z.number(),
  step: z.number().int().nonnegative(),
  polls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  lastStatus: z.number().int().optional(),
  lastPhase: z.string().optional(),
}) satisfies z.ZodType<RunWatch>;

import { parseEnosTime } from './parse-enos-time';
import type { FlowParameter, ListedFlowInstance } from './ports';
import type { ResolvedTime } from './resolve-time';

/**
 * The rules of recovery (docs/product.md §6, "Promises under faults"), pure: what to do with a job found
 * after its worker died, and which EnOS instance an unanswered Update And Trigger created.
 */

/** What recovery needs to know about time and EnOS. */
export interface RecoverySettings {
  /** RECOVERY_MAX_AGE_SECONDS in ms: a job not yet sent runs only if younger (counted from acceptance). */
  maxAgeMs: number;
  /** ENOS_REQUEST_TIMEOUT_MS: EnOS may list a run it created as late as this after the send. */
  enosTimeoutMs: number;
  /** The zone EnOS writes its zone-less times in. */
  serverZone: string;
}

/** EnOS's clock may be behind ours: an instance created this much "before" the send still counts. */
export const CLOCK_SKEW_MS = 60_000;
/** EnOS stores trigger times to the second. */
export const TRIGGER_TIME_TOLERANCE_MS = 1000;
/** Beyond the request timeout, how long EnOS may take to list a run it created. */
export const LISTING_LAG_MS = 60_000;

/**
 * Whether a job not yet sent to EnOS may still be sent: younger than the maximum age, whatever its
 * time (now, back-dated, a backfill), or a scheduled one whose time is still ahead (it runs as asked).
 */
export function mayStillSend(
  acceptedAt: number,
  time: ResolvedTime | undefined,
  now: number,
  maxAgeMs: number,
): boolean {
  if (now - acceptedAt < maxAgeMs) return true;
  return time !== undefined && !time.immediate && !time.backdated && time.epochMs > now;
}

/** The instance an Update And Trigger sent at `sentAt` created, if EnOS lists it. */
export interface SentTrigger {
  flowId: number;
  triggerTime: number;
  parameters: FlowParameter[];
  sentAt: number;
}

/**
 * The listed instance that the send created: same flow, trigger time within ±1 s (read in the
 * server's zone), created no earlier than the send less the clock-skew margin; where several
 * match, the one that carries every parameter sent with the value sent (EnOS merges the flow's own
 * parameters in, so the instance may hold more). An instance without a readable createTime is
 * kept (older EnOS versions, inferred), the trigger time and parameters still deciding.
 */
export function findSentInstance(
  instances: readonly ListedFlowInstance[],
  sent: SentTrigger,
  serverZone: string,
): ListedFlowInstance | undefined {
  const candidates = instances.filter((instance) => {
    if (instance.flowId !== sent.flowId) return false;
    const trigger = parseEnosTime(instance.triggerTime, serverZone);
    if (trigger === undefined || Math.abs(trigger - sent.triggerTime) > TRIGGER_TIME_TOLERANCE_MS)
      return false;
    const created = parseEnosTime(instance.createTime, serverZone);
    return created === undefined || created >= sent.sentAt - CLOCK_SKEW_MS;
  });
  if (candidates.length <= 1) return candidates[0];
  const carriesSent = (instance: ListedFlowInstance) =>
    sent.parameters.every((p) => instance.parameters.some((q) => q.key === p.key && q.value === p.value));
  return candidates.find(carriesSent);
}

/** "Not found" is an answer only once EnOS had every chance to list the run (docs/product.md §6). */
export function notFoundIsFinal(sentAt: number, now: number, enosTimeoutMs: number): boolean {
  return now >= sentAt + enosTimeoutMs + LISTING_LAG_MS;
}

/** The wait before asking EnOS again after `checks` failed attempts (1 or more): 5 s doubling, at most 5 min. */
export function checkBackoffMs(checks: number): number {
  return Math.min(5000 * 2 ** Math.max(0, checks - 1), 300_000);
}

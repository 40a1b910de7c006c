import { type ApprovalAction, type ApprovalEffect, changesRequest, decideApproval } from './approval-decide';
import type { ApprovalRequest } from './approval-request';
import { claimKey } from './claim-key';
import { StoreError } from './errors';
import type { ApprovalStore, ClaimStore, Clock } from './ports';

/**
 * Atomic decisions on a request, across replicas. The record holds every decision (who approved,
 * who rejected and why), and keyv can only get and set it whole: two approvers clicking at once
 * on two replicas would each read "0 approvals" and each write "1", losing one. So every decision
 * is a read-modify-write under a short lock claim (`approval-lock:<id>`, SET NX PX / one SQLite
 * statement), retried while another replica holds it.
 *
 * Why a lock and not one claim per decision: a claim per approver makes "each person once" atomic,
 * but the count, the single Reject that ends the request and the one transition to "approved"
 * (which must start the trigger exactly once) are facts about all decisions together; they would
 * need a second protocol. Under the lock the pure `decideApproval` sees one consistent record. The
 * lock's expiry (LOCK_TTL_MS) frees it if its holder dies mid-write; the write is a single `set`, so
 * a dead holder leaves the record either before or after its decision, never half-written.
 */

/** Long enough for one read and one write, on a slow store; short if a holder dies. */
export const LOCK_TTL_MS = 5_000;
/** How long a decision waits for the lock before it gives up (the clicker is told to click again). */
export const LOCK_WAIT_MS = 4_000;

export interface ApprovalUpdateDeps {
  approvals: ApprovalStore;
  claims: ClaimStore;
  clock: Clock;
  /** Waits between tries for the lock (real time: the test clock does not move by itself). */
  sleep?: (ms: number) => Promise<void>;
}

export type ApprovalUpdate =
  | { kind: 'missing' }
  | { kind: 'decided'; before: ApprovalRequest; request: ApprovalRequest; effect: ApprovalEffect };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The lock's key for one request. */
export function approvalLockKey(id: string): string {
  return claimKey('approval-lock', id);
}

/**
 * Runs `work` while holding the request's lock. Throws a StoreError when the lock could not be had
 * within LOCK_WAIT_MS. (A holder slower than LOCK_TTL_MS could release a successor's lock: the
 * work is one read and one write, far below it.)
 */
export async function withApprovalLock<T>(
  deps: ApprovalUpdateDeps,
  id: string,
  work: () => Promise<T>,
): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  const key = approvalLockKey(id);
  const owner = Math.random().toString(36).slice(2, 12);
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const lock = await deps.claims.claim(key, owner, LOCK_TTL_MS);
    if (lock.claimed) break;
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new StoreError(`the approval request ${id} stayed locked for ${LOCK_WAIT_MS} ms`);
    }
    // A little jitter, so that replicas waiting together do not retry in step.
    await sleep(Math.min(200, 10 * 2 ** attempt) + Math.floor(Math.random() * 10));
  }
  try {
    return await work();
  } finally {
    await deps.claims.release(key).catch(() => undefined);
  }
}

/**
 * Applies `action` by `userId` to the request `id`, atomically; the request is written only when
 * the decision changed it.
 */
export function updateApproval(
  deps: ApprovalUpdateDeps,
  id: string,
  userId: string,
  action: ApprovalAction,
  /**
   * Runs under the lock before a change is written (the approved job is recorded there, so that it
   * exists before anyone can see the request approved); a throw leaves the request as it was.
   */
  beforeWrite?: (request: ApprovalRequest, effect: ApprovalEffect) => Promise<void>,
): Promise<ApprovalUpdate> {
  return withApprovalLock(deps, id, async (): Promise<ApprovalUpdate> => {
    const before = await deps.approvals.get(id);
    if (!before) return { kind: 'missing' };
    const { request, effect } = decideApproval(before, userId, action, deps.clock());
    if (changesRequest(effect)) {
      await beforeWrite?.(request, effect);
      await deps.approvals.put(request);
    }
    return { kind: 'decided', before, request, effect };
  });
}

/** Records where the request was posted, under the lock: a decision made meanwhile is kept. */
export function attachApprovalMessage(
  deps: ApprovalUpdateDeps,
  id: string,
  message: { channelId: string; ts: string },
): Promise<ApprovalRequest | undefined> {
  return withApprovalLock(deps, id, async () => {
    const request = await deps.approvals.get(id);
    if (!request) return undefined;
    const updated = { ...request, message };
    await deps.approvals.put(updated);
    return updated;
  });
}

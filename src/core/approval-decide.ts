import type { ApprovalRequest, ApprovalState } from './approval-request';

/** What someone did to a request: a button, the Reject modal, or the expiry pass (`expire`). */
export type ApprovalAction =
  | { kind: 'approve' }
  | { kind: 'reject'; reason: string }
  | { kind: 'withdraw' }
  | { kind: 'expire' };

/**
 * What came of it. The first group changes nothing (the clicker is told privately why); the second
 * changed the request, which is then written.
 */
export type ApprovalEffect =
  /** Decided before (or expired): nothing counts any more. */
  | { kind: 'already-final'; state: Exclude<ApprovalState, 'pending'> }
  /** Approve or Reject from someone who is not a listed approver. */
  | { kind: 'not-approver' }
  /** Approve or Reject from the requester: the requester never counts. */
  | { kind: 'own-request' }
  /** Withdraw from someone other than the requester. */
  | { kind: 'not-requester' }
  /** The same approver again (a double click, a second replica): counted once. */
  | { kind: 'already-approved' }
  /** The expiry pass came early (the deadline moved, or a clock differs): nothing to do. */
  | { kind: 'not-due' }
  /** One more approval, and more are needed. */
  | { kind: 'counted'; approvals: number; needed: number }
  /** The last approval needed: the request proceeds. */
  | { kind: 'approved' }
  | { kind: 'rejected' }
  | { kind: 'withdrawn' }
  | { kind: 'expired' };

/** Effects that changed the request (and must be written before anyone is told). */
export function changesRequest(effect: ApprovalEffect): boolean {
  return ['counted', 'approved', 'rejected', 'withdrawn', 'expired'].includes(effect.kind);
}

/**
 * One decision on a request, pure: the request after it and what to tell. A pending request past
 * its deadline expires on whatever action meets it first, so a click that arrives after the
 * timeout (before the expiry pass) never approves it. Decisions of people who may not make them
 * change nothing.
 */
export function decideApproval(
  request: ApprovalRequest,
  userId: string,
  action: ApprovalAction,
  now: number,
): { request: ApprovalRequest; effect: ApprovalEffect } {
  const same = (effect: ApprovalEffect) => ({ request, effect });
  if (request.state !== 'pending') return same({ kind: 'already-final', state: request.state });
  const final = (state: Exclude<ApprovalState, 'pending'>, patch: Partial<ApprovalRequest> = {}) => ({
    request: { ...request, ...patch, state, decidedAt: now },
    effect: { kind: state } as ApprovalEffect,
  });
  if (now >= request.deadline) return final('expired');
  switch (action.kind) {
    case 'expire':
      return same({ kind: 'not-due' });
    case 'withdraw':
      return userId === request.requesterId ? final('withdrawn') : same({ kind: 'not-requester' });
    case 'approve':
    case 'reject': {
      if (userId === request.requesterId) return same({ kind: 'own-request' });
      if (!request.approvers.includes(userId)) return same({ kind: 'not-approver' });
      if (action.kind === 'reject') {
        return final('rejected', { rejectedBy: { userId, at: now, reason: action.reason } });
      }
      if (request.approvedBy.some((a) => a.userId === userId)) return same({ kind: 'already-approved' });
      const approvedBy = [...request.approvedBy, { userId, at: now }];
      if (approvedBy.length >= request.count) return final('approved', { approvedBy });
      return {
        request: { ...request, approvedBy },
        effect: { kind: 'counted', approvals: approvedBy.length, needed: request.count },
      };
    }
  }
}

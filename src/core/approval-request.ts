import type { WhenSpec } from './parse-when';
import type { ApprovalNeed, AuditRecord, EnosIdentity, FlowParameter } from './ports';
import type { ResolvedTime } from './resolve-time';

/**
 * A request that a policy rule holds for a second person (docs/product.md, "Guardrails: policy
 * file and approval"): stored with its decisions until it is approved, rejected, withdrawn or
 * expired. Decisions are made by `decideApproval` (approval-decide.ts, pure) and written under a
 * short lock (approval-update.ts), so that two replicas never lose one another's decision.
 */

/** What runs once approved: one trigger, or a whole backfill (one approval covers the range). */
export type ApprovalPayload =
  | {
      kind: 'trigger';
      flowId: number;
      flowName: string;
      /** As asked; the time is pinned below, so "at 14:00" keeps meaning the 14:00 that was shown. */
      when: WhenSpec;
      time: ResolvedTime;
      parameters: FlowParameter[];
      /** The requester's EnOS user when asked (the approved job reads the link again). */
      identity: EnosIdentity;
    }
  | {
      kind: 'backfill';
      flowId: number;
      flowName: string;
      /** How many runs the range holds, and the range in words for the request message. */
      runs: number;
      range: string;
      parameters: FlowParameter[];
      /** Whatever the backfill engine needs to start it, kept as it handed it over. */
      details: Record<string, unknown>;
    };

/** Where a request stands; every state but `pending` is final. */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'expired';

export interface ApprovalDecisionRef {
  userId: string;
  /** Epoch ms. */
  at: number;
}

export interface ApprovalRequest {
  /** Also the trigger job's and the audit record's id: one name for the request all along. */
  id: string;
  teamId: string;
  requesterId: string;
  /** The conversation the request is announced in. */
  channelId: string;
  teamDomain?: string;
  source: AuditRecord['source'];
  payload: ApprovalPayload;
  /** The rule that asked for approval, as the file names it (already inert). */
  rule: { index: number; name: string };
  /** Who must approve, in words with mentions (PolicyDecision's `summary`). */
  summary: string;
  /** Slack user ids who may decide: the rule's approvers and group members, without the requester. */
  approvers: string[];
  /** Approvals needed. */
  count: number;
  /** Epoch ms the request was made, and after which it expires. */
  requestedAt: number;
  deadline: number;
  /** The posted request: the thread's parent message. */
  message?: { channelId: string; ts: string };
  state: ApprovalState;
  /** Each approver once, in the order they approved. */
  approvedBy: ApprovalDecisionRef[];
  rejectedBy?: ApprovalDecisionRef & { reason: string };
  /** Epoch ms it reached its final state. */
  decidedAt?: number;
}

/** The approval section of an audit record (AuditRecord.approval). */
export function auditApprovalOf(request: ApprovalRequest): NonNullable<AuditRecord['approval']> {
  return {
    requested: new Date(request.requestedAt).toISOString(),
    approvedBy: request.approvedBy.map((a) => a.userId),
    ...(request.rejectedBy
      ? { rejectedBy: request.rejectedBy.userId, reason: request.rejectedBy.reason }
      : {}),
    ...(request.state === 'withdrawn' ? { withdrawn: true } : {}),
    ...(request.decidedAt !== undefined ? { at: new Date(request.decidedAt).toISOString() } : {}),
  };
}

/** What a new request takes from the policy's need: who decides, how many, until when; pending, no decision. */
export function pendingApprovalOf(
  need: ApprovalNeed,
  now: number,
): Pick<
  ApprovalRequest,
  'rule' | 'summary' | 'approvers' | 'count' | 'requestedAt' | 'deadline' | 'state' | 'approvedBy'
> {
  return {
    rule: need.rule,
    summary: need.summary,
    approvers: need.eligibleApprovers,
    count: need.count,
    requestedAt: now,
    deadline: now + need.timeoutMs,
    state: 'pending',
    approvedBy: [],
  };
}

import type { FlowPattern } from './policy-schema';

/**
 * A policy ready to decide with: names resolved to ids once, when the file was loaded (a Slack
 * lookup per request would make every trigger depend on Slack's directory being up).
 */

/** A channel the rule allows; `name` (without `#`) when the file named it, for messages. */
export interface ChannelRef {
  id: string;
  name?: string;
}

/** A user, or a user group (`handle` without `@` when the file named it by handle). */
export type PrincipalRef = { kind: 'user'; id: string } | { kind: 'group'; id: string; handle?: string };

export interface ApprovalRequirement {
  approvers: PrincipalRef[];
  /** Approvals needed, from approvers other than the requester. */
  count: number;
  /** How long the request waits for decisions before it expires. */
  timeoutMs: number;
}

export interface PolicyRule {
  /** 0-based position in the file: the first rule that applies decides. */
  index: number;
  name: string;
  flows: FlowPattern[];
  /** Absent: any conversation (and the console). */
  channels?: ChannelRef[];
  /** Absent: any linked user. */
  users?: PrincipalRef[];
  /** Refuses always, with this reason. */
  deny?: string;
  requireApproval?: ApprovalRequirement;
  backfill?: { maxRuns: number };
}

export interface Policy {
  rules: PolicyRule[];
}

/** The members (Slack user ids) of a user group, e.g. `usergroups.users.list`, cached by the adapter. */
export type GroupMembers = (groupId: string) => Promise<readonly string[]>;

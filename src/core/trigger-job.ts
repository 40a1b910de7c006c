import type { WhenSpec } from './parse-command';
import type { AuditRecord, EnosIdentity, Flow, FlowParameter } from './ports';
import type { ResolvedTime } from './resolve-time';

/**
 * A trigger request as a durable job (architecture.md, "Work that outlives the ack"): written to
 * the store before Slack gets its ack, then advanced one recorded step at a time, so that any
 * replica can resume it after a crash and knows whether EnOS may already have it.
 *
 *     accepted → announced → sent → answered → reported (→ watched: the job is removed)
 *
 * Every step is safe to run again except the send: Update And Trigger is never resent, the job is
 * marked `sent` before the call, and a `sent` job found by recovery is answered by asking EnOS
 * (List Flow Instances), never by sending again.
 */

/** Where the request came from in Slack, and how to reach its caller: enough for any replica. */
export interface JobOrigin {
  teamId: string;
  slackUserId: string;
  /** The conversation the request came from (or was asked to post in). */
  channelId: string;
  teamDomain?: string;
  /** The request's response_url (command, button, the form's "Post in"), to answer privately. */
  responseUrl?: string;
  /** The request's trigger_id (or the form's view id): one job per delivery. */
  deliveryKey: string;
  source: AuditRecord['source'];
  /** The audit record this request repeats (Run again, Run it now), for the log. */
  again?: string;
  /** One run of a backfill: reported only in the backfill's thread (src/slack/backfill-runner.ts). */
  backfill?: {
    id: string;
    businessDate: string;
    threadTs?: string;
    /** The backfill's approval request (BackfillRecord.approvalId): its runs do not ask again. */
    approvalId?: string;
  };
}

/** What was asked, as parsed from the command or the form. */
export interface JobCommand {
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
}

/** Where the outcome goes: a thread in the channel, or the caller's private replies. */
export interface JobThread {
  channelId: string;
  threadTs?: string;
  private: boolean;
}

/** What the job knows once the request was announced. */
export interface AnnouncedFacts {
  identity: EnosIdentity;
  time: ResolvedTime;
  thread: JobThread;
  /** Get Flow's answer, when it succeeded before the announcement. */
  flow?: Flow;
}

/** The outcome EnOS gave, in a form that survives the store (errors as their words). */
export type RecordedAnswer =
  | { kind: 'triggered'; instanceId: string; flow: Flow }
  | { kind: 'refused' | 'failed' | 'unknown'; code: string; message: string; userMessage: string };

/** The step a job reached: an explicit state, each with what the next step needs. */
export type JobState =
  /** In the store, acknowledged; nothing visible happened yet. */
  | { step: 'accepted' }
  /** The parent message is posted (or the private fallback); EnOS was not asked to trigger. */
  | ({ step: 'announced' } & AnnouncedFacts)
  /**
   * Update And Trigger was (about to be) sent at `sentAt`: EnOS may have created the run. Only
   * List Flow Instances may tell what happened; the request is never sent again.
   */
  | ({ step: 'sent'; sentAt: number; checkingSaid?: boolean; checks?: number } & AnnouncedFacts)
  /** EnOS's answer (or recovery's finding) is recorded; the caller is not yet told. */
  | ({ step: 'answered'; sentAt?: number; answer: RecordedAnswer } & AnnouncedFacts)
  /** The caller was told; for a run, its watch exists and knows its reply. */
  | ({ step: 'reported'; answer: RecordedAnswer } & AnnouncedFacts);

export type JobStep = JobState['step'];

/** One trigger request in the store. */
export interface TriggerJob {
  /** Also the audit record's ID (the attempt), so that every replica names it the same. */
  id: string;
  origin: JobOrigin;
  command: JobCommand;
  /** Epoch ms the request was acknowledged; recovery counts RECOVERY_MAX_AGE_SECONDS from it. */
  acceptedAt: number;
  /** Epoch ms from which recovery looks at the job (when its lease may have lapsed, or a check is due). */
  dueAt: number;
  state: JobState;
  /** Set when the job is an approved request (approval-request.ts): it runs in the request's thread. */
  approved?: ApprovedFacts;
}

/**
 * What an approved request hands its job: the time as it was shown to the approvers (pinned, so that
 * "at 14:00" is not read again against the approval's moment), the request's thread, and who
 * approved. The checks run again; the policy's approval is then this one.
 */
export interface ApprovedFacts {
  /** Epoch ms the request was made. */
  requestedAt: number;
  /** Absent for "now": it runs at the moment of the approval, resolved then. */
  time?: ResolvedTime;
  /** The request message: the thread the trigger is reported in. */
  thread: { channelId: string; threadTs: string };
  approvedBy: string[];
  /** Epoch ms of the last approval. */
  approvedAt: number;
}

/** A job just acknowledged, due for recovery once a worker's lease would have lapsed. */
export function newTriggerJob(
  id: string,
  origin: JobOrigin,
  command: JobCommand,
  now: number,
  leaseMs: number,
): TriggerJob {
  return { id, origin, command, acceptedAt: now, dueAt: now + leaseMs, state: { step: 'accepted' } };
}

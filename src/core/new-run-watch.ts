import type { RunWatch } from './ports';
import { firstPollAt, giveUpAt, type WatchPolicy } from './watch-policy';

/** What the trigger use case knows about a run it just triggered: enough to watch it. */
export type NewRunWatch = Pick<
  RunWatch,
  | 'instanceId'
  | 'teamId'
  | 'attemptId'
  | 'slackUserId'
  | 'identity'
  | 'flowId'
  | 'flowName'
  | 'triggerTime'
  | 'channelId'
  | 'threadTs'
  | 'reply'
  | 'private'
  | 'awaitingReply'
  | 'backfill'
>;

/** The watch record of a run triggered at `now`: first poll and deadline from the policy. */
export function newRunWatch(policy: WatchPolicy, run: NewRunWatch, now: number): RunWatch {
  return {
    ...run,
    createdAt: now,
    nextPollAt: firstPollAt(policy, run.triggerTime, now),
    giveUpAt: giveUpAt(policy, run.triggerTime, now),
    step: 0,
    polls: 0,
    errors: 0,
  };
}

import type { Logger } from 'pino';
import { FlowTriggerError, StoreError } from '../core/errors';
import { BudgetExceededError, withinBudget } from '../core/within-budget';
import type { ListenerDeps } from './app-deps';

/**
 * How long a listener waits for the caller's link before it answers Slack, which waits 3 s; the job
 * write that follows has INTAKE_BUDGET_MS (1.5 s) of its own. A store read takes about a
 * millisecond, but behind a burst of requests that the one event loop parses first it can take
 * hundreds; a store slower than this is in trouble, and the trigger then goes on unchecked (below).
 * The form passes what is left of its own 3 s instead.
 */
export const LINK_CHECK_BUDGET_MS = 1000;

/** Who asks for a trigger. */
export interface TriggerCaller {
  teamId: string;
  slackUserId: string;
  /** A logger bound to the caller; else the app's, with `team` and `user` on each line. */
  log?: Logger;
}

/** What the door of the trigger queue knows of the caller; only `linked` goes on to the intake. */
export type LinkCheck =
  /** `checked: false`: the store was too slow to say; the trigger reads the link again when it runs. */
  | { kind: 'linked'; checked: boolean }
  | { kind: 'not-linked' }
  | { kind: 'store-failed'; error: FlowTriggerError };

/** A caller's key in the trigger queue: their share and their turn. */
export function queueOwner(teamId: string, slackUserId: string): string {
  return `${teamId}:${slackUserId}`;
}

/**
 * Reads the caller's link before a trigger request (the command, the form, Run again) becomes a
 * job and waits for its turn. A caller with no link is answered at once and nothing is recorded or
 * queued: a flood from someone who may not trigger anything then costs one store read per request,
 * and takes no place in the queue nor in anyone's turn. The trigger use case reads the link again
 * when it runs (it may have been removed meanwhile).
 */
export async function checkCallerLink(
  deps: Pick<ListenerDeps, 'links' | 'logger'>,
  caller: TriggerCaller,
  budgetMs = LINK_CHECK_BUDGET_MS,
): Promise<LinkCheck> {
  // The command answers before it makes its child logger (a redaction pass over its bindings).
  const log = (level: 'debug' | 'warn' | 'error', fields: Record<string, unknown>, message: string) =>
    caller.log
      ? caller.log[level](fields, message)
      : deps.logger[level]({ team: caller.teamId, user: caller.slackUserId, ...fields }, message);
  try {
    const link = await withinBudget(deps.links.get(caller.teamId, caller.slackUserId), budgetMs);
    if (link) return { kind: 'linked', checked: true };
    // Not logged per request at info: a flood of them would flood the log too.
    log('debug', {}, 'trigger refused before the queue: the caller is not linked');
    return { kind: 'not-linked' };
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) {
      log('error', { err: error }, 'trigger refused: could not read the caller’s link');
      const failure =
        error instanceof FlowTriggerError
          ? error
          : new StoreError(error instanceof Error ? error.message : String(error), { cause: error });
      return { kind: 'store-failed', error: failure };
    }
    // Slow, not failed: refusing would turn a slow store into "nothing was triggered". The queued
    // trigger reads the link again and tells the caller what it finds.
    log('warn', { budgetMs }, 'the caller’s link took long to read: queued unchecked');
    return { kind: 'linked', checked: false };
  }
}

import { EnosApiError, EnosHttpError, FlowTriggerError } from './errors';
import { LOG_TAIL_MAX_LENGTH, type LogTail, logTail } from './log-tail';
import { maskSecrets } from './mask-secrets';
import type { EnosCaller, EnosGateway, FlowInstanceTask, TriggerDeps } from './ports';
import { BudgetExceededError, withinBudget } from './within-budget';

/** Failed tasks whose log the thread shows; the others are counted. */
export const MAX_TASK_LOGS = 5;
/** How long the logs may take all together: the final message waits for them, not longer. */
export const FAILURE_LOGS_BUDGET_MS = 10_000;

/** What could be read of one failed task's log. */
export type TaskLogOutcome =
  /** The log's last lines, secrets masked. */
  | ({ kind: 'tail' } & LogTail)
  /** EnOS has no log for the task (62109 "No log found"). */
  | { kind: 'no-log'; message: string }
  /** The log could not be read: what to tell the reader. */
  | { kind: 'unreadable'; reason: string }
  /** EnOS gave the task no taskInstId, so there is no log to ask for. */
  | { kind: 'no-id' };

/** One failed task and its log. */
export interface TaskLogReport {
  taskName: string;
  taskInstId?: string;
  status: string;
  log: TaskLogOutcome;
}

/** The logs of a failed run's failed tasks. */
export interface FailureLogs {
  tasks: TaskLogReport[];
  /** Failed tasks beyond {@link MAX_TASK_LOGS}, not read. */
  more: number;
}

/** What reading the logs needs. */
export interface ReadFailureLogsDeps {
  enos: EnosGateway;
  log: TriggerDeps['log'];
  /** Default {@link FAILURE_LOGS_BUDGET_MS}. */
  budgetMs?: number;
}

/**
 * The log tails of the first {@link MAX_TASK_LOGS} failed tasks, read as `caller` (whoever the
 * thread or the status command belongs to), all at once. Never throws: a log that cannot be read
 * is reported as such, so that the message it goes into is still sent, and sent in time.
 */
export async function readFailureLogs(
  deps: ReadFailureLogsDeps,
  caller: EnosCaller,
  failedTasks: readonly FlowInstanceTask[],
): Promise<FailureLogs> {
  const budgetMs = deps.budgetMs ?? FAILURE_LOGS_BUDGET_MS;
  const shown = failedTasks.slice(0, MAX_TASK_LOGS);
  const tasks = await Promise.all(
    shown.map(async (task): Promise<TaskLogReport> => {
      const report = {
        taskName: task.taskName ?? task.taskInstId ?? 'unnamed task',
        ...(task.taskInstId ? { taskInstId: task.taskInstId } : {}),
        status: task.status ?? '?',
      };
      if (!task.taskInstId) return { ...report, log: { kind: 'no-id' } };
      return { ...report, log: await readTail(deps, caller, task.taskInstId, budgetMs) };
    }),
  );
  return { tasks, more: failedTasks.length - shown.length };
}

async function readTail(
  deps: ReadFailureLogsDeps,
  caller: EnosCaller,
  taskInstId: string,
  budgetMs: number,
): Promise<TaskLogOutcome> {
  try {
    const answer = await withinBudget(
      deps.enos.getTaskLog(caller, taskInstId, LOG_TAIL_MAX_LENGTH),
      budgetMs,
    );
    if (answer.kind === 'no-log') return { kind: 'no-log', message: answer.message };
    // Masked before anything else touches it: the tail, the thread, and any log line.
    return { kind: 'tail', ...logTail(answer.text, { mask: maskSecrets }) };
  } catch (error) {
    deps.log('warn', 'could not read a failed task’s log', { taskInstId, err: error });
    if (error instanceof BudgetExceededError) {
      return { kind: 'unreadable', reason: `EnOS did not answer within ${Math.round(budgetMs / 1000)} s.` };
    }
    return { kind: 'unreadable', reason: whyUnreadable(error) };
  }
}

/**
 * Why a log could not be read, in words for the thread. Not the errors' own user messages: those
 * speak of triggers ("nothing was started"), which would mislead here.
 */
function whyUnreadable(error: unknown): string {
  if (error instanceof EnosApiError) return `EnOS refused (code ${error.enosCode}: ${error.enosMessage}).`;
  if (error instanceof EnosHttpError) return `the EnOS gateway answered HTTP ${error.status}.`;
  if (!(error instanceof FlowTriggerError)) return 'an unexpected error (the app’s log has it).';
  switch (error.code) {
    case 'ENOS_TIMEOUT':
      return 'EnOS did not answer in time.';
    case 'ENOS_CONNECTION':
      return 'EnOS could not be reached.';
    case 'ENOS_AUTH':
      return 'flow-trigger could not authenticate with EnOS (operators: check ENOS_ACCESS_KEY and ENOS_SECRET_KEY).';
    default:
      return 'EnOS sent an answer flow-trigger could not read (the app’s log has it).';
  }
}

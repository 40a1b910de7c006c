/**
 * The status model of a flow run (a flow instance), from Get Flow Instance's `status` code
 * (docs/enos-api.md §3.4). Pure: the watcher, the `status` command and the Home tab
 * all read runs through it, so they agree on what "finished" and "failed" mean.
 */
import type { FlowInstance, FlowInstanceTask } from './ports';

/** EnOS's status codes and their names. */
export const RUN_STATUS_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'FAIL',
  0: 'INIT',
  1: 'SUCCESS',
  2: 'RUNNING',
  3: 'SUSPEND',
  4: 'INTERNAL_ERROR',
  5: 'WAIT',
  6: 'READY',
  7: 'TIMEOUT',
  8: 'CANCEL',
  9: 'RERUN',
  10: 'SKIP',
};

/** Terminal statuses: FAIL, SUCCESS, INTERNAL_ERROR, TIMEOUT, CANCEL, SKIP. Nothing changes after them. */
const TERMINAL = new Set([-1, 1, 4, 7, 8, 10]);
const FAILED = new Set([-1, 4, 7]);

/**
 * What a person reads: the lifecycle the thread reply walks through. `scheduled` and `waiting`
 * are both INIT in EnOS; which one depends on whether the trigger time has come.
 */
export type RunPhase =
  | 'scheduled'
  | 'waiting'
  | 'running'
  | 'suspended'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped';

export function isTerminalStatus(status: number): boolean {
  return TERMINAL.has(status);
}

/** The status's name, or `STATUS <n>` for a code EnOS added after these docs. */
export function statusName(status: number): string {
  return RUN_STATUS_NAMES[status] ?? `STATUS ${status}`;
}

/**
 * The phase of a run with `status`. INIT before `triggerTime` is a scheduled run; INIT, WAIT and
 * READY after it wait for EnOS (a run queues behind a running instance of the same flow). An
 * unknown code counts as running: it is not terminal, so the watch goes on.
 */
export function runPhase(status: number, triggerTime: number | undefined, now: number): RunPhase {
  switch (status) {
    case 1:
      return 'succeeded';
    case 8:
      return 'cancelled';
    case 10:
      return 'skipped';
    case 3:
      return 'suspended';
    case 0:
    case 5:
    case 6:
      return status === 0 && triggerTime !== undefined && now < triggerTime ? 'scheduled' : 'waiting';
  }
  if (FAILED.has(status)) return 'failed';
  return 'running';
}

/** Task statuses that mean the task did not do its work (graph task `status` strings). */
const FAILED_TASK_STATUSES = new Set(['FAIL', 'FAILED', 'INTERNAL_ERROR', 'TIMEOUT']);

/** The tasks of a run that failed, in graph order. */
export function failedTasks(instance: Pick<FlowInstance, 'tasks'>): FlowInstanceTask[] {
  return instance.tasks.filter((t) => FAILED_TASK_STATUSES.has((t.status ?? '').toUpperCase()));
}

import type { FlowTriggerError } from './errors';
import { parseEnosTime } from './parse-enos-time';
import type { FlowInstance, FlowInstanceTask } from './ports';
import type { FailureLogs } from './read-failure-logs';
import { failedTasks, isTerminalStatus, type RunPhase, runPhase } from './run-status';

/**
 * A run as people read it: the thread reply the watcher keeps current, `/flow-trigger status`,
 * and the Home tab are all drawn from this. Times are epoch ms, converted from EnOS's server-zone
 * strings once, here.
 */
export interface RunView {
  instanceId: string;
  flowId: number;
  flowName?: string;
  phase: RunPhase;
  /** EnOS's status code; absent when EnOS was never reached. */
  status?: number;
  /** True once the status is terminal: nothing will change any more. */
  finished: boolean;
  triggerTime?: number;
  startedAt?: number;
  endedAt?: number;
  /** The graph's tasks whose status is FAIL, INTERNAL_ERROR or TIMEOUT. */
  failedTasks: FlowInstanceTask[];
  /** A failed run's task logs, when they were read (the final message, `/flow-trigger status`). */
  failureLogs?: FailureLogs;
  /** Set when the watcher stopped watching before the run finished. */
  gaveUp?: { reason: 'deadline' | 'errors'; hours: number; error?: FlowTriggerError };
}

/** What reading an instance needs besides the instance. */
export interface RunViewContext {
  /** ENOS_SERVER_TIMEZONE: the zone EnOS writes its times in. */
  serverZone: string;
  now: number;
  /** The trigger time the app sent, when known: exact, unlike the server's text. */
  triggerTime?: number;
}

/** The view of a Get Flow Instance answer. */
export function runViewOf(instance: FlowInstance, ctx: RunViewContext): RunView {
  const triggerTime = ctx.triggerTime ?? parseEnosTime(instance.triggerTime, ctx.serverZone);
  const startedAt = parseEnosTime(instance.startTime, ctx.serverZone);
  const finished = isTerminalStatus(instance.status);
  return {
    instanceId: instance.instanceId,
    flowId: instance.flowId,
    flowName: instance.flowName || undefined,
    phase: runPhase(instance.status, triggerTime, ctx.now),
    status: instance.status,
    finished,
    ...(triggerTime === undefined ? {} : { triggerTime }),
    ...(startedAt === undefined ? {} : { startedAt }),
    // EnOS may fill endTime for a run that is not over (a rerun); only a finished run has an end.
    ...(finished ? endOf(instance, ctx.serverZone) : {}),
    failedTasks: failedTasks(instance),
  };
}

function endOf(instance: FlowInstance, serverZone: string): { endedAt?: number } {
  const endedAt = parseEnosTime(instance.endTime, serverZone);
  return endedAt === undefined ? {} : { endedAt };
}

/** The run's duration: end − start when both are known and in order. */
export function runDurationMs(view: Pick<RunView, 'startedAt' | 'endedAt'>): number | undefined {
  if (view.startedAt === undefined || view.endedAt === undefined) return undefined;
  const ms = view.endedAt - view.startedAt;
  return ms >= 0 ? ms : undefined;
}

import type { Logger } from 'pino';
import type { TriggerDeps } from '../core/ports';
import type { TriggerPathDeps } from './app-deps';
import { policyTriggerCheck } from './check-policy';

/**
 * The trigger use case's collaborators, taken from the listeners' dependencies, for
 * triggerFromSlack: the command, the form and Run again run the trigger with the same wiring.
 */
export function triggerDepsFrom(deps: TriggerPathDeps, log: Logger): TriggerDeps {
  return {
    enos: deps.enos,
    links: deps.links,
    claims: deps.claims,
    audit: deps.audit,
    clock: deps.clock,
    newId: deps.newId,
    zoneOf: deps.zoneOf,
    admins: deps.admins,
    selfLink: deps.selfLink,
    log: (level, msg, fields) => log[level](fields ?? {}, msg),
    // Every trigger path (command, form, buttons) starts watching the runs it triggers.
    startWatch: deps.watcher.startWatch,
    jobs: deps.jobs,
    watches: { exists: deps.watcher.exists, replyPosted: deps.watcher.replyPosted },
    leaseMs: deps.jobRunner.leaseMs,
    maxAgeMs: deps.maxAgeMs,
    recovery: {
      maxAgeMs: deps.maxAgeMs,
      enosTimeoutMs: deps.enosRequestTimeoutMs ?? 15_000,
      serverZone: deps.enosServerZone ?? 'UTC',
    },
    checkPolicy: policyTriggerCheck(deps),
    ...(deps.approvals ? { approvals: deps.approvals } : {}),
  };
}

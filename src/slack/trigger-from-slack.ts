import type { RespondArguments } from '@slack/bolt';
import type { Logger } from 'pino';
import { StoreError } from '../core/errors';
import type { TriggerSummary } from '../core/ports';
import { jobLeaseKey, runTriggerJob } from '../core/trigger-flow';
import { type JobCommand, type JobOrigin, newTriggerJob, type TriggerJob } from '../core/trigger-job';
import { BudgetExceededError, withinBudget } from '../core/within-budget';
import type { TriggerPathDeps } from './app-deps';
import { createBackfillRunReporter } from './backfill-run-reporter';
import { DELIVERY_TTL_MS } from './claim-delivery';
import { createSlackReporter } from './slack-reporter';
import { triggerDepsFrom } from './trigger-deps';
import { approvedNotRunMessage } from './ui/approval-messages';
import type { SlackMessage } from './ui/slack-message';
import { slackUnreachableMessage } from './ui/trigger-messages';

/** What acceptTrigger decided, before the ack. */
export type Intake =
  /** The job is in the store: the request will run, here or on any replica. */
  | { kind: 'accepted'; job: TriggerJob }
  /** The same delivery (trigger_id, view id) was accepted before: nothing to do. */
  | { kind: 'redelivered' };

/**
 * The durable intake, BEFORE the ack: one atomic claim of the delivery (a redelivered request, or
 * a double click, finds it and is ignored), then the job in the store. If the process dies after
 * the ack, recovery on any replica finds the job. Two store writes: docs/benchmarks.md measures
 * what they add to the ack. Throws (a StoreError) when the store cannot record it: the listener then
 * says so in its ack, and nothing was accepted.
 */
export async function acceptTrigger(
  deps: TriggerPathDeps,
  origin: JobOrigin,
  command: JobCommand,
): Promise<Intake> {
  const recording = record(deps, origin, command);
  try {
    return await withinBudget(recording, INTAKE_BUDGET_MS);
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
    // Slack gives up on an ack after 3 s: the caller is told that nothing was accepted, so a job
    // the slow store records after all must not run. Its lease-length due time leaves room to
    // withdraw it before recovery could see it.
    void recording.then(
      (intake) => (intake.kind === 'accepted' ? withdrawTrigger(deps, intake.job) : undefined),
      () => undefined,
    );
    throw new StoreError(`the store did not record the request within ${INTAKE_BUDGET_MS} ms`, {
      cause: error,
    });
  }
}

/** How long the intake may wait for the store before the ack says that nothing was accepted. */
export const INTAKE_BUDGET_MS = 1500;

async function record(deps: TriggerPathDeps, origin: JobOrigin, command: JobCommand): Promise<Intake> {
  const id = deps.newId();
  const claim = await deps.claims.claim(`delivery:${origin.deliveryKey}`, id, DELIVERY_TTL_MS);
  if (!claim.claimed) return { kind: 'redelivered' };
  const job = newTriggerJob(id, origin, command, deps.clock(), deps.jobRunner.leaseMs);
  try {
    await deps.jobs.put(job);
  } catch (error) {
    // Not recorded, so not accepted: a new delivery of the same request may try again.
    await deps.claims.release(`delivery:${origin.deliveryKey}`).catch(() => undefined);
    throw error;
  }
  return { kind: 'accepted', job };
}

/**
 * Withdraws a job that was accepted but could not be queued (the queue was full, and the ack says
 * so): the caller is told "busy" and may run the command again at once.
 */
export async function withdrawTrigger(deps: TriggerPathDeps, job: TriggerJob): Promise<void> {
  await Promise.allSettled([
    deps.jobs.remove(job.id),
    deps.claims.release(`delivery:${job.origin.deliveryKey}`),
  ]);
}

/** Ends of a job told to the caller privately only (PrivateNotice kinds). */
const PRIVATE_ENDS = new Set<string>([
  'not-linked',
  'time-invalid',
  'duplicate',
  'store-failed',
  'policy-refused',
]);

/** What one attempt to work on a job came to. */
export type JobWork = TriggerSummary['kind'] | 'busy' | 'gone';

/**
 * Works on the job `jobId` under its lease (`lease:job:<id>`, renewed while working; the watch
 * leases are the model): runs its steps from where it stands with the Slack reporter, logs the
 * outcome, and speaks up when Slack itself could not be reached. Any replica may call it for any
 * job: for a new request, or for recovery. Resolves with 'busy' when another worker holds the job.
 */
export async function triggerFromSlack(deps: TriggerPathDeps, jobId: string, log: Logger): Promise<JobWork> {
  const { leaseMs, ownerId, held } = deps.jobRunner;
  const key = jobLeaseKey(jobId);
  const lease = await deps.claims.claim(key, ownerId, leaseMs);
  if (!lease.claimed) return 'busy';
  held.add(key);
  const renew = setInterval(
    () => {
      deps.claims.update(key, ownerId, leaseMs).catch((error: unknown) => {
        log.warn({ err: error, jobId }, 'could not renew a job lease');
      });
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  renew.unref();
  try {
    const job = await deps.jobs.get(jobId);
    if (!job) return 'gone';
    const { origin } = job;
    const jobLog = log.child({ team: origin.teamId, user: origin.slackUserId, jobId, step: job.state.step });
    const respond = origin.responseUrl ? respondVia(origin.responseUrl, deps.slackTimeoutMs) : undefined;
    const summary = await runTriggerJob(
      triggerDepsFrom(deps, jobLog),
      job,
      // A backfill's run is shown only in the backfill's thread, whoever runs its job.
      origin.backfill
        ? createBackfillRunReporter(job, deps.claims, jobLog)
        : createSlackReporter({
            client: deps.slackClient,
            channelId: origin.channelId,
            slackUserId: origin.slackUserId,
            teamDomain: origin.teamDomain,
            respond,
            logger: jobLog,
          }),
    );
    jobLog.info(
      { ...summary, flowId: job.command.flowId, ...(origin.again ? { again: origin.again } : {}) },
      'trigger request handled',
    );
    if (summary.kind === 'slack-unreachable') {
      await tellPrivately(deps, origin, respond, slackUnreachableMessage(job.command.flowId), jobLog);
    }
    if (job.approved && PRIVATE_ENDS.has(summary.kind)) {
      // The requester was told why privately; the approvers, in the request's thread, see that it did not run.
      const { channelId, threadTs } = job.approved.thread;
      await deps.slackClient.chat
        .postMessage({
          channel: channelId,
          thread_ts: threadTs,
          ...approvedNotRunMessage(origin.slackUserId, job.command.flowId),
          unfurl_links: false,
        })
        .catch((error: unknown) => jobLog.warn({ err: error }, 'could not post in the approval thread'));
    }
    return summary.kind;
  } finally {
    clearInterval(renew);
    held.delete(key);
    await deps.claims.release(key).catch((error: unknown) => {
      log.warn({ err: error, key }, 'could not release a job lease; it expires by itself');
    });
  }
}

/** Tells the caller privately: the response_url when there is one, else a DM. Never throws. */
async function tellPrivately(
  deps: TriggerPathDeps,
  origin: JobOrigin,
  respond: ((message: RespondArguments) => Promise<unknown>) | undefined,
  message: SlackMessage,
  log: Logger,
): Promise<void> {
  try {
    if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    else
      await deps.slackClient.chat.postMessage({
        channel: origin.slackUserId,
        ...message,
        unfurl_links: false,
      });
  } catch (error) {
    log.error({ err: error, text: message.text }, 'could not tell the caller');
  }
}

/**
 * Bolt's `respond`, rebuilt from a stored response_url so that any replica can answer through it:
 * a POST of the JSON message (a response_url needs no token). Rejects on a non-2xx answer.
 */
export function respondVia(url: string, timeoutMs: number) {
  return async (message: RespondArguments): Promise<void> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  };
}

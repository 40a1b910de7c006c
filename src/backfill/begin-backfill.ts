import type { Logger } from 'pino';
import type { BackfillRecord, BackfillStore } from '../core/backfill';
import { backfillFlowKey } from '../core/backfill';
import type { ClaimStore, Clock, Flow } from '../core/ports';
import type { StoredBackfillPlan } from '../core/stored-backfill-plan';
import type { BackfillReporter } from './backfill-reporter';

/**
 * How long the flow's claim (one backfill per flow) lasts without its end releasing it: far beyond
 * any backfill (BACKFILL_MAX_RUNS runs), so that one lost by a crash before its record was written
 * does not hold the flow forever.
 */
export const BACKFILL_FLOW_CLAIM_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** What starting needs: the stores, the reporter of the front end, and the engine to kick. */
export interface BeginBackfillDeps {
  claims: ClaimStore;
  backfills: BackfillStore;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  reporter: BackfillReporter;
  engine: { kick(teamId: string, id: string): Promise<void> };
}

/** What came of starting: the record, or why not (the flow's backfill in progress, nothing shown). */
export type BeginBackfillOutcome =
  | { kind: 'started'; record: BackfillRecord }
  | { kind: 'busy'; first: BackfillRecord | undefined }
  | { kind: 'not-announced'; reason: 'cannot-post' | 'failed' };

/**
 * Starts a checked plan (docs/product.md, "Backfill"), whichever front end asked: the flow's
 * one-backfill claim, the parent message and the progress (the reporter), the record (running,
 * due now), and the engine kicked.
 */
export async function beginBackfill(
  deps: BeginBackfillDeps,
  plan: StoredBackfillPlan,
  flow: Pick<Flow, 'flowName' | 'owners'>,
  slackUserId: string,
  /** The approval request that allowed it (one approval covers the range): its runs do not ask again. */
  approvalId?: string,
): Promise<BeginBackfillOutcome> {
  const id = deps.newId();
  const log = deps.logger.child({ team: plan.teamId, user: slackUserId, backfillId: id });
  const flowKey = backfillFlowKey(plan.teamId, plan.flowId);
  const claim = await deps.claims.claim(flowKey, id, BACKFILL_FLOW_CLAIM_TTL_MS);
  if (!claim.claimed) {
    return { kind: 'busy', first: await deps.backfills.get(plan.teamId, claim.existing) };
  }
  const now = deps.clock();
  const draft: BackfillRecord = {
    id,
    teamId: plan.teamId,
    slackUserId,
    identity: plan.identity,
    flowId: plan.flowId,
    flowName: flow.flowName,
    owners: flow.owners,
    parameters: plan.parameters,
    order: plan.order,
    onFailure: plan.onFailure,
    zone: plan.zone,
    serverZone: plan.serverZone,
    channelId: plan.channelId,
    runs: plan.runs.map((run) => ({ ...run, state: 'pending', attempts: 0 })),
    status: 'running',
    nextAt: now,
    createdAt: now,
    updatedAt: now,
    ...(approvalId ? { approvalId } : {}),
  };
  const announced = await deps.reporter.announce({ ...plan, flowName: flow.flowName }, draft);
  if (!announced.ok) {
    await deps.claims.release(flowKey).catch(() => undefined);
    return { kind: 'not-announced', reason: announced.reason };
  }
  const record: BackfillRecord = {
    ...draft,
    ...(announced.threadTs !== undefined ? { threadTs: announced.threadTs } : {}),
    ...(announced.progress ? { progress: announced.progress } : {}),
  };
  try {
    await deps.backfills.put(record);
  } catch (error) {
    await deps.claims.release(flowKey).catch(() => undefined);
    throw error;
  }
  log.info({ flowId: plan.flowId, runs: plan.runs.length }, 'backfill started');
  void deps.engine.kick(record.teamId, record.id);
  return { kind: 'started', record };
}

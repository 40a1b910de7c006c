/**
 * The backfill preview use case (docs/backfill.md): the caller's link, Get Flow as the caller (the
 * checks, and the flow's cron: its daily time of day), planBackfill (business dates → trigger
 * times in the server's zone), then the policy on the number of runs planned, then the trigger's
 * prerequisite checks. Nothing is triggered: the deps have no way to Update And Trigger. Slack's
 * `backfill …` and the console's both call this, and differ only in how they show the outcome.
 */
import type { BackfillOnFailure, BackfillOrder, BackfillRequest } from './parse-backfill';
import { BACKFILL_DEFAULTS, type BackfillPlan, type BackfillRefusal, planBackfill } from './plan-backfill';
import type { PolicyRequest } from './policy/decide-policy';
import type {
  Clock,
  EnosGateway,
  EnosIdentity,
  Flow,
  LinkStore,
  RefusalReason,
  TriggerResult,
} from './ports';
import { compareParameters, type PreviewParameter } from './preview-trigger';
import { checkFailure, checkPrerequisites } from './trigger-flow';

export interface BackfillPreviewDeps {
  links: LinkStore;
  /** Only Get Flow is called. */
  enos: Pick<EnosGateway, 'getFlow'>;
  clock: Clock;
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
  /** ENOS_SERVER_TIMEZONE as resolved at start. */
  serverZone: string;
  /** BACKFILL_CAL_DT_OFFSET_DAYS and BACKFILL_MAX_RUNS; absent: their defaults. */
  backfill?: { calDtOffsetDays?: number; maxRuns?: number };
  /** The policy file's verdict (absent: no policy): a refusal, or undefined when allowed. */
  checkPolicy?: (request: PolicyRequest) => Promise<{ why: string; how: string } | undefined>;
}

/** Who asks, and from where: `conversationId` undefined from the console, which has none. */
export interface BackfillPreviewAsker {
  teamId: string;
  slackUserId: string;
  conversationId?: string;
}

export type BackfillPreviewOutcome =
  | { kind: 'not-linked' }
  /** Get Flow refused (no such flow, no access, a locked user) or failed: there is no flow to plan. */
  | { kind: 'check-failed'; result: Extract<TriggerResult, { kind: 'refused' | 'failed' }> }
  /** The dates cannot be planned (in the future, too many, …): the refusal says what to change. */
  | { kind: 'plan-refused'; refusal: BackfillRefusal }
  /** The policy file refuses it (a rule's `backfill.max_runs` counts the runs planned). */
  | { kind: 'policy-refused'; flow: Flow; why: string; how: string }
  | {
      kind: 'preview';
      flow: Flow;
      identity: EnosIdentity;
      plan: BackfillPlan;
      order: BackfillOrder;
      onFailure: BackfillOnFailure;
      /** The given parameters, with what each replaces. */
      given: PreviewParameter[];
      /** A prerequisite that would refuse the runs (not an owner, locked, no task), if one does. */
      refusal?: RefusalReason;
    };

/**
 * Previews a backfill. A store failure reading the link throws (the caller's surface says so);
 * every other failure is an outcome.
 */
export async function previewBackfill(
  deps: BackfillPreviewDeps,
  who: BackfillPreviewAsker,
  request: BackfillRequest,
): Promise<BackfillPreviewOutcome> {
  const identity = await deps.links.get(who.teamId, who.slackUserId);
  if (!identity) return { kind: 'not-linked' };
  let flow: Flow;
  try {
    flow = await deps.enos.getFlow(identity, request.flowId);
  } catch (error) {
    // checkFailure answers only 'refused' or 'failed' (or throws what is not ours).
    const result = checkFailure(error, request.flowId, identity);
    if (result.kind !== 'refused' && result.kind !== 'failed') throw error;
    return { kind: 'check-failed', result };
  }
  const planned = planBackfill({
    range: request.range,
    ...(request.at ? { at: request.at } : {}),
    ...(request.zone ? { zone: request.zone } : {}),
    callerZone: request.zone ?? (await deps.zoneOf(who.teamId, who.slackUserId)),
    serverZone: deps.serverZone,
    now: deps.clock(),
    calDtOffsetDays: deps.backfill?.calDtOffsetDays ?? BACKFILL_DEFAULTS.calDtOffsetDays,
    maxRuns: deps.backfill?.maxRuns ?? BACKFILL_DEFAULTS.maxRuns,
    ...(flow.freq ? { freq: flow.freq } : {}),
    order: request.order,
  });
  if (!planned.ok) return { kind: 'plan-refused', refusal: planned.refusal };
  // After planning: a rule's backfill.max_runs counts the runs planned.
  const refused = await deps.checkPolicy?.({
    flow: { flowId: flow.flowId, flowName: flow.flowName },
    ...(who.conversationId === undefined ? {} : { conversationId: who.conversationId }),
    userId: who.slackUserId,
    action: { kind: 'backfill', runs: planned.plan.runs.length },
  });
  if (refused) return { kind: 'policy-refused', flow, ...refused };
  const refusal = checkPrerequisites(flow, identity);
  return {
    kind: 'preview',
    flow,
    identity,
    plan: planned.plan,
    order: request.order,
    onFailure: request.onFailure,
    given: compareParameters(flow.parameters, request.parameters).given,
    ...(refusal === undefined ? {} : { refusal }),
  };
}

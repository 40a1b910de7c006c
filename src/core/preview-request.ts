/**
 * The preview use case (docs/product.md, "Preview (dry run)"): every check a trigger makes, in the
 * trigger's order (link → time → Get Flow prerequisites), and the duplicate guard READ, never
 * claimed; then the exact request (preview-trigger.ts). Nothing here can reach Update And Trigger:
 * its deps have no way to it.
 */
import { FlowTriggerError, StoreError } from './errors';
import type { WhenSpec } from './parse-when';
import type { PolicyRequest } from './policy/decide-policy';
import type {
  ClaimStore,
  Clock,
  EarlierAttempt,
  EnosGateway,
  EnosIdentity,
  Flow,
  FlowParameter,
  LinkStore,
  TriggerResult,
} from './ports';
import { previewTrigger, type TriggerPreview } from './preview-trigger';
import { type ResolvedTime, resolveTime } from './resolve-time';
import { checkFailure, duplicateKey, parseEarlier } from './trigger-flow';

export interface PreviewDeps {
  links: LinkStore;
  claims: ClaimStore;
  /** Only Get Flow is called. */
  enos: Pick<EnosGateway, 'getFlow'>;
  clock: Clock;
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
  /** ENOS_SERVER_TIMEZONE as resolved at start. */
  serverZone: string;
  /** BACKFILL_CAL_DT_OFFSET_DAYS. */
  calDtOffsetDays: number;
  /** The policy file's verdict (absent: no policy): a refusal, or undefined when allowed. */
  checkPolicy?: (request: PolicyRequest) => Promise<{ why: string; how: string } | undefined>;
}

export interface PreviewAsk {
  teamId: string;
  slackUserId: string;
  channelId: string;
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
}

export type PreviewOutcome =
  | { kind: 'not-linked' }
  | { kind: 'time-invalid'; message: string }
  | { kind: 'store-failed'; error: FlowTriggerError }
  /** The policy file refuses it: the refusal names the rule and how to get allowed. */
  | { kind: 'policy-refused'; why: string; how: string }
  /** Get Flow refused (no such flow, no access) or failed: there is no flow to show. */
  | { kind: 'check-failed'; result: Extract<TriggerResult, { kind: 'refused' | 'failed' }> }
  | {
      kind: 'preview';
      identity: EnosIdentity;
      /** Get Flow's answer: the refusal of a prerequisite names its owners. */
      flow: Flow;
      preview: TriggerPreview;
      /** An identical request was triggered within the minute: the trigger would be refused as a duplicate. */
      duplicate?: EarlierAttempt;
      /** What the Trigger button sends: explicit times pinned to the instant shown. */
      when: WhenSpec;
    };

/** Previews a trigger request. Throws only on a bug; every failure is an outcome. */
export async function previewRequest(deps: PreviewDeps, ask: PreviewAsk): Promise<PreviewOutcome> {
  let identity: EnosIdentity | undefined;
  try {
    identity = await deps.links.get(ask.teamId, ask.slackUserId);
  } catch (error) {
    return { kind: 'store-failed', error: asStoreError(error) };
  }
  if (!identity) return { kind: 'not-linked' };

  const zone = await deps.zoneOf(ask.teamId, ask.slackUserId);
  const resolved = resolveTime(ask.when, { now: deps.clock(), zone });
  if (!resolved.ok) return { kind: 'time-invalid', message: resolved.error.message };
  const time = resolved.time;

  let duplicate: EarlierAttempt | undefined;
  try {
    const key = duplicateKey({ ...ask, source: 'command' }, time);
    const existing = await deps.claims.get(key);
    if (existing !== undefined) duplicate = parseEarlier(existing);
  } catch (error) {
    return { kind: 'store-failed', error: asStoreError(error) };
  }

  let flow: Flow;
  try {
    flow = await deps.enos.getFlow(identity, ask.flowId);
  } catch (error) {
    const result = checkFailure(error, ask.flowId, identity);
    // checkFailure answers only 'refused' or 'failed' (or throws what is not ours).
    if (result.kind !== 'refused' && result.kind !== 'failed') throw error;
    return { kind: 'check-failed', result };
  }
  // The policy (docs/policy.md) after Get Flow, whose flow name its globs match; a preview is asked
  // as such, so a rule may allow previews where it would refuse the trigger.
  const refusal = await deps.checkPolicy?.({
    flow: { flowId: ask.flowId, flowName: flow.flowName },
    conversationId: ask.channelId,
    userId: ask.slackUserId,
    action: { kind: 'preview' },
  });
  if (refusal) return { kind: 'policy-refused', ...refusal };

  const preview = previewTrigger({
    flow,
    identity,
    time,
    when: ask.when,
    parameters: ask.parameters,
    serverZone: deps.serverZone,
    calDtOffsetDays: deps.calDtOffsetDays,
  });
  return {
    kind: 'preview',
    identity,
    flow,
    preview,
    ...(duplicate ? { duplicate } : {}),
    when: pinWhen(ask.when, time),
  };
}

/**
 * The `when` a previewed request is triggered with: `now` and `in …` as asked (resolved again at
 * the click), an explicit time as the date and time shown, in the zone it was read in, so that a
 * click after midnight does not move `at 14:00` to another day.
 */
export function pinWhen(when: WhenSpec, time: ResolvedTime): WhenSpec {
  if (when.kind === 'now' || when.kind === 'relative') return when;
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(time.local);
  if (!match) return when;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { kind: 'date', year, month, day, hour, minute, zone: time.zone };
}

function asStoreError(error: unknown): FlowTriggerError {
  if (error instanceof FlowTriggerError) return error;
  return new StoreError(error instanceof Error ? error.message : String(error), { cause: error });
}

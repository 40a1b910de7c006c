/**
 * The model of a preview (docs/product.md §8, "Not built yet": preview): from what a trigger's checks already
 * produced (Get Flow's flow, the caller's identity, the resolved time, the given parameters), what
 * the caller is shown and exactly what Update And Trigger would be sent. Pure: Slack builds its
 * message from this model, and the Trigger button sends `request` as it is.
 */
import { calDtOf } from './cal-dt-of';
import type { WhenSpec } from './parse-when';
import type { EnosIdentity, Flow, FlowParameter, RefusalReason, TriggerRequest } from './ports';
import type { ResolvedTime } from './resolve-time';
import { parseServerZone } from './server-zone';
import { formatLocal } from './time-zone';
import { checkPrerequisites } from './trigger-flow';

export interface PreviewInput {
  /** Get Flow's answer, as the caller's EnOS user. */
  flow: Flow;
  identity: EnosIdentity;
  /** The resolved `when`. */
  time: ResolvedTime;
  /** The `when` as asked: `now` and `in …` are resolved again when the Trigger button is clicked. */
  when?: WhenSpec;
  /** The parameters given for this run, in the order given. */
  parameters: FlowParameter[];
  /** ENOS_SERVER_TIMEZONE: an IANA zone or a fixed offset such as `GMT+8`. */
  serverZone: string;
  /** BACKFILL_CAL_DT_OFFSET_DAYS. */
  calDtOffsetDays: number;
}

/** A given parameter and what it does to the flow's own value for this run. */
export interface PreviewParameter {
  key: string;
  value: string;
  /** The flow has no such parameter: `new`; else the flow's own value it replaces for this run. */
  replaces: { kind: 'new' } | { kind: 'flow-value'; value: string };
}

export interface TriggerPreview {
  flowId: number;
  flowName: string;
  /** What the trigger's prerequisite checks say: a refused check means the trigger would be refused. */
  check: { ok: true } | { ok: false; reason: RefusalReason };
  time: {
    /** The zone the time was read in (the caller's, or the one the command named). */
    zone: string;
    /** `YYYY-MM-DD HH:mm` in `zone`. */
    local: string;
    /** `YYYY-MM-DD HH:mm` in UTC. */
    utc: string;
    /** The epoch milliseconds sent as `triggerTime`. */
    epochMs: number;
    immediate: boolean;
    backdated: boolean;
    /** `now` or `in …` (without `when`: an immediate time): the Trigger button resolves it again at the click. */
    resolvedAgainAtClick: boolean;
  };
  /**
   * `${cal_dt}` for this run: the trigger date in the server's zone minus the offset, `YYYY-MM-DD`;
   * absent when the server's zone cannot be read.
   */
  calDt?: string;
  /** The server's zone as shown (`Asia/Shanghai`, `UTC+08:00`). */
  serverZone: string;
  /** The given parameters, in the order given. */
  given: PreviewParameter[];
  /** The flow's own parameters this run leaves as they are, in the flow's order. */
  unchanged: FlowParameter[];
  /** Exactly what Update And Trigger Flow would be sent. */
  request: TriggerRequest;
}

/** Builds the preview of a trigger. Never throws; values are carried verbatim (`${…}` included). */
export function previewTrigger(input: PreviewInput): TriggerPreview {
  const { flow, time } = input;
  const reason = checkPrerequisites(flow, input.identity);
  const server = parseServerZone(input.serverZone);
  const { given, unchanged } = compareParameters(flow.parameters, input.parameters);
  const kind = input.when?.kind;
  return {
    flowId: flow.flowId,
    flowName: flow.flowName,
    check: reason === undefined ? { ok: true } : { ok: false, reason },
    time: {
      zone: time.zone,
      local: time.local,
      utc: formatLocal(time.epochMs, 'UTC'),
      epochMs: time.epochMs,
      immediate: time.immediate,
      backdated: time.backdated,
      resolvedAgainAtClick: kind === undefined ? time.immediate : kind === 'now' || kind === 'relative',
    },
    ...(server ? { calDt: calDtOf(time.epochMs, server, input.calDtOffsetDays) } : {}),
    serverZone: server?.name ?? input.serverZone,
    given,
    unchanged,
    request: {
      flowId: flow.flowId,
      triggerTime: time.epochMs,
      parameters: input.parameters.map(({ key, value }) => ({ key, value })),
    },
  };
}

/**
 * The given parameters next to the flow's own: what each replaces (or that it is new), and which of
 * the flow's parameters the run leaves as they are. Shared by the preview of one trigger and of a
 * backfill, whose runs all get the same parameters.
 */
export function compareParameters(
  flowParameters: readonly FlowParameter[],
  givenParameters: readonly FlowParameter[],
): { given: PreviewParameter[]; unchanged: FlowParameter[] } {
  // EnOS keeps a flow's parameters by key; the first value of a duplicated key is the one shown.
  const flowValues = new Map<string, string>();
  for (const parameter of flowParameters) {
    if (!flowValues.has(parameter.key)) flowValues.set(parameter.key, parameter.value);
  }
  const givenKeys = new Set(givenParameters.map((parameter) => parameter.key));
  return {
    given: givenParameters.map(({ key, value }): PreviewParameter => {
      const own = flowValues.get(key);
      return {
        key,
        value,
        replaces: own === undefined ? { kind: 'new' } : { kind: 'flow-value', value: own },
      };
    }),
    unchanged: flowParameters
      .filter((parameter) => !givenKeys.has(parameter.key))
      .map(({ key, value }) => ({ key, value })),
  };
}

/**
 * The trigger form's rules: what a submitted form means, or which field is wrong and why. Pure: no
 * Slack, no clock read here. The parameter rules are the slash command's (`parse-parameter.ts`,
 * `parse-parameter-lines.ts`) and times go through the same resolver, so the form accepts and
 * refuses exactly what the command does, plus the form's own rules (back-dating must be confirmed,
 * a parameter may not be both changed in its field and repeated in the free-text lines).
 */
import { LIMITS } from './limits';
import {
  parseParameterLines,
  validateParameterKey,
  validateParameterValue,
  type WhenSpec,
} from './parse-command';
import { formatCount, quoteToken } from './parse-usage-error';
import type { FlowParameter } from './ports';
import { type ResolvedTime, resolveTime } from './resolve-time';
import { formatTime } from './time-calendar';
import { zonedDateTime } from './time-zone';

/** One of the flow's global parameters as the form showed it, and what its input holds now. */
export interface ParameterField {
  key: string;
  /** The flow's value, prefilled in the input. */
  original: string;
  /** What the input holds at submission; an emptied input is `''`. */
  value: string;
}

/** What the form holds at submission, read out of the view state by the Slack adapter. */
export interface TriggerFormInput {
  /** The chosen flow's id as the select sent it. */
  flowId?: string;
  when?: 'now' | 'at';
  /** `YYYY-MM-DD`, a calendar date in `zone`. */
  date?: string;
  /** `HH:mm`, a wall-clock time in `zone`. */
  time?: string;
  /** The "back-date" checkbox: a time in the past is meant. */
  backdateConfirmed: boolean;
  parameters: ParameterField[];
  /** The free-text `KEY=VALUE` lines. */
  extraLines: string;
  conversationId?: string;
}

/** What the rules need besides the form. */
export interface TriggerFormContext {
  /** Epoch milliseconds. */
  now: number;
  /** The zone the form showed its times in (the caller's). */
  zone: string;
}

/** A field of the form that can be wrong. */
export type TriggerFormField = 'flow' | 'when' | 'date' | 'time' | 'extra' | 'conversation';

/** Why a field is wrong; `parameter` errors point at one of `TriggerFormInput.parameters`. */
export type TriggerFormError =
  | { field: TriggerFormField; message: string }
  | { field: 'parameter'; index: number; message: string };

/** A valid form: what to trigger. */
export interface ValidTriggerForm {
  flowId: number;
  conversationId: string;
  /** Carries the zone, so the trigger resolves the time in the zone the form showed. */
  when: WhenSpec;
  time: ResolvedTime;
  /** Changed parameters in the flow's order, then the added ones in line order. */
  parameters: FlowParameter[];
}

export type TriggerFormResult =
  | { ok: true; form: ValidTriggerForm }
  | { ok: false; errors: TriggerFormError[] };

const DATE_VALUE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_VALUE = /^(\d{2}):(\d{2})$/;

/** Checks the whole form and reports every wrong field at once, so one round trip fixes them all. */
export function validateTriggerForm(input: TriggerFormInput, ctx: TriggerFormContext): TriggerFormResult {
  const errors: TriggerFormError[] = [];

  const flowId = readFlowId(input.flowId);
  if (typeof flowId === 'string') errors.push({ field: 'flow', message: flowId });

  const timing = readWhen(input, ctx);
  if ('errors' in timing) errors.push(...timing.errors);

  const parameters = readParameters(input);
  if ('errors' in parameters) errors.push(...parameters.errors);

  const conversationId = input.conversationId?.trim() ?? '';
  if (conversationId === '') {
    errors.push({
      field: 'conversation',
      message: 'Choose the conversation to post the request and its result in.',
    });
  }

  if (errors.length > 0 || typeof flowId === 'string' || 'errors' in timing || 'errors' in parameters) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    form: { flowId, conversationId, when: timing.when, time: timing.time, parameters: parameters.list },
  };
}

export function readFlowId(value: string | undefined): number | string {
  if (value === undefined || value === '') return 'Choose a flow: type part of its name or its id.';
  const flowId = Number(value);
  // The value comes from our own options; anything else was not picked from the list.
  if (!/^\d+$/.test(value) || flowId === 0 || !Number.isSafeInteger(flowId)) {
    return `${quoteToken(value)} is not a flow id. Choose a flow from the list.`;
  }
  return flowId;
}

function readWhen(
  input: TriggerFormInput,
  ctx: TriggerFormContext,
): { when: WhenSpec; time: ResolvedTime } | { errors: TriggerFormError[] } {
  if (input.when === undefined)
    return { errors: [{ field: 'when', message: 'Choose when the flow should run.' }] };
  if (input.when === 'now') {
    const when: WhenSpec = { kind: 'now', zone: ctx.zone };
    const resolved = resolveTime(when, ctx);
    return resolved.ok
      ? { when, time: resolved.time }
      : { errors: [{ field: 'when', message: resolved.error.message }] };
  }

  const errors: TriggerFormError[] = [];
  const date = input.date ? DATE_VALUE.exec(input.date) : null;
  const time = input.time ? TIME_VALUE.exec(input.time) : null;
  if (!date)
    errors.push({
      field: 'date',
      message: input.date ? `${quoteToken(input.date)} is not a date.` : 'Pick a date.',
    });
  if (!time)
    errors.push({
      field: 'time',
      message: input.time ? `${quoteToken(input.time)} is not a time.` : 'Pick a time.',
    });
  if (!date || !time) return { errors };

  const when: WhenSpec = {
    kind: 'date',
    year: Number(date[1]),
    month: Number(date[2]),
    day: Number(date[3]),
    hour: Number(time[1]),
    minute: Number(time[2]),
    zone: ctx.zone,
  };
  // The resolver refuses a non-existent local time (DST gap), a date too far ahead or back, and
  // marks a past date as back-dated: the same rules as `on 2026-11-30 at 14:00`.
  const resolved = resolveTime(when, ctx);
  if (!resolved.ok) return { errors: [{ field: 'time', message: resolved.error.message }] };
  if (resolved.time.backdated && !input.backdateConfirmed) {
    const nowLocal = formatTime(zonedDateTime(ctx.now, ctx.zone));
    return {
      errors: [
        {
          field: 'time',
          message:
            `${resolved.time.local} (${ctx.zone}) has already passed (it is now ${nowLocal}). Pick a later ` +
            'time, choose “Now”, or tick “Back-date” to run the flow as of that time.',
        },
      ],
    };
  }
  return { when, time: resolved.time };
}

export function readParameters(
  input: Pick<TriggerFormInput, 'parameters' | 'extraLines'>,
): { list: FlowParameter[] } | { errors: TriggerFormError[] } {
  const errors: TriggerFormError[] = [];
  const changed: FlowParameter[] = [];
  for (const [index, field] of input.parameters.entries()) {
    // Only what the user changed is sent: EnOS keeps the flow's own value for everything else.
    if (field.value === field.original) continue;
    const problem = validateParameterKey(field.key) ?? validateParameterValue(field.value, field.key);
    if (problem) errors.push({ field: 'parameter', index, message: problem });
    else changed.push({ key: field.key, value: field.value });
  }

  const extra = parseParameterLines(input.extraLines);
  if (!extra.ok) {
    errors.push({ field: 'extra', message: extra.error.message });
    return { errors };
  }
  const changedKeys = new Set(changed.map((p) => p.key));
  const repeated = extra.parameters.find((p) => changedKeys.has(p.key));
  if (repeated) {
    errors.push({
      field: 'extra',
      message:
        `The parameter ${quoteToken(repeated.key)} is changed in its own field above and given here too: ` +
        'give each parameter once.',
    });
  }
  const total = changed.length + extra.parameters.length;
  if (!repeated && total > LIMITS.maxParameters) {
    errors.push({
      field: 'extra',
      message:
        `Too many parameters: ${formatCount(total)} are changed or added, and the limit is ` +
        `${formatCount(LIMITS.maxParameters)} per run. Leave out the ones whose current value is right.`,
    });
  }
  if (errors.length > 0) return { errors };
  return { list: [...changed, ...extra.parameters] };
}

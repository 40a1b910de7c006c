/**
 * The trigger form's third "When" choice, "Backfill a date range": what the range's fields mean,
 * or which field is wrong and why. Pure. The parameters and the flow follow the trigger's rules
 * (validate-trigger-form.ts); which dates may be backfilled (past, how far back, how many) is
 * planBackfill's business, exactly as for `/flow-trigger backfill`, and `backfillRefusalField`
 * says which field a refusal of it is about.
 */
import type { BackfillOnFailure, BackfillOrder, BackfillRequest } from './parse-backfill';
import { quoteToken } from './parse-usage-error';
import type { BackfillRefusalReason } from './plan-backfill';
import { type ParameterField, readFlowId, readParameters } from './validate-trigger-form';

/** The backfill's fields at submission, read out of the view state by the Slack adapter. */
export interface BackfillFormInput {
  flowId?: string;
  /** `YYYY-MM-DD`: the first business date. */
  from?: string;
  /** `YYYY-MM-DD`: the last business date. */
  to?: string;
  /** `HH:mm` in the form's zone; absent: the flow's own daily time. */
  at?: string;
  order?: BackfillOrder;
  onFailure?: BackfillOnFailure;
  parameters: ParameterField[];
  extraLines: string;
  conversationId?: string;
}

/** A field of the backfill that can be wrong. */
export type BackfillFormField =
  | 'flow'
  | 'from'
  | 'to'
  | 'at'
  | 'order'
  | 'onFailure'
  | 'extra'
  | 'conversation';

export type BackfillFormError =
  | { field: BackfillFormField; message: string }
  | { field: 'parameter'; index: number; message: string };

export type BackfillFormResult =
  | { ok: true; request: BackfillRequest; conversationId: string }
  | { ok: false; errors: BackfillFormError[] };

const DATE_VALUE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_VALUE = /^(\d{2}):(\d{2})$/;

/**
 * Checks every field at once. `zone` is the zone the form shows its times in: the time of day is
 * read in it, as the trigger's time is.
 */
export function validateBackfillForm(input: BackfillFormInput, zone: string): BackfillFormResult {
  const errors: BackfillFormError[] = [];
  const flowId = readFlowId(input.flowId);
  if (typeof flowId === 'string') errors.push({ field: 'flow', message: flowId });
  const from = input.from ? DATE_VALUE.exec(input.from) : null;
  if (!from) {
    errors.push({
      field: 'from',
      message: input.from ? `${quoteToken(input.from)} is not a date.` : 'Pick the first business date.',
    });
  }
  const to = input.to ? DATE_VALUE.exec(input.to) : null;
  if (!to) {
    errors.push({
      field: 'to',
      message: input.to ? `${quoteToken(input.to)} is not a date.` : 'Pick the last business date.',
    });
  }
  const at = input.at ? TIME_VALUE.exec(input.at) : null;
  if (input.at && !at) errors.push({ field: 'at', message: `${quoteToken(input.at)} is not a time.` });
  if (!input.order) errors.push({ field: 'order', message: 'Choose the order of the runs.' });
  if (!input.onFailure) errors.push({ field: 'onFailure', message: 'Choose what a failed run does.' });
  const parameters = readParameters(input);
  // Its errors are a parameter's or the "More parameters" field's.
  if ('errors' in parameters) {
    for (const e of parameters.errors)
      errors.push(e.field === 'parameter' ? e : { field: 'extra', message: e.message });
  }
  const conversationId = input.conversationId?.trim() ?? '';
  if (conversationId === '') {
    errors.push({
      field: 'conversation',
      message: 'Choose the conversation to post the backfill and its progress in.',
    });
  }
  if (
    errors.length > 0 ||
    typeof flowId === 'string' ||
    !from ||
    !to ||
    !input.order ||
    !input.onFailure ||
    'errors' in parameters
  ) {
    return { ok: false, errors };
  }
  const date = (m: RegExpExecArray) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
  return {
    ok: true,
    conversationId,
    request: {
      flowId,
      range: { kind: 'dates', from: date(from), to: date(to) },
      ...(at ? { at: { hour: Number(at[1]), minute: Number(at[2]) } } : {}),
      zone,
      order: input.order,
      onFailure: input.onFailure,
      parameters: parameters.list,
    },
  };
}

/**
 * The field a refusal of planBackfill is about, for an inline error; undefined for a refusal that
 * no field of the form can fix (the server's zone, the configuration), which is shown as the answer.
 */
export function backfillRefusalField(reason: BackfillRefusalReason): 'from' | 'to' | 'at' | undefined {
  switch (reason) {
    case 'from-after-to':
    case 'too-far-back':
    case 'invalid-range':
      return 'from';
    case 'too-many-runs':
    case 'not-past':
      return 'to';
    case 'invalid-time':
    case 'time-does-not-exist':
    case 'other-server-date':
      return 'at';
    case 'invalid-zone':
    case 'invalid-server-zone':
    case 'invalid-settings':
      return undefined;
  }
}

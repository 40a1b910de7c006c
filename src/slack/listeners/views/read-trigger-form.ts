import type { ViewStateValue } from '@slack/bolt';
import type { BackfillOnFailure, BackfillOrder } from '../../../core/parse-backfill';
import type { FlowParameter } from '../../../core/ports';
import type { BackfillFormError, BackfillFormInput } from '../../../core/validate-backfill-form';
import type { TriggerFormError, TriggerFormInput } from '../../../core/validate-trigger-form';
import {
  BACKDATE_CONFIRMED,
  FORM_MODE_PREVIEW,
  MODAL_ACTION,
  MODAL_BLOCK,
  type ParameterBlockRef,
  parameterDigest,
  parseParameterBlockId,
  WHEN_AT,
  WHEN_BACKFILL,
  WHEN_NOW,
} from '../../ids';
import type { FormSnapshot } from '../../ui/form-snapshot';
import type { TriggerModalMetadata } from '../../ui/trigger-modal-metadata';
import { inlineError } from '../../ui/trigger-modal-text';

/** `view.state.values`: `{ [block_id]: { [action_id]: value } }`. */
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** A parameter input of the chosen flow found in the state, in the flow's order. */
export interface ParameterInput extends ParameterBlockRef {
  blockId: string;
  value: string;
}

function stateValue(values: ViewStateValues, blockId: string, actionId: string): ViewStateValue | undefined {
  return values[blockId]?.[actionId];
}

/** The flow id chosen in the select, as sent (the option value). */
export function selectedFlowId(values: ViewStateValues): string | undefined {
  return stateValue(values, MODAL_BLOCK.flow, MODAL_ACTION.flow)?.selected_option?.value ?? undefined;
}

/** The chosen option's text, as the select shows it. */
export function selectedFlowLabel(values: ViewStateValues): string | undefined {
  return stateValue(values, MODAL_BLOCK.flow, MODAL_ACTION.flow)?.selected_option?.text?.text ?? undefined;
}

/** The conversation chosen under "Post in", if any. */
export function selectedConversation(values: ViewStateValues): string | undefined {
  return stateValue(values, MODAL_BLOCK.postIn, MODAL_ACTION.postIn)?.selected_conversation ?? undefined;
}

/** "Now", "At a date and time" or "Backfill a date range", as chosen. */
export function selectedWhen(values: ViewStateValues): 'now' | 'at' | 'backfill' | undefined {
  const value = stateValue(values, MODAL_BLOCK.when, MODAL_ACTION.when)?.selected_option?.value;
  return value === WHEN_AT
    ? 'at'
    : value === WHEN_NOW
      ? 'now'
      : value === WHEN_BACKFILL
        ? 'backfill'
        : undefined;
}

/** "Trigger" or "Preview", as chosen; absent (a form without the choice) is a trigger. */
export function selectedMode(values: ViewStateValues): 'trigger' | 'preview' {
  const value = stateValue(values, MODAL_BLOCK.mode, MODAL_ACTION.mode)?.selected_option?.value;
  return value === FORM_MODE_PREVIEW ? 'preview' : 'trigger';
}

/**
 * The inputs of the chosen flow's parameters. Inputs of another flow can be in the state when the
 * form was submitted before it caught up with a new choice: they are not this flow's and are left out.
 */
export function parameterInputs(values: ViewStateValues, flowId: string | undefined): ParameterInput[] {
  const inputs: ParameterInput[] = [];
  for (const [blockId, actions] of Object.entries(values)) {
    const ref = parseParameterBlockId(blockId);
    if (!ref || String(ref.flowId) !== flowId) continue;
    inputs.push({ ...ref, blockId, value: actions[MODAL_ACTION.parameter]?.value ?? '' });
  }
  return inputs.sort((a, b) => a.index - b.index);
}

/**
 * The form as the core validates it. `originals` are the parameters the inputs were prefilled with;
 * each input's block ID carries a digest of its key and value, so an input whose original is not the
 * one it was built from (the flow changed in EnOS since) is reported in `stale`.
 */
export function readTriggerForm(
  values: ViewStateValues,
  originals: readonly FlowParameter[],
): { input: TriggerFormInput; inputs: ParameterInput[]; stale: boolean } {
  const flowId = selectedFlowId(values);
  const inputs = parameterInputs(values, flowId);
  let stale = false;
  const parameters = inputs.map((field) => {
    const original = originals[field.index];
    if (!original || parameterDigest(original.key, original.value) !== field.digest) stale = true;
    return { key: original?.key ?? '', original: original?.value ?? '', value: field.value };
  });
  const checked = stateValue(values, MODAL_BLOCK.backdate, MODAL_ACTION.backdate)?.selected_options ?? [];
  return {
    input: {
      flowId,
      // A backfill is read by readBackfillForm: here it is no trigger time.
      when: ((w) => (w === 'backfill' ? undefined : w))(selectedWhen(values)),
      date: stateValue(values, MODAL_BLOCK.date, MODAL_ACTION.date)?.selected_date ?? undefined,
      time: stateValue(values, MODAL_BLOCK.time, MODAL_ACTION.time)?.selected_time ?? undefined,
      backdateConfirmed: checked.some((o) => o.value === BACKDATE_CONFIRMED),
      parameters,
      extraLines: stateValue(values, MODAL_BLOCK.extra, MODAL_ACTION.extra)?.value ?? '',
      conversationId:
        stateValue(values, MODAL_BLOCK.postIn, MODAL_ACTION.postIn)?.selected_conversation ?? undefined,
    },
    inputs,
    stale,
  };
}

const FIELD_BLOCKS = {
  flow: MODAL_BLOCK.flow,
  when: MODAL_BLOCK.when,
  date: MODAL_BLOCK.date,
  time: MODAL_BLOCK.time,
  extra: MODAL_BLOCK.extra,
  conversation: MODAL_BLOCK.postIn,
} as const;

/**
 * A form's errors as `response_action: errors` wants them: by block ID, one per block (Slack shows
 * one), in plain text. An error for a block the view does not have would make Slack refuse the whole
 * answer, so a field whose block is missing (the update that shows it lost a race with another
 * change of the form) is told on the "When" block instead, in the words `missing` gives; a field for
 * which `missing` gives none keeps its block.
 */
function errorsByBlock<F extends string>(
  errors: readonly ({ field: F; message: string } | { field: 'parameter'; index: number; message: string })[],
  fieldBlocks: Record<F, string>,
  values: ViewStateValues,
  inputs: readonly ParameterInput[],
  missing: (field: F) => string | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const error of errors) {
    let blockId: string | undefined;
    let message = error.message;
    if ('index' in error) {
      blockId = inputs[error.index]?.blockId;
    } else {
      blockId = fieldBlocks[error.field];
      const instead = blockId in values ? undefined : missing(error.field);
      if (instead !== undefined) {
        blockId = MODAL_BLOCK.when;
        message = instead;
      }
    }
    if (blockId !== undefined && !(blockId in result)) result[blockId] = inlineError(message);
  }
  return result;
}

/** The trigger's errors by block ID; date and time fall back to the "When" block. */
export function slackFormErrors(
  errors: readonly TriggerFormError[],
  values: ViewStateValues,
  inputs: readonly ParameterInput[],
): Record<string, string> {
  return errorsByBlock(errors, FIELD_BLOCKS, values, inputs, (field) =>
    field === 'date' || field === 'time'
      ? 'Pick a date and a time: choose “Now”, then “At a date and time” again to show the pickers.'
      : undefined,
  );
}

function orderOf(value: string | undefined): BackfillOrder | undefined {
  return value === 'oldest-first' || value === 'newest-first' ? value : undefined;
}

function onFailureOf(value: string | undefined): BackfillOnFailure | undefined {
  return value === 'stop' || value === 'keep-going' ? value : undefined;
}

/** The backfill's fields (the third "When" choice), with the parameters as a trigger reads them. */
export function readBackfillForm(values: ViewStateValues, trigger: TriggerFormInput): BackfillFormInput {
  return {
    ...(trigger.flowId !== undefined ? { flowId: trigger.flowId } : {}),
    from: stateValue(values, MODAL_BLOCK.backfillFrom, MODAL_ACTION.backfillFrom)?.selected_date ?? undefined,
    to: stateValue(values, MODAL_BLOCK.backfillTo, MODAL_ACTION.backfillTo)?.selected_date ?? undefined,
    at: stateValue(values, MODAL_BLOCK.backfillAt, MODAL_ACTION.backfillAt)?.selected_time ?? undefined,
    order: orderOf(
      stateValue(values, MODAL_BLOCK.backfillOrder, MODAL_ACTION.backfillOrder)?.selected_option?.value,
    ),
    onFailure: onFailureOf(
      stateValue(values, MODAL_BLOCK.backfillOnFailure, MODAL_ACTION.backfillOnFailure)?.selected_option
        ?.value,
    ),
    parameters: trigger.parameters,
    extraLines: trigger.extraLines,
    ...(trigger.conversationId !== undefined ? { conversationId: trigger.conversationId } : {}),
  };
}

const BACKFILL_FIELD_BLOCKS = {
  flow: MODAL_BLOCK.flow,
  from: MODAL_BLOCK.backfillFrom,
  to: MODAL_BLOCK.backfillTo,
  at: MODAL_BLOCK.backfillAt,
  order: MODAL_BLOCK.backfillOrder,
  onFailure: MODAL_BLOCK.backfillOnFailure,
  extra: MODAL_BLOCK.extra,
  conversation: MODAL_BLOCK.postIn,
} as const;

/** The backfill's errors by block ID; any of the range's fields falls back to the "When" block. */
export function slackBackfillErrors(
  errors: readonly BackfillFormError[],
  values: ViewStateValues,
  inputs: readonly ParameterInput[],
): Record<string, string> {
  return errorsByBlock(
    errors,
    BACKFILL_FIELD_BLOCKS,
    values,
    inputs,
    () => 'Fill in the range: choose “Now”, then “Backfill a date range” again to show its fields.',
  );
}

/** What the user entered, for Back (form-snapshot.ts). Only the parameter inputs they changed. */
export function formSnapshotOf(
  values: ViewStateValues,
  metadata: TriggerModalMetadata,
  inputs: readonly ParameterInput[],
  originals: readonly FlowParameter[],
): FormSnapshot {
  const flowId = selectedFlowId(values);
  const id = flowId !== undefined && /^\d+$/.test(flowId) ? Number(flowId) : undefined;
  const backfill = readBackfillForm(values, { backdateConfirmed: false, parameters: [], extraLines: '' });
  const date = stateValue(values, MODAL_BLOCK.date, MODAL_ACTION.date)?.selected_date ?? undefined;
  const time = stateValue(values, MODAL_BLOCK.time, MODAL_ACTION.time)?.selected_time ?? undefined;
  const conversationId = selectedConversation(values);
  const checked = stateValue(values, MODAL_BLOCK.backdate, MODAL_ACTION.backdate)?.selected_options ?? [];
  return {
    ...(metadata.channelId ? { channelId: metadata.channelId } : {}),
    zone: metadata.zone,
    ...(id && Number.isSafeInteger(id)
      ? { flow: { id, label: selectedFlowLabel(values) ?? String(id) } }
      : {}),
    when: selectedWhen(values) ?? 'now',
    mode: selectedMode(values),
    ...(date ? { date } : {}),
    ...(time ? { time } : {}),
    backdate: checked.some((o) => o.value === BACKDATE_CONFIRMED),
    parameters: inputs
      .filter((field) => field.value !== originals[field.index]?.value)
      .map((field) => ({ index: field.index, digest: field.digest, value: field.value })),
    extra: stateValue(values, MODAL_BLOCK.extra, MODAL_ACTION.extra)?.value ?? '',
    ...(conversationId ? { conversationId } : {}),
    backfill: {
      ...(backfill.from ? { from: backfill.from } : {}),
      ...(backfill.to ? { to: backfill.to } : {}),
      ...(backfill.at ? { at: backfill.at } : {}),
      order: backfill.order ?? 'oldest-first',
      onFailure: backfill.onFailure ?? 'stop',
    },
  };
}

import type { ViewStateValue } from '@slack/bolt';
import type { FlowParameter } from '../../../core/ports';
import type { TriggerFormError, TriggerFormInput } from '../../../core/validate-trigger-form';
import {
  BACKDATE_CONFIRMED,
  MODAL_ACTION,
  MODAL_BLOCK,
  type ParameterBlockRef,
  parameterDigest,
  parseParameterBlockId,
  WHEN_AT,
  WHEN_NOW,
} from '../../ids';
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

/** "Now" or "At a date and time", as chosen. */
export function selectedWhen(values: ViewStateValues): 'now' | 'at' | undefined {
  const value = stateValue(values, MODAL_BLOCK.when, MODAL_ACTION.when)?.selected_option?.value;
  return value === WHEN_AT ? 'at' : value === WHEN_NOW ? 'now' : undefined;
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
      when: selectedWhen(values),
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
 * The core's errors as `response_action: errors` wants them: by block ID, one per block (Slack shows
 * one), in plain text. An error for a block the view does not have would make Slack refuse the whole
 * answer, so date and time errors fall back to the "When" block when the pickers are not shown (the
 * update that adds them lost a race with another change of the form).
 */
export function slackFormErrors(
  errors: readonly TriggerFormError[],
  values: ViewStateValues,
  inputs: readonly ParameterInput[],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const error of errors) {
    let blockId: string | undefined;
    let message = error.message;
    if (error.field === 'parameter') {
      blockId = inputs[error.index]?.blockId;
    } else {
      blockId = FIELD_BLOCKS[error.field];
      if ((error.field === 'date' || error.field === 'time') && !(blockId in values)) {
        blockId = MODAL_BLOCK.when;
        message =
          'Pick a date and a time: choose “Now”, then “At a date and time” again to show the pickers.';
      }
    }
    if (blockId !== undefined && !(blockId in result)) result[blockId] = inlineError(message);
  }
  return result;
}

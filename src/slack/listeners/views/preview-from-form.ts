import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { BackfillRefusal } from '../../../core/plan-backfill';
import type { FlowParameter } from '../../../core/ports';
import { backfillRefusalField, validateBackfillForm } from '../../../core/validate-backfill-form';
import type { ValidTriggerForm } from '../../../core/validate-trigger-form';
import type { ViewDeps } from '../../app-deps';
import type { TriggerModalMetadata } from '../../ui/trigger-modal-metadata';
import { answerBackfillPreview } from '../commands/answer-backfill-preview';
import { answerPreview } from '../commands/answer-preview';
import { answerFormInPlace, type FormAnswer } from './answer-form-in-place';
import {
  formSnapshotOf,
  type ParameterInput,
  readBackfillForm,
  type readTriggerForm,
  slackBackfillErrors,
  type ViewStateValues,
} from './read-trigger-form';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A submission of the form that previews instead of triggering, as far as the form has read it. */
export interface PreviewSubmission {
  args: Pick<SubmitArgs, 'ack' | 'client' | 'view'>;
  teamId: string;
  slackUserId: string;
  values: ViewStateValues;
  metadata: TriggerModalMetadata;
  read: ReturnType<typeof readTriggerForm>;
  inputs: readonly ParameterInput[];
  originals: readonly FlowParameter[];
  /** performance.now() at the submission's arrival, and how long Slack's answer may take from it. */
  budget: { arrived: number; totalMs: number };
  log: Logger;
}

/**
 * "Preview" chosen in the form: exactly what `/flow-trigger preview …` runs and answers
 * (answerPreview), for the form's request, with the form's "Post in" conversation as the one the
 * preview's Trigger button posts in. The answer replaces the form, with Back.
 */
export async function previewFromForm(
  deps: ViewDeps,
  s: PreviewSubmission,
  form: ValidTriggerForm,
): Promise<void> {
  s.log.info({ flowId: form.flowId }, 'trigger form: preview');
  const work = answerPreview(deps, {
    teamId: s.teamId,
    slackUserId: s.slackUserId,
    channelId: form.conversationId,
    flowId: form.flowId,
    when: form.when,
    parameters: form.parameters,
  }).then((message): FormAnswer => ({ message }));
  await answerFormInPlace(deps, s.args, work, snapshotOf(s), s.budget, s.log);
}

/**
 * "Backfill a date range": the backfill's preview, from the same code as `/flow-trigger backfill …`
 * (answerBackfillPreview: Get Flow, planBackfill, the policy), shown in place of the form with
 * Back. A refusal of the plan about a field is that field's inline error.
 */
export async function backfillFromForm(deps: ViewDeps, s: PreviewSubmission): Promise<void> {
  const checked = validateBackfillForm(readBackfillForm(s.values, s.read.input), s.metadata.zone);
  if (!checked.ok) {
    s.log.info({ fields: checked.errors.map((e) => e.field) }, 'backfill form refused inline');
    await s.args.ack({
      response_action: 'errors',
      errors: slackBackfillErrors(checked.errors, s.values, s.inputs),
    });
    return;
  }
  s.log.info({ flowId: checked.request.flowId }, 'trigger form: backfill preview');
  let refusal: BackfillRefusal | undefined;
  const work = answerBackfillPreview(
    deps,
    { teamId: s.teamId, slackUserId: s.slackUserId, channelId: checked.conversationId },
    checked.request,
    (planRefusal) => {
      refusal = planRefusal;
    },
  ).then((message): FormAnswer => {
    const field = refusal && backfillRefusalField(refusal.reason);
    if (!refusal || !field) return { message };
    return {
      message,
      errors: slackBackfillErrors([{ field, message: refusal.message }], s.values, s.inputs),
    };
  });
  await answerFormInPlace(deps, s.args, work, snapshotOf(s), s.budget, s.log);
}

function snapshotOf(s: PreviewSubmission) {
  return formSnapshotOf(s.values, s.metadata, s.inputs, s.originals);
}

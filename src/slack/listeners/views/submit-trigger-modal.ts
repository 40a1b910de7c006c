import { performance } from 'node:perf_hooks';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { claimKey } from '../../../core/claim-key';
import { FlowTriggerError } from '../../../core/errors';
import type { FlowParameter } from '../../../core/ports';
import { validateTriggerForm } from '../../../core/validate-trigger-form';
import { withinBudget } from '../../../core/within-budget';
import { checkCallerLink } from '../../admit-trigger';
import type { ViewDeps } from '../../app-deps';
import { policyRefusalInline } from '../../check-policy';
import { MODAL_BLOCK } from '../../ids';
import { enqueueJob } from '../../job-runner';
import { acceptTrigger, INTAKE_BUDGET_MS, type Intake, withdrawTrigger } from '../../trigger-from-slack';
import { inertMessage } from '../../ui/inert-text';
import { busyText, notLinkedInlineText, shareFullText } from '../../ui/trigger-messages';
import { decodeModalMetadata, type TriggerModalMetadata } from '../../ui/trigger-modal-metadata';
import { inlineError } from '../../ui/trigger-modal-text';
import { backfillFromForm, type PreviewSubmission, previewFromForm } from './preview-from-form';
import {
  parameterInputs,
  readTriggerForm,
  selectedFlowId,
  selectedMode,
  selectedWhen,
  slackFormErrors,
  type ViewStateValues,
} from './read-trigger-form';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Reading the flow's parameters again must fit in the 3 s Slack gives a view_submission answer,
 * with room for the round trip.
 */
export const REREAD_BUDGET_MS = 2000;

/**
 * The whole answer to a submission, from its arrival to the ack, stays within this (Slack waits
 * 3 s): reading the caller's link before the queue gets what reading the flow left of it.
 */
const ANSWER_BUDGET_MS = 2600;

/**
 * The parameters the chosen flow's inputs were prefilled with: from the metadata when it holds
 * them, else read again (they did not fit in Slack's 3,000 characters of metadata). A string is
 * the inline error for the flow field.
 */
async function originalParameters(
  deps: ViewDeps,
  values: ViewStateValues,
  metadata: TriggerModalMetadata,
  who: { teamId: string; slackUserId: string; log: Logger },
): Promise<FlowParameter[] | string> {
  const flowId = selectedFlowId(values);
  if (metadata.flow && String(metadata.flow.id) === flowId && metadata.flow.parameters) {
    return metadata.flow.parameters;
  }
  // No inputs for this flow in the form (its parameters were never shown): nothing to compare.
  if (parameterInputs(values, flowId).length === 0) return [];
  try {
    const identity = await deps.links.get(who.teamId, who.slackUserId);
    if (!identity)
      return 'You are no longer linked to an EnOS user: close the form and run /flow-trigger again.';
    const flow = await withinBudget(deps.enos.getFlow(identity, Number(flowId)), REREAD_BUDGET_MS);
    return flow.parameters;
  } catch (error) {
    who.log.warn({ err: error, flowId }, 'could not read the flow’s parameters again on submission');
    const why = error instanceof FlowTriggerError ? ` ${inertMessage(error.userMessage)}` : '';
    return `I could not read flow ${flowId}’s parameters from EnOS to see which ones you changed.${why} Submit again in a moment.`;
  }
}

/**
 * The trigger form's submission. Everything that can be wrong with the form is answered inline in
 * the ack (`response_action: errors`), before anything happens; a valid form closes the modal and
 * runs the same trigger use case as the slash command, after the ack.
 */
export function submitTriggerModal(deps: ViewDeps) {
  return async ({ ack, body, view, client }: SubmitArgs): Promise<void> => {
    const arrived = performance.now();
    const teamId = body.team?.id ?? view.team_id;
    const slackUserId = body.user.id;
    const log = deps.logger.child({
      team: teamId,
      user: slackUserId,
      view: view.id,
      listener: 'trigger-form',
    });
    const values = view.state.values as ViewStateValues;
    const fail = (errors: Record<string, string>) => ack({ response_action: 'errors', errors });

    const metadata = decodeModalMetadata(view.private_metadata);
    if (!metadata) {
      log.warn({ metadata: view.private_metadata.slice(0, 200) }, 'trigger form with unreadable metadata');
      await fail({ [MODAL_BLOCK.flow]: 'This form is out of date: close it and run /flow-trigger again.' });
      return;
    }
    const originals = await originalParameters(deps, values, metadata, { teamId, slackUserId, log });
    if (typeof originals === 'string') {
      await fail({ [MODAL_BLOCK.flow]: inlineError(originals) });
      return;
    }
    const read = readTriggerForm(values, originals);
    if (read.stale) {
      await fail({
        [MODAL_BLOCK.flow]:
          'This flow’s parameters were changed in EnOS while the form was open, so I cannot tell which ones ' +
          'you changed. Close the form and open it again to see the current values.',
      });
      return;
    }
    // Preview and backfill answer in place of the form (preview-from-form.ts).
    const previewing: PreviewSubmission = {
      args: { ack, client, view },
      teamId,
      slackUserId,
      values,
      metadata,
      read,
      inputs: read.inputs,
      originals,
      budget: { arrived, totalMs: ANSWER_BUDGET_MS },
      log,
    };
    if (selectedWhen(values) === 'backfill') {
      await backfillFromForm(deps, previewing);
      return;
    }
    const checked = validateTriggerForm(read.input, { now: deps.clock(), zone: metadata.zone });
    if (!checked.ok) {
      log.info({ fields: checked.errors.map((e) => e.field) }, 'trigger form refused inline');
      await fail(slackFormErrors(checked.errors, values, read.inputs));
      return;
    }
    const form = checked.form;
    if (selectedMode(values) === 'preview') {
      await previewFromForm(deps, previewing, form);
      return;
    }
    // The "Post in" response_url (response_url_enabled), for the chosen conversation: it reaches the
    // caller there even where the bot is not a member. Stored on the job, so any replica can use it.
    const postIn = body.response_urls?.[0];
    const responseUrl =
      postIn?.block_id === MODAL_BLOCK.postIn && postIn.channel_id === form.conversationId
        ? postIn.response_url
        : undefined;

    // A caller with no link (removed since the form opened) is told inline; nothing is recorded.
    const admission = await checkCallerLink(
      deps,
      { teamId, slackUserId, log },
      Math.max(0, ANSWER_BUDGET_MS - INTAKE_BUDGET_MS - (performance.now() - arrived)),
    );
    if (admission.kind === 'not-linked') {
      await fail({ [MODAL_BLOCK.flow]: notLinkedInlineText(deps.selfLink) });
      return;
    }
    if (admission.kind === 'store-failed') {
      await fail({ [MODAL_BLOCK.flow]: inlineError(admission.error.userMessage) });
      return;
    }

    // The policy file's refusal, inline, while the form is still open to pick another conversation.
    const refusal = await policyRefusalInline(
      deps,
      { teamId, slackUserId, flowId: form.flowId, conversationId: form.conversationId },
      ANSWER_BUDGET_MS - INTAKE_BUDGET_MS - (performance.now() - arrived),
    );
    if (refusal) {
      log.info({ flowId: form.flowId }, 'trigger form refused inline by the policy');
      await fail({ [MODAL_BLOCK.flow]: inlineError(refusal) });
      return;
    }

    // The job is in the store before the ack: a crash after it cannot lose the request. A double
    // click on Submit sends the same view twice, and Socket Mode may redeliver it: the view id is
    // unique per opened form, and only a valid form gets here (a form refused inline stays open and
    // may be submitted again), so one job per view means one trigger per form.
    let intake: Intake;
    try {
      intake = await acceptTrigger(
        deps,
        {
          teamId,
          slackUserId,
          channelId: form.conversationId,
          teamDomain: body.team?.domain,
          ...(responseUrl ? { responseUrl } : {}),
          // Per user and view: a view id is only Slack's, and one user's submission must never
          // swallow another's.
          deliveryKey: claimKey('view', teamId, slackUserId, view.id),
          source: 'modal',
        },
        { flowId: form.flowId, when: form.when, parameters: form.parameters },
      );
    } catch (error) {
      log.error({ err: error }, 'could not record the trigger form’s request');
      const why = error instanceof FlowTriggerError ? ` ${inertMessage(error.userMessage)}` : '';
      await fail({
        [MODAL_BLOCK.flow]: inlineError(`Nothing was triggered.${why} Submit again in a moment.`),
      });
      return;
    }
    if (intake.kind === 'redelivered') {
      log.info('the same form was submitted again (double click or redelivery): ignored');
      await ack();
      return;
    }
    // The listener does not wait for the work: Bolt then lets go of the request while the trigger
    // waits for its turn. inFlight tracks it, and shutdown waits for it.
    const enqueued = enqueueJob(deps, intake.job, log);
    if (!enqueued.queued) {
      await withdrawTrigger(deps, intake.job);
      // The form stays open with everything filled in: submitting again later is one click.
      if (enqueued.reason === 'share-full') {
        // Logged once per flood by the queue (onShareOverload), not once per submission.
        await fail({ [MODAL_BLOCK.flow]: shareFullText(enqueued.waiting) });
        return;
      }
      log.info({ flowId: form.flowId, waiting: enqueued.waiting }, 'trigger refused: the queue is full');
      await fail({ [MODAL_BLOCK.flow]: busyText(enqueued.waiting) });
      return;
    }
    await ack();
  };
}

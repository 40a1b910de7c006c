import { performance } from 'node:perf_hooks';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { FlowTriggerError } from '../../../core/errors';
import { BudgetExceededError, withinBudget } from '../../../core/within-budget';
import type { ViewDeps } from '../../app-deps';
import { checkingModal, formResultModal } from '../../ui/form-result-modal';
import type { FormSnapshot } from '../../ui/form-snapshot';
import { inertMessage } from '../../ui/inert-text';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { unexpectedErrorMessage } from '../../ui/trigger-messages';
import { updateTriggerModal } from './update-trigger-modal';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The answer to a Preview or a backfill choice: the message the slash command would give, and,
 * when it is about a field the user can fix, that field's inline error instead.
 */
export interface FormAnswer {
  message: SlackMessage;
  /** By block ID; used only while the submission can still be answered with them (see below). */
  errors?: Record<string, string>;
}

/**
 * Answers a submission with what `work` gives, in place of the form. Within `budgetMs` (what is left
 * of Slack's 3 s), in the ack itself: inline errors, or `response_action: update` with the answer.
 * Slower (EnOS takes its time): the ack shows "Checking…" and views.update brings the answer, where
 * an error about a field is shown as the message (the form is gone by then; Back brings it back).
 */
export async function answerFormInPlace(
  deps: ViewDeps,
  args: Pick<SubmitArgs, 'ack' | 'client' | 'view'>,
  work: Promise<FormAnswer>,
  snapshot: FormSnapshot,
  budget: { arrived: number; totalMs: number },
  log: Logger,
): Promise<void> {
  const safe = work.catch((error: unknown): FormAnswer => ({ message: failureMessage(deps, error, log) }));
  const left = Math.max(0, budget.totalMs - (performance.now() - budget.arrived));
  let answer: FormAnswer | undefined;
  try {
    answer = await withinBudget(safe, left);
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
  }
  if (answer) {
    if (answer.errors && Object.keys(answer.errors).length > 0) {
      await args.ack({ response_action: 'errors', errors: answer.errors });
      return;
    }
    await args.ack({ response_action: 'update', view: formResultModal(answer.message, snapshot) });
    return;
  }
  log.info({ budgetMs: left }, 'the form’s checks take longer than Slack waits: answering in place later');
  await args.ack({ response_action: 'update', view: checkingModal(snapshot) });
  await deps.inFlight.run(async () => {
    const late = await safe;
    // The ack's update keeps the view's id; its new hash is not known here.
    await updateTriggerModal(
      args.client,
      { viewId: args.view.id },
      formResultModal(late.message, snapshot),
      log,
    );
  });
}

function failureMessage(deps: ViewDeps, error: unknown, log: Logger): SlackMessage {
  if (error instanceof FlowTriggerError) {
    log.warn({ err: error }, 'the form’s preview failed');
    return textMessage(`:x: ${inertMessage(error.userMessage)} Nothing was triggered.`);
  }
  const ref = deps.newId();
  log.error({ err: error, ref }, 'the form’s preview failed');
  return unexpectedErrorMessage(ref);
}

import { TRIGGER_MODAL_RESULT_CALLBACK } from '../../ids';
import { formResultModal } from '../../ui/form-result-modal';
import { decodeFormSnapshot } from '../../ui/form-snapshot';
import { noticeModal } from '../../ui/trigger-modal-notices';
import { updateTriggerModal } from '../views/update-trigger-modal';
import type { RunButtonArgs, RunButtonClick } from './read-run-button';

/**
 * Whether a button was clicked in the form's place (an answer the form shows after its Preview or
 * Backfill choice), not in a message: such a click carries the view, and neither a conversation
 * nor a response_url.
 */
export function clickedInForm(args: RunButtonArgs): boolean {
  return args.body.view?.callback_id === TRIGGER_MODAL_RESULT_CALLBACK;
}

/**
 * The click, answered in the modal: what the clicker is told replaces the answer there, with Back
 * to the form as it was entered. Any button shown in the form's place can use it.
 */
export function answeredInForm(click: RunButtonClick, args: RunButtonArgs): RunButtonClick {
  const view = args.body.view;
  if (!view) return click;
  return {
    ...click,
    async tell(message) {
      const snapshot = decodeFormSnapshot(view.private_metadata);
      const next = snapshot ? formResultModal(message, snapshot) : noticeModal(message);
      await updateTriggerModal(args.client, { viewId: view.id }, next, click.log);
    },
  };
}

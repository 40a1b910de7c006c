import type { types } from '@slack/bolt';
import { RUN_ACTION, RUN_ACTIONS_BLOCK } from '../ids';

/**
 * The buttons under a run: Cancel run (while it may still be running, behind a confirmation),
 * Run again, Edit and run. Each carries only the audit record ID of the trigger attempt: who may
 * do what is decided from the clicker's own link when the button is clicked, never from the value.
 */
export function runActions(attemptId: string, options: { cancel: boolean }): types.ActionsBlock {
  const elements: types.Button[] = [];
  if (options.cancel) {
    elements.push({
      type: 'button',
      action_id: RUN_ACTION.cancel,
      text: { type: 'plain_text', text: 'Cancel run' },
      style: 'danger',
      value: attemptId,
      confirm: {
        title: { type: 'plain_text', text: 'Cancel this run?' },
        text: {
          type: 'mrkdwn',
          text: 'EnOS stops the run, and tasks that have not finished are cancelled. This cannot be undone.',
        },
        confirm: { type: 'plain_text', text: 'Cancel run' },
        deny: { type: 'plain_text', text: 'Keep it running' },
        style: 'danger',
      },
    });
  }
  elements.push(
    {
      type: 'button',
      action_id: RUN_ACTION.again,
      text: { type: 'plain_text', text: 'Run again' },
      value: attemptId,
    },
    {
      type: 'button',
      action_id: RUN_ACTION.edit,
      text: { type: 'plain_text', text: 'Edit and run' },
      value: attemptId,
    },
  );
  return { type: 'actions', block_id: RUN_ACTIONS_BLOCK, elements };
}

import type { types } from '@slack/bolt';
import { FORM_BACK_ACTION, PREVIEW_TRIGGER_ACTION, TRIGGER_MODAL_RESULT_CALLBACK } from '../ids';
import { encodeFormSnapshot, type FormSnapshot } from './form-snapshot';
import { type SlackMessage, section } from './slack-message';
import { plainText } from './trigger-modal-text';

const BACK_BUTTON: types.Button = {
  type: 'button',
  action_id: FORM_BACK_ACTION,
  text: { type: 'plain_text', text: 'Back' },
  value: 'back',
};

/**
 * What replaces the form after a Preview or a backfill choice (docs/product.md, Preview and
 * Backfill): the answer the slash command would give, block for block, and **Back**, beside the
 * preview's Trigger button when it has one, else below. The view has no submit button: only its
 * buttons act. Its metadata is what the user had entered, for Back.
 */
export function formResultModal(message: SlackMessage, snapshot: FormSnapshot): types.ModalView {
  let placed = false;
  const blocks = message.blocks.map((block): types.KnownBlock => {
    if (placed || block.type !== 'actions') return block;
    const actions = block as types.ActionsBlock;
    if (!actions.elements.some((e) => 'action_id' in e && e.action_id === PREVIEW_TRIGGER_ACTION))
      return block;
    placed = true;
    return { ...actions, elements: [...actions.elements, BACK_BUTTON] };
  });
  if (!placed) blocks.push({ type: 'actions', elements: [BACK_BUTTON] });
  return {
    type: 'modal',
    callback_id: TRIGGER_MODAL_RESULT_CALLBACK,
    title: plainText('Trigger a flow', 24),
    close: plainText('Close', 24),
    private_metadata: encodeFormSnapshot(snapshot),
    blocks,
  };
}

/**
 * What the form shows while the checks of a Preview or a backfill take longer than Slack waits
 * for the submission's answer (3 s); the answer replaces it. No Back here: the answer would
 * overwrite the form the user went back to.
 */
export function checkingModal(snapshot: FormSnapshot): types.ModalView {
  return {
    type: 'modal',
    callback_id: TRIGGER_MODAL_RESULT_CALLBACK,
    title: plainText('Trigger a flow', 24),
    close: plainText('Close', 24),
    private_metadata: encodeFormSnapshot(snapshot),
    blocks: [section(':hourglass_flowing_sand: Checking… The answer appears here in a moment.')],
  };
}

import type { types } from '@slack/bolt';
import { TRIGGER_MODAL_LOADING_CALLBACK, TRIGGER_MODAL_NOTICE_CALLBACK } from '../ids';
import type { SlackMessage } from './slack-message';
import { section } from './slack-message';
import { plainText } from './trigger-modal-text';

/**
 * What views.open shows: the trigger_id expires 3 s after the click, so the modal opens before the
 * link, the time zone and the flows are read, and the form replaces this view (views.update).
 */
export function loadingModal(): types.ModalView {
  return {
    type: 'modal',
    callback_id: TRIGGER_MODAL_LOADING_CALLBACK,
    title: plainText('Trigger a flow', 24),
    close: plainText('Cancel', 24),
    blocks: [section(':hourglass_flowing_sand: Loading the form…')],
  };
}

/** A modal that only tells something (not linked, a failure): no submit button, so nothing can run. */
export function noticeModal(message: SlackMessage): types.ModalView {
  return {
    type: 'modal',
    callback_id: TRIGGER_MODAL_NOTICE_CALLBACK,
    title: plainText('Trigger a flow', 24),
    close: plainText('Close', 24),
    blocks: message.blocks,
  };
}

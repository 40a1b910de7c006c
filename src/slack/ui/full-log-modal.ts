import type { types } from '@slack/bolt';
import { FULL_LOG_MODAL_CALLBACK } from '../ids';
import { fitCodeBlockTail, SECTION_TEXT_LIMIT, taskLabel } from './failure-log-blocks';
import { inertMrkdwn } from './inert-text';
import { context, section } from './slack-message';
import { plainText } from './trigger-modal-text';

/*
 * The small modal of the Full log button. It opens at once (the click's trigger_id lives 3 s), then
 * says where the log went, why it may not be read, or, when the file could not be posted, shows as
 * much of the log's end as a modal holds.
 */

/** Sections of log a modal shows at most: Slack allows 100 blocks; a modal this long is read from its end anyway. */
export const MODAL_LOG_SECTIONS = 10;

function modal(blocks: types.KnownBlock[]): types.ModalView {
  return {
    type: 'modal',
    callback_id: FULL_LOG_MODAL_CALLBACK,
    title: plainText('Full log', 24),
    close: plainText('Close', 24),
    blocks,
  };
}

/** What views.open shows while the log is fetched. */
export function fullLogLoadingModal(): types.ModalView {
  return modal([section(':hourglass_flowing_sand: Fetching the log…')]);
}

/** A modal that only says something (refusal, no log, a failure). */
export function fullLogNoticeModal(text: string): types.ModalView {
  return modal([section(text)]);
}

/** The log was posted as a file in the thread. */
export function fullLogPostedModal(taskName: string, lengthText: string): types.ModalView {
  return modal([
    section(
      `:page_facing_up: The log of task ${taskLabel(taskName)} (${lengthText}) is posted in the thread as a file.`,
    ),
  ]);
}

/**
 * The file could not be posted there (`why`): as much of the log's end as fits, newest last.
 * `log` is masked already.
 */
export function fullLogFallbackModal(
  taskName: string,
  lengthText: string,
  why: string,
  log: string,
): types.ModalView {
  const chunks: string[] = [];
  let rest = log;
  while (rest !== '' && chunks.length < MODAL_LOG_SECTIONS) {
    const fitted = fitCodeBlockTail(rest, SECTION_TEXT_LIMIT);
    chunks.unshift(fitted.block);
    rest = fitted.rest;
  }
  const shown = log.length - rest.length;
  const cut = rest === '' ? 'the whole log' : `its last ${shown.toLocaleString('en-US')} characters`;
  return modal([
    section(
      `:warning: I could not post the log of task ${taskLabel(taskName)} as a file there: ${inertMrkdwn(why)} ` +
        `Here is ${cut} (of ${lengthText}).`,
    ),
    ...chunks.map((chunk) => section(chunk)),
    ...(rest === '' ? [] : [context('The start of the log is in the EnOS console.')]),
  ]);
}

import type { BackfillControl, BackfillControlRequest, BackfillRecord } from '../../core/backfill';
import { inertMessage } from './inert-text';
import { code, userMention } from './mrkdwn';
import { type SlackMessage, textMessage } from './slack-message';
import { flowLabel, ownerList } from './trigger-messages';

/** What a control is about to do, as the clicker is told while the engine applies it. */
const APPLYING: Record<BackfillControl, string> = {
  pause: 'Pausing',
  resume: 'Resuming',
  'cancel-remaining': 'Cancelling the remaining runs of',
  'cancel-all': 'Cancelling all runs (the one in progress in EnOS too) of',
  retry: 'Retrying the failed date of',
  skip: 'Skipping the failed date of',
};

/** What the clicker asked for, in a sentence: `to pause`. */
const ASKED: Record<BackfillControl, string> = {
  pause: 'to pause',
  resume: 'to resume',
  'cancel-remaining': 'to cancel the remaining runs',
  'cancel-all': 'to cancel all runs',
  retry: 'to retry the failed date',
  skip: 'to skip the failed date',
};

const backfillOf = (record: Pick<BackfillRecord, 'flowId' | 'flowName'>) =>
  `the backfill of flow ${flowLabel(record.flowId, record.flowName)}`;

/** The control was asked for: the engine applies it, and the progress reply shows it. */
export function controlAcceptedMessage(record: BackfillRecord, control: BackfillControl): SlackMessage {
  return textMessage(
    `:hourglass_flowing_sand: ${APPLYING[control]} ${backfillOf(record)}: the progress reply in its thread shows it ` +
      'once it is applied.',
  );
}

/** Another control was asked for first and is not applied yet. */
export function controlPendingMessage(record: BackfillRecord, pending: BackfillControlRequest): SlackMessage {
  return textMessage(
    `:hourglass: ${userMention(pending.slackUserId)} asked ${ASKED[pending.control]} ${backfillOf(record)} a ` +
      'moment ago, and it is being applied: nothing else was asked. Look at the progress reply, then click again ' +
      'if you still need to.',
  );
}

/** The clicker may not control the backfill: who may. */
export function controlForbiddenMessage(
  record: BackfillRecord,
  clicker: { link?: { userName: string } },
): SlackMessage {
  const owners = ownerList(record.owners) || 'none listed';
  const you = clicker.link
    ? `Your EnOS user ${code(clicker.link.userName)} is not one of them.`
    : 'You are not linked to an EnOS user, so you cannot be one of them.';
  return textMessage(
    `:no_entry: Only ${userMention(record.slackUserId)}, who started ${backfillOf(record)}, or an owner of the flow ` +
      `(${owners}) can control it. ${you} Nothing was changed.`,
  );
}

/** The control does not fit the backfill's state now (a stale button, or someone was quicker). */
export function controlRefusedMessage(record: BackfillRecord, why: string): SlackMessage {
  return textMessage(`:information_source: ${inertMessage(why)} (${backfillOf(record)})`);
}

/** The button's backfill is not in the store (any more). */
export function backfillGoneMessage(): SlackMessage {
  return textMessage(
    ':grey_question: I have no record of this backfill any more, so I cannot control it. ' +
      '`/flow-trigger backfills` lists the active ones.',
  );
}

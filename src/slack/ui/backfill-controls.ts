import type { types } from '@slack/bolt';
import { stoppedRunIndex } from '../../core/apply-backfill-control';
import type { BackfillControl, BackfillRecord } from '../../core/backfill';
import { BACKFILL_ACTION, BACKFILL_ACTIONS_BLOCK } from '../ids';
import { SLACK_LIMITS, shortenPlain } from './slack-limits';

/** Each control's button, by action ID: what the click listener asks for. */
export const BACKFILL_CONTROL_OF: Readonly<Record<string, BackfillControl>> = {
  [BACKFILL_ACTION.pause]: 'pause',
  [BACKFILL_ACTION.resume]: 'resume',
  [BACKFILL_ACTION.cancelRemaining]: 'cancel-remaining',
  [BACKFILL_ACTION.cancelAll]: 'cancel-all',
  [BACKFILL_ACTION.retry]: 'retry',
  [BACKFILL_ACTION.skip]: 'skip',
};

function button(
  actionId: string,
  text: string,
  backfillId: string,
  style?: 'primary' | 'danger',
): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: shortenPlain(text, SLACK_LIMITS.buttonText) },
    // Only the id: who may do what is decided from the record and the clicker when clicked.
    value: backfillId,
    ...(style ? { style } : {}),
  };
}

function cancelAllButton(backfillId: string): types.Button {
  return {
    ...button(BACKFILL_ACTION.cancelAll, 'Cancel all', backfillId, 'danger'),
    confirm: {
      title: { type: 'plain_text', text: 'Cancel the whole backfill?' },
      text: {
        type: 'mrkdwn',
        text:
          'The run in progress is cancelled in EnOS (its tasks that have not finished are cancelled), and no ' +
          'further date runs. This cannot be undone.',
      },
      confirm: { type: 'plain_text', text: 'Cancel all' },
      deny: { type: 'plain_text', text: 'Keep it going' },
      style: 'danger',
    },
  };
}

/**
 * The control buttons under a backfill's progress reply, for its state: running → Pause, Cancel
 * remaining, Cancel all; paused → Resume, Cancel remaining, Cancel all; stopped at a failure →
 * Retry <date> and continue, Skip <date> and continue, Cancel remaining; ended → none. Anyone sees
 * them; the click decides who may (src/core/may-control-backfill.ts).
 */
export function backfillControlBlocks(record: BackfillRecord): types.KnownBlock[] {
  const id = record.id;
  const remaining = button(BACKFILL_ACTION.cancelRemaining, 'Cancel remaining', id);
  let elements: types.Button[];
  switch (record.status) {
    case 'running':
      elements = [button(BACKFILL_ACTION.pause, 'Pause', id), remaining, cancelAllButton(id)];
      break;
    case 'paused':
      elements = [button(BACKFILL_ACTION.resume, 'Resume', id, 'primary'), remaining, cancelAllButton(id)];
      break;
    case 'stopped': {
      const index = stoppedRunIndex(record);
      const date = index === undefined ? undefined : record.runs[index]?.businessDate;
      elements = [
        ...(date === undefined
          ? []
          : [
              button(BACKFILL_ACTION.retry, `Retry ${date} and continue`, id, 'primary'),
              button(BACKFILL_ACTION.skip, `Skip ${date} and continue`, id),
            ]),
        remaining,
      ];
      break;
    }
    case 'finished':
    case 'cancelled':
      return [];
  }
  return [{ type: 'actions', block_id: BACKFILL_ACTIONS_BLOCK, elements }];
}

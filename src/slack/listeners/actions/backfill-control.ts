import { applyBackfillControl } from '../../../core/apply-backfill-control';
import type { BackfillControlRequest } from '../../../core/backfill';
import { mayControlBackfill } from '../../../core/may-control-backfill';
import type { ActionDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import {
  backfillGoneMessage,
  controlAcceptedMessage,
  controlForbiddenMessage,
  controlPendingMessage,
  controlRefusedMessage,
} from '../../ui/backfill-control-messages';
import { BACKFILL_CONTROL_OF } from '../../ui/backfill-controls';
import { type RunButtonArgs, readRunButton, tellFailure } from './read-run-button';

/**
 * A control button of a backfill's progress reply (Pause, Resume, Cancel remaining, Cancel all,
 * Retry, Skip). The click does not change the backfill: it asks for the control in the store, and
 * the engine applies it under the backfill's lease (src/core/backfill.ts), at once when it can be
 * kicked. Only the starter or a linked owner of the flow may ask (mayControlBackfill); anyone else,
 * and a control that does not fit the backfill's state now, is answered privately.
 */
export function backfillControl(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = readRunButton(deps, args, 'backfill-control');
    const backfillId = click.attemptId;
    const control = BACKFILL_CONTROL_OF[args.action.action_id];
    await deps.inFlight.run(async () => {
      try {
        // Socket Mode may redeliver the click: one click, one answer.
        if (!(await claimDelivery(deps.claims, 'action', click.teamId, args.body.trigger_id))) return;
        const { backfills } = deps;
        const record =
          backfillId === '' || !backfills ? undefined : await backfills.get(click.teamId, backfillId);
        if (!record || !control || !backfills) {
          await click.tell(backfillGoneMessage());
          return;
        }
        const link =
          click.slackUserId === record.slackUserId
            ? undefined
            : await deps.links.get(click.teamId, click.slackUserId);
        const clicker = { slackUserId: click.slackUserId, ...(link ? { link } : {}) };
        if (!mayControlBackfill(record, clicker)) {
          click.log.info(
            { backfillId, control },
            'backfill control refused: neither the starter nor an owner',
          );
          await click.tell(controlForbiddenMessage(record, clicker));
          return;
        }
        const request: BackfillControlRequest = { control, slackUserId: click.slackUserId, at: deps.clock() };
        // A stale button (Pause on a backfill paused since …) is answered now; the engine checks again
        // when it applies the control, against the record as it is then.
        const now = applyBackfillControl(record, request, request.at);
        if (now.refused !== undefined) {
          await click.tell(controlRefusedMessage(record, now.refused));
          return;
        }
        const asked = await backfills.requestControl(click.teamId, backfillId, request);
        if (!asked.accepted) {
          await click.tell(controlPendingMessage(record, asked.pending));
          return;
        }
        click.log.info({ backfillId, control }, 'backfill control asked for');
        await click.tell(controlAcceptedMessage(record, control));
        try {
          await deps.backfillEngine.kick(click.teamId, backfillId);
        } catch (error) {
          // The engine's next pass applies it all the same.
          click.log.warn({ err: error, backfillId }, 'could not kick the backfill engine');
        }
      } catch (error) {
        await tellFailure(deps, click, error, 'control a backfill');
      }
    });
  };
}

import type { ListenerDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import { triggerFromSlack } from '../../trigger-from-slack';
import { abandonedMessage, busyMessage } from '../../ui/trigger-messages';
import { type RunButtonArgs, readRunButton, runRecordOf, tellFailure } from './read-run-button';

/**
 * "Run again": the same flow and parameters, now, through the trigger use case, as whoever clicks
 * (their link, their ownership, their duplicate guard), posted in the conversation of the button.
 * It waits for a turn like every trigger (TRIGGER_CONCURRENCY).
 */
export function runAgain(deps: ListenerDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = readRunButton(deps, args, 'run-again');
    // The listener does not wait for the work: Bolt then lets go of the request while the trigger
    // waits for its turn. inFlight tracks it, and shutdown waits for it.
    const queued = deps.inFlight.enqueue(
      async () => {
        try {
          // One click, one trigger: Socket Mode may deliver the click twice.
          if (!(await claimDelivery(deps.claims, 'action', click.teamId, args.body.trigger_id))) return;
          const record = await runRecordOf(deps, click);
          if (!record) return;
          const channelId = click.channelId ?? record.channelId;
          await triggerFromSlack(
            deps,
            {
              client: args.client,
              channelId,
              slackUserId: click.slackUserId,
              teamDomain: click.teamDomain,
              respond: args.respond,
              logger: click.log,
              tell: click.tell,
            },
            {
              teamId: click.teamId,
              slackUserId: click.slackUserId,
              channelId,
              flowId: record.flowId,
              when: { kind: 'now' },
              parameters: record.parameters,
              source: 'button',
            },
            { again: record.id },
          );
        } catch (error) {
          await tellFailure(deps, click, error, 'run again');
        }
      },
      () => click.tell(abandonedMessage()),
    );
    if (!queued) {
      // Nothing was claimed: a click later triggers normally.
      click.log.info({ waiting: deps.inFlight.waiting }, 'run again refused: the queue is full');
      await deps.inFlight.run(() => click.tell(busyMessage(deps.inFlight.waiting)));
    }
  };
}

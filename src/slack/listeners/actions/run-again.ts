import { admitTrigger } from '../../admit-trigger';
import type { ListenerDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import { triggerFromSlack } from '../../trigger-from-slack';
import { abandonedMessage, busyMessage, noticeMessage, shareFullMessage } from '../../ui/trigger-messages';
import { type RunButtonArgs, readRunButton, runRecordOf, tellFailure } from './read-run-button';

/**
 * "Run again": the same flow and parameters, now, through the trigger use case, as whoever clicks
 * (their link, their ownership, their duplicate guard), posted in the conversation of the button.
 * It waits for a turn like every trigger (TRIGGER_CONCURRENCY), once the clicker's link is known.
 */
export function runAgain(deps: ListenerDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    const click = readRunButton(deps, args, 'run-again');
    // The listener does not wait for the work: Bolt then lets go of the request while the trigger
    // waits for its turn. inFlight tracks it, and shutdown waits for it. The ack waits for the
    // clicker's link (a store read, bounded well within Slack's 3 s), so that a click Slack was
    // answered for is already queued, or its answer on its way, when shutdown looks.
    const admission = await admitTrigger(
      deps,
      { teamId: click.teamId, slackUserId: click.slackUserId, log: click.log },
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
    await args.ack();
    switch (admission.kind) {
      case 'queued':
        return;
      case 'not-linked':
        await deps.inFlight.run(() =>
          click.tell(noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {})),
        );
        return;
      case 'store-failed':
        await deps.inFlight.run(() =>
          click.tell(noticeMessage({ kind: 'store-failed', error: admission.error }, {})),
        );
        return;
      case 'queue-full':
        // Nothing was claimed: a click later triggers normally.
        click.log.info({ waiting: admission.waiting }, 'run again refused: the queue is full');
        await deps.inFlight.run(() => click.tell(busyMessage(admission.waiting)));
        return;
      case 'share-full':
        // Logged once per flood by the queue (onShareOverload), not once per click.
        await deps.inFlight.run(() => click.tell(shareFullMessage(admission.waiting)));
        return;
    }
  };
}

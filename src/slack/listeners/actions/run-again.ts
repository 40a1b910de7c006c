import { claimKey } from '../../../core/claim-key';
import type { AuditRecord } from '../../../core/ports';
import type { ActionDeps } from '../../app-deps';
import { enqueueJob } from '../../job-runner';
import { acceptTrigger, type Intake, withdrawTrigger } from '../../trigger-from-slack';
import { busyMessage, shareFullMessage } from '../../ui/trigger-messages';
import {
  clickerIsLinked,
  type RunButtonArgs,
  readRunButton,
  runRecordOf,
  tellFailure,
} from './read-run-button';

/**
 * "Run again" (and recovery's "Run it now"): the same flow and parameters, now, through the
 * trigger use case, as whoever clicks (their link, their ownership, their duplicate guard), posted
 * in the conversation of the button. A clicker with no link is answered before anything is
 * recorded; otherwise, like every trigger, it is a job in the store before the ack, and waits for
 * its clicker's turn (TRIGGER_CONCURRENCY, TRIGGER_QUEUE_PER_USER).
 */
export function runAgain(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    const click = readRunButton(deps, args, 'run-again');
    if (!(await clickerIsLinked(deps, args, click))) return;
    let record: AuditRecord | undefined;
    let intake: Intake | undefined;
    try {
      record = click.attemptId === '' ? undefined : await deps.audit.get(click.teamId, click.attemptId);
      if (record) {
        const channelId = click.channelId ?? record.channelId;
        intake = await acceptTrigger(
          deps,
          {
            teamId: click.teamId,
            slackUserId: click.slackUserId,
            channelId,
            teamDomain: click.teamDomain,
            ...(args.body.response_url ? { responseUrl: args.body.response_url } : {}),
            // One click, one trigger: Socket Mode may deliver the click twice.
            deliveryKey: claimKey('action', click.teamId, args.body.trigger_id),
            source: 'button',
            again: record.id,
          },
          { flowId: record.flowId, when: { kind: 'now' }, parameters: record.parameters },
        );
      }
    } catch (error) {
      await args.ack();
      await deps.inFlight.run(() => tellFailure(deps, click, error, 'run again'));
      return;
    }
    await args.ack();
    if (!record) {
      // Says that the record is gone.
      await deps.inFlight.run(async () => void (await runRecordOf(deps, click)));
      return;
    }
    if (!intake || intake.kind === 'redelivered') return;
    const enqueued = enqueueJob(deps, intake.job, click.log);
    if (enqueued.queued) return;
    // Nothing is left claimed: a click later triggers normally.
    await withdrawTrigger(deps, intake.job);
    if (enqueued.reason === 'share-full') {
      // Logged once per flood by the queue (onShareOverload), not once per click.
      await deps.inFlight.run(() => click.tell(shareFullMessage(enqueued.waiting)));
      return;
    }
    click.log.info({ waiting: enqueued.waiting }, 'run again refused: the queue is full');
    await deps.inFlight.run(() => click.tell(busyMessage(enqueued.waiting)));
  };
}

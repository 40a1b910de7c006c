import { claimKey } from '../../../core/claim-key';
import type { StoredPreview } from '../../../core/ports';
import { resolveTime } from '../../../core/resolve-time';
import type { ActionDeps } from '../../app-deps';
import { enqueueJob } from '../../job-runner';
import { acceptTrigger, type Intake, withdrawTrigger } from '../../trigger-from-slack';
import { userMention } from '../../ui/mrkdwn';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { busyMessage, shareFullMessage } from '../../ui/trigger-messages';
import { PREVIEW_TTL_MS } from '../commands/answer-preview';
import { answeredInForm, clickedInForm } from './answer-in-form';
import {
  clickerIsLinked,
  type RunButtonArgs,
  type RunButtonClick,
  readRunButton,
  tellFailure,
} from './read-run-button';

const REDO =
  'Run `/flow-trigger preview …` again to see the request as it stands now, then click its Trigger.';

/**
 * A preview's **Trigger**: exactly the previewed request (read from the store by the button's id,
 * never from the payload), through the normal path: the clicker's link, then a job in the store
 * before the ack, then the clicker's turn in the queue; the job runs every check again and claims
 * the duplicate guard. Only the previewer may click it; `now` and `in …` are resolved again, an
 * explicit time is the one shown, and one that has passed since is not back-dated silently.
 */
export function triggerPreview(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    const modal = clickedInForm(args);
    const click = modal
      ? answeredInForm(readRunButton(deps, args, 'preview-trigger'), args)
      : readRunButton(deps, args, 'preview-trigger');
    let preview: StoredPreview | undefined;
    try {
      preview = click.attemptId === '' ? undefined : await deps.previews.get(click.teamId, click.attemptId);
    } catch (error) {
      await args.ack();
      await deps.inFlight.run(() => tellFailure(deps, click, error, 'trigger a preview'));
      return;
    }
    const refusal = refusalOf(deps, click, preview);
    if (refusal || !preview) {
      await args.ack();
      await deps.inFlight.run(() => click.tell(refusal ?? expiredMessage()));
      return;
    }
    if (!(await clickerIsLinked(deps, args, click))) return;
    let intake: Intake;
    try {
      intake = await acceptTrigger(
        deps,
        {
          teamId: click.teamId,
          slackUserId: click.slackUserId,
          channelId: preview.channelId,
          teamDomain: click.teamDomain,
          ...(args.body.response_url ? { responseUrl: args.body.response_url } : {}),
          // One click, one trigger: Socket Mode may deliver the click twice.
          deliveryKey: claimKey('action', click.teamId, args.body.trigger_id),
          // The audit shows the request as the surface that asked for it.
          source: modal ? 'modal' : 'command',
        },
        { flowId: preview.flowId, when: preview.when, parameters: preview.parameters },
      );
    } catch (error) {
      await args.ack();
      await deps.inFlight.run(() => tellFailure(deps, click, error, 'trigger a preview'));
      return;
    }
    await args.ack();
    if (intake.kind === 'redelivered') return;
    const enqueued = enqueueJob(deps, intake.job, click.log);
    if (enqueued.queued) {
      // In the form, the preview gives way to where the result will be (a message has its thread).
      if (modal) {
        await deps.inFlight.run(() =>
          click.tell(
            textMessage(
              `:white_check_mark: Sent: the request and its result are posted in <#${preview.channelId}>, ` +
                'in a thread. You can close this form.',
            ),
          ),
        );
      }
      return;
    }
    await withdrawTrigger(deps, intake.job);
    if (enqueued.reason === 'share-full') {
      await deps.inFlight.run(() => click.tell(shareFullMessage(enqueued.waiting)));
      return;
    }
    click.log.info({ waiting: enqueued.waiting }, 'preview trigger refused: the queue is full');
    await deps.inFlight.run(() => click.tell(busyMessage(enqueued.waiting)));
  };
}

/** Why this click may not trigger the preview, if it may not. */
function refusalOf(
  deps: ActionDeps,
  click: RunButtonClick,
  preview: StoredPreview | undefined,
): SlackMessage | undefined {
  const now = deps.clock();
  if (!preview || now - preview.createdAt > PREVIEW_TTL_MS) return expiredMessage();
  if (preview.slackUserId !== click.slackUserId) {
    return textMessage(
      `:lock: This is ${userMention(preview.slackUserId)}’s preview: only they can trigger it from here, so ` +
        'nothing was triggered. To run the same request as yourself, run `/flow-trigger preview …` with it.',
    );
  }
  if (preview.pinnedEpochMs === undefined) return undefined;
  const resolved = resolveTime(preview.when, { now, zone: 'UTC' });
  const passed = !resolved.ok || (resolved.time.backdated && !preview.backdated);
  if (passed || (resolved.ok && resolved.time.epochMs !== preview.pinnedEpochMs)) {
    return textMessage(
      ':clock3: The time of this preview has passed since, and a run is never back-dated without being ' +
        `asked: nothing was triggered. ${REDO}`,
    );
  }
  return undefined;
}

function expiredMessage(): SlackMessage {
  return textMessage(
    `:hourglass: This preview has expired (a preview’s Trigger button works for ${PREVIEW_TTL_MS / 60_000} ` +
      `minutes), so nothing was triggered. ${REDO}`,
  );
}

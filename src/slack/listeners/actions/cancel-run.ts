import { EnosApiError } from '../../../core/errors';
import { isTerminalStatus, statusName } from '../../../core/run-status';
import type { ActionDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import { inertMessage, inertMrkdwn } from '../../ui/inert-text';
import { code, userMention } from '../../ui/mrkdwn';
import { context, textMessage } from '../../ui/slack-message';
import { flowLabel, noticeMessage } from '../../ui/trigger-messages';
import { type RunButtonArgs, readRunButton, runRecordOf, tellFailure } from './read-run-button';

/**
 * "Cancel run" (after Slack's confirmation dialog). Allowed to whoever triggered the run, or to an
 * owner of the flow (Get Flow as the clicker says so); only while the run has not finished (Get
 * Flow Instance, asked right before). EnOS is called as the clicker, never as the run's caller,
 * and the thread is told who cancelled.
 */
export function cancelRun(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = readRunButton(deps, args, 'cancel-run');
    await deps.inFlight.run(async () => {
      try {
        // Socket Mode may redeliver the click: a second cancel would only be refused, but say nothing twice.
        if (!(await claimDelivery(deps.claims, 'action', click.teamId, args.body.trigger_id))) return;
        const record = await runRecordOf(deps, click);
        if (!record) return;
        const flow = flowLabel(record.flowId, record.flowName);
        const instanceId = record.instanceId;
        if (!instanceId) {
          await click.tell(
            textMessage(`:grey_question: This trigger of flow ${flow} started no run to cancel.`),
          );
          return;
        }
        const link = await deps.links.get(click.teamId, click.slackUserId);
        if (!link) {
          await click.tell(
            noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {}),
          );
          return;
        }

        if (record.slackUserId !== click.slackUserId) {
          // Not the caller: an owner of the flow may cancel, as EnOS sees the clicker.
          const owners = (await deps.enos.getFlow(link, record.flowId)).owners;
          if (!owners.includes(link.userName)) {
            click.log.info({ instanceId }, 'cancel refused: neither the caller nor an owner');
            await click.tell(
              textMessage(
                `:no_entry: Only ${userMention(record.slackUserId)}, who triggered this run, or an owner of ` +
                  `flow ${flow} (${owners.map(code).join(', ') || 'none listed'}) can cancel it. Your EnOS ` +
                  `user ${code(link.userName)} is neither. Nothing was cancelled.`,
              ),
            );
            return;
          }
        }

        const instance = await deps.enos.getFlowInstance(link, instanceId);
        if (isTerminalStatus(instance.status)) {
          await click.tell(
            textMessage(
              `:information_source: Run ${code(instanceId)} of flow ${flow} has already finished ` +
                `(${statusName(instance.status)}), so there is nothing to cancel.`,
            ),
          );
          return;
        }
        try {
          await deps.enos.cancelFlowInstance(link, instanceId);
        } catch (error) {
          if (!(error instanceof EnosApiError)) throw error;
          await click.tell(
            textMessage(
              `:x: EnOS refused to cancel run ${code(instanceId)} of flow ${flow}. ${inertMessage(error.userMessage)}`,
              context(`EnOS code ${error.enosCode}: ${inertMrkdwn(error.enosMessage)}`),
            ),
          );
          return;
        }
        click.log.info({ instanceId, by: click.slackUserId }, 'run cancelled');
        const said = textMessage(
          `:no_entry_sign: ${userMention(click.slackUserId)} cancelled run ${code(instanceId)} of flow ${flow}.`,
        );
        if (record.threadTs) {
          await args.client.chat
            .postMessage({
              channel: record.channelId,
              thread_ts: record.threadTs,
              ...said,
              unfurl_links: false,
            })
            .catch(async (error: unknown) => {
              click.log.warn({ err: error }, 'could not tell the thread about the cancel');
              await click.tell(said);
            });
        } else {
          await click.tell(said);
        }
        // The reply shows "cancelled" now rather than at the next due poll.
        await deps.watcher.pollNow(instanceId).catch((error: unknown) => {
          click.log.warn({ err: error, instanceId }, 'could not refresh the run after the cancel');
        });
      } catch (error) {
        await tellFailure(deps, click, error, 'cancel');
      }
    });
  };
}

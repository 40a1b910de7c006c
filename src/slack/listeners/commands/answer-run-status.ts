import { EnosApiError, FlowTriggerError } from '../../../core/errors';
import { readFailureLogs } from '../../../core/read-failure-logs';
import { runViewOf } from '../../../core/run-view';
import type { CommandDeps } from '../../app-deps';
import { inertMessage, inertMrkdwn } from '../../ui/inert-text';
import { code } from '../../ui/mrkdwn';
import { runStatusAnswer } from '../../ui/run-status-message';
import { context, type SlackMessage, textMessage } from '../../ui/slack-message';
import { noticeMessage } from '../../ui/trigger-messages';

/** EnOS codes for an instance that does not exist, or that this user cannot see. */
const NOT_FOUND = new Set([62102, 99404, 62103, 99403]);

/** `/flow-trigger status <instanceId>`: Get Flow Instance as the caller, answered privately. */
export async function answerRunStatus(
  deps: Pick<CommandDeps, 'links' | 'enos' | 'admins' | 'selfLink' | 'enosServerZone' | 'clock' | 'logger'>,
  who: { teamId: string; slackUserId: string },
  instanceId: string,
): Promise<SlackMessage> {
  const link = await deps.links.get(who.teamId, who.slackUserId);
  if (!link) return noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {});
  try {
    const instance = await deps.enos.getFlowInstance(link, instanceId);
    const view = runViewOf(instance, { serverZone: deps.enosServerZone ?? 'UTC', now: deps.clock() });
    // A failed run says why: its failed tasks' log tails, read as the caller.
    const failureLogs =
      view.phase === 'failed' && view.failedTasks.length > 0
        ? await readFailureLogs(
            {
              enos: deps.enos,
              log: (level, msg, fields) => deps.logger[level]({ ...fields, instanceId }, msg),
            },
            link,
            view.failedTasks,
          )
        : undefined;
    return runStatusAnswer(failureLogs ? { ...view, failureLogs } : view);
  } catch (error) {
    if (error instanceof EnosApiError && NOT_FOUND.has(error.enosCode)) {
      return textMessage(
        `:grey_question: EnOS knows no run ${code(instanceId)} that your EnOS user ${code(link.userName)} can ` +
          'see. Check the instance ID: it is in the thread of the trigger, and `/flow-trigger history` lists recent ones.',
        context(`EnOS code ${error.enosCode}: ${inertMrkdwn(error.enosMessage)}`),
      );
    }
    if (error instanceof FlowTriggerError) {
      return textMessage(
        `:x: I could not read run ${code(instanceId)} from EnOS. ${inertMessage(error.userMessage)}`,
      );
    }
    throw error;
  }
}

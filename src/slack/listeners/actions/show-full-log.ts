import type { types } from '@slack/bolt';
import { EnosApiError, FlowTriggerError } from '../../../core/errors';
import { describeLogLength } from '../../../core/log-tail';
import { maskSecretsGradually } from '../../../core/mask-secrets';
import type { Link } from '../../../core/ports';
import type { ActionDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import { slackErrorCode } from '../../slack-reporter';
import { parseFullLogButtonValue, taskLabel } from '../../ui/failure-log-blocks';
import {
  fullLogFallbackModal,
  fullLogLoadingModal,
  fullLogNoticeModal,
  fullLogPostedModal,
} from '../../ui/full-log-modal';
import { inertMrkdwn } from '../../ui/inert-text';
import { code, userMention } from '../../ui/mrkdwn';
import { flowLabel } from '../../ui/trigger-messages';
import type { RunButtonArgs } from './read-run-button';

/** What the whole log is asked for at most: a file this large is still opened by Slack's viewer. */
export const FULL_LOG_MAX_LENGTH = 10 * 1_048_576;

/** Slack's words for an upload refused where the button is, and what they mean to the clicker. */
const UPLOAD_REFUSALS: Record<string, string> = {
  not_in_channel: 'the bot is not a member of that conversation.',
  channel_not_found: 'the bot cannot see that conversation.',
  missing_scope: 'the app lacks the files:write permission (reinstall it with the current manifest).',
  not_allowed_token_type: 'the app may not upload files.',
  restricted_action: 'the workspace does not allow apps to upload files there.',
};

/**
 * "Full log" beside a failed task's log tail. For whoever triggered the run and for the flow's
 * owners (Get Flow as the clicker says so); anyone else is refused, privately. A small modal opens
 * at once (the trigger_id lives 3 s); then the task's whole log, masked, is posted as a file in the
 * thread (files.getUploadURLExternal, the upload, files.completeUploadExternal), and the modal says
 * so. Where the file cannot be posted, the modal shows as much of the log's end as it holds.
 */
export function showFullLog(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const { body, client } = args;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const slackUserId = body.user.id;
    const log = deps.logger.child({ team: teamId, user: slackUserId, listener: 'show-full-log' });
    await deps.inFlight.run(async () => {
      // Socket Mode may redeliver the click: one file is enough.
      if (!(await claimDelivery(deps.claims, `action:${teamId}:${body.trigger_id}`))) return;
      let viewId: string | undefined;
      try {
        viewId = (await client.views.open({ trigger_id: body.trigger_id, view: fullLogLoadingModal() })).view
          ?.id;
      } catch (error) {
        log.warn({ err: error, error: slackErrorCode(error) }, 'could not open the Full log modal');
      }
      const show = async (view: types.ModalView) => {
        try {
          if (viewId) await client.views.update({ view_id: viewId, view });
          else
            await args.respond({
              response_type: 'ephemeral',
              replace_original: false,
              text: 'Full log',
              blocks: view.blocks,
            });
        } catch (error) {
          log.error({ err: error, error: slackErrorCode(error) }, 'could not tell the Full log’s clicker');
        }
      };
      try {
        await show(await fullLog(deps, args, { teamId, slackUserId, log }));
      } catch (error) {
        const ref = deps.newId();
        log.error({ err: error, ref }, 'Full log failed');
        await show(
          fullLogNoticeModal(
            error instanceof FlowTriggerError
              ? `:x: I could not fetch the log. ${inertMrkdwn(error.userMessage)}`
              : `:x: Something unexpected went wrong. Reference for the operators: ${code(ref)}`,
          ),
        );
      }
    });
  };
}

interface Clicker {
  teamId: string;
  slackUserId: string;
  log: ActionDeps['logger'];
}

/** Checks the clicker, fetches the log and posts it: the modal that says how it went. */
async function fullLog(deps: ActionDeps, args: RunButtonArgs, who: Clicker): Promise<types.ModalView> {
  const { body, action, client } = args;
  const ref = parseFullLogButtonValue(action.value);
  if (!ref) return fullLogNoticeModal(':grey_question: This button names no task log I can read.');
  const link = await deps.links.get(who.teamId, who.slackUserId);
  if (!link) {
    const ask =
      deps.admins.length > 0
        ? `Ask an admin (${deps.admins.map(userMention).join(', ')}) to link you.`
        : 'Ask whoever runs flow-trigger to link you.';
    const self = deps.selfLink ? ' Or link yourself with `/flow-trigger link me`.' : '';
    return fullLogNoticeModal(
      `:link: Your Slack account is not linked to an EnOS user, so I cannot read EnOS logs for you. ${ask}${self}`,
    );
  }
  const instance = await deps.enos.getFlowInstance(link, ref.instanceId).catch((error: unknown) => {
    if (error instanceof EnosApiError) return undefined;
    throw error;
  });
  const task = instance?.tasks.find((t) => t.taskInstId === ref.taskInstId);
  if (!instance || !task) {
    return fullLogNoticeModal(
      `:grey_question: EnOS shows your EnOS user ${code(link.userName)} no run ${code(ref.instanceId)} with that task.`,
    );
  }
  const refusal = await refusalOf(
    deps,
    who,
    link,
    ref.attemptId,
    instance.flowId,
    instance.flowName,
    ref.instanceId,
  );
  if (refusal) return refusal;

  const taskName = task.taskName ?? ref.taskInstId;
  const answer = await deps.enos.getTaskLog(link, ref.taskInstId, FULL_LOG_MAX_LENGTH);
  if (answer.kind === 'no-log') {
    return fullLogNoticeModal(
      `:grey_question: EnOS has no log for task ${taskLabel(taskName)} (“${inertMrkdwn(answer.message.slice(0, 200))}”).`,
    );
  }
  // Masked before it goes anywhere (the file, the modal), a slice at a time: a 10 MB log must not
  // hold the event loop that answers Slack.
  const text = await maskSecretsGradually(answer.text, () => new Promise((resolve) => setImmediate(resolve)));
  const lengthText = describeLogLength(answer.text.length, answer.text.length >= FULL_LOG_MAX_LENGTH);
  const channelId = body.container?.channel_id ?? body.channel?.id;
  // A private answer (`/flow-trigger status`) has no thread, and a file would show to the channel.
  if (!channelId || body.container?.is_ephemeral === true || !body.message) {
    return fullLogFallbackModal(taskName, lengthText, 'your status answer is visible only to you.', text);
  }
  const threadTs = body.message.thread_ts ?? body.message.ts;
  try {
    await client.filesUploadV2({
      channel_id: channelId,
      thread_ts: threadTs,
      content: text,
      filename: `${fileSafe(taskName)}-${fileSafe(ref.taskInstId)}.log`,
      title: `Log of task ${taskName.slice(0, 200)} (${ref.instanceId})`,
      initial_comment:
        `${userMention(who.slackUserId)} asked for the full log of task ${taskLabel(taskName)} ` +
        `(${lengthText}${answer.text.length >= FULL_LOG_MAX_LENGTH ? ', cut by EnOS' : ''}), secrets masked.`,
    });
  } catch (error) {
    const slackError = slackErrorCode(error);
    who.log.warn(
      { err: error, error: slackError, instanceId: ref.instanceId },
      'could not post the log as a file',
    );
    const why =
      (slackError && UPLOAD_REFUSALS[slackError]) ??
      `Slack refused the upload (${slackError ?? 'no answer'}).`;
    return fullLogFallbackModal(taskName, lengthText, why, text);
  }
  who.log.info({ instanceId: ref.instanceId, taskInstId: ref.taskInstId }, 'full log posted');
  return fullLogPostedModal(taskName, lengthText);
}

/**
 * Undefined when the clicker may read the log: they triggered the run (the attempt's record says
 * so), or their EnOS user owns the flow (Get Flow as them). Otherwise the refusal.
 */
async function refusalOf(
  deps: ActionDeps,
  who: Clicker,
  link: Link,
  attemptId: string | undefined,
  flowId: number,
  flowName: string,
  instanceId: string,
): Promise<types.ModalView | undefined> {
  const record = attemptId ? await deps.audit.get(who.teamId, attemptId) : undefined;
  const caller = record?.instanceId === instanceId ? record.slackUserId : undefined;
  if (caller === who.slackUserId) return undefined;
  const owners = await deps.enos
    .getFlow(link, flowId)
    .then((flow) => flow.owners)
    .catch((error: unknown) => {
      // EnOS refusing Get Flow to the clicker: not an owner, as far as they are concerned.
      if (error instanceof EnosApiError) return undefined;
      throw error;
    });
  if (owners?.includes(link.userName)) return undefined;
  who.log.info({ instanceId }, 'full log refused: neither the caller nor an owner');
  const callerText = caller ? `${userMention(caller)}, who triggered this run, or ` : '';
  const ownersText = owners ? ` (${owners.map(code).join(', ') || 'none listed'})` : '';
  return fullLogNoticeModal(
    `:no_entry: Only ${callerText}an owner of flow ${flowLabel(flowId, flowName)}${ownersText} can read ` +
      `the full log of this run. Your EnOS user ${code(link.userName)} is neither.`,
  );
}

/** A file name part: letters, digits, `.`, `_` and `-` only, at most 80 characters. */
function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'task';
}

import type { NotTriggeredReason, RecoveryNoticeSubject } from '../../core/ports';
import { RUN_ACTION, RUN_ACTIONS_BLOCK } from '../ids';
import { userMention } from './mrkdwn';
import { type SlackMessage, textMessage } from './slack-message';
import { flowLabel } from './trigger-messages';

/**
 * What recovery tells a caller after the app was down: nothing was triggered (with a button to do
 * it now), or EnOS is being asked whether a run started. The buttons carry only the audit record
 * ID: Run again's listener acts as whoever clicks, through every check.
 */
export function notTriggeredMessage(
  reason: NotTriggeredReason,
  subject: RecoveryNoticeSubject,
): SlackMessage {
  const flow = flowLabel(subject.flowId, subject.flowName);
  const text =
    reason.kind === 'expired'
      ? `:x: ${userMention(subject.slackUserId)} Your trigger of flow ${flow} was *not* triggered: flow-trigger was ` +
        `down for ${minutes(reason.ageMs)} after you asked, too long to run it without asking you again. ` +
        'Run it now if it is still wanted.'
      : `:x: ${userMention(subject.slackUserId)} Flow ${flow} was *not* triggered: flow-trigger stopped while asking ` +
        'EnOS, and EnOS lists no run for this request. Run it again if it is still wanted.';
  return textMessage(text, {
    type: 'actions',
    block_id: RUN_ACTIONS_BLOCK,
    elements: [
      {
        type: 'button',
        action_id: reason.kind === 'expired' ? RUN_ACTION.runNow : RUN_ACTION.again,
        text: { type: 'plain_text', text: reason.kind === 'expired' ? 'Run it now' : 'Run again' },
        value: subject.attemptId,
      },
    ],
  });
}

/** Recovery could not reach EnOS to learn whether a sent trigger started a run: said once. */
export function checkingMessage(subject: RecoveryNoticeSubject): SlackMessage {
  return textMessage(
    `:hourglass: flow-trigger restarted while triggering flow ${flowLabel(subject.flowId, subject.flowName)} and ` +
      'cannot reach EnOS yet to see whether the run started. It keeps checking and will post the instance ID, ' +
      'or say that nothing was triggered, here. It will not trigger it again by itself.',
  );
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return m === 1 ? 'about a minute' : `about ${m} minutes`;
}

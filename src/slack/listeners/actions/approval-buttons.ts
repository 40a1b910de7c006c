import type { ApprovalAction } from '../../../core/approval-decide';
import { decideApproval } from '../../../core/approval-decide';
import type { ActionDeps } from '../../app-deps';
import { type ApprovalClick, decideFromSlack } from '../../approval-decisions';
import { slackErrorCode } from '../../slack-reporter';
import {
  approvalMissingMessage,
  approvalNotRecordedMessage,
  approvalPrivateMessage,
  rejectFormFailedMessage,
  rejectReasonModal,
} from '../../ui/approval-messages';
import type { RunButtonArgs } from './read-run-button';

/** The click on an approval button, ready for decideFromSlack. */
function clickOf(deps: ActionDeps, args: RunButtonArgs, action: ApprovalAction): ApprovalClick {
  const { body, respond } = args;
  const userId = body.user.id;
  const teamId = body.team?.id ?? body.user.team_id;
  const requestId = args.action.value ?? '';
  const log = deps.logger.child({
    team: body.team?.id ?? body.user.team_id,
    user: userId,
    listener: 'approval',
    requestId,
  });
  return {
    requestId,
    userId,
    ...(teamId ? { teamId } : {}),
    action,
    log,
    async tell(message) {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      } catch (error) {
        log.error({ err: error, text: message.text }, 'could not answer the approval button’s clicker');
      }
    },
  };
}

/**
 * Approve and Withdraw: acknowledged at once, then decided atomically on the stored request (a
 * double click, or a click delivered twice, meets the decision already made and counts once).
 * Approvers need no link: they decide, they do not trigger.
 */
export function approvalButton(deps: ActionDeps, kind: 'approve' | 'withdraw') {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = clickOf(deps, args, { kind });
    await deps.inFlight.run(() => decideFromSlack(deps, click));
  };
}

/**
 * Reject opens a small modal asking for the reason (the trigger_id lives 3 s), but only for someone
 * who may reject: anyone else is told at once why not, as Approve would tell them. The decision is
 * made when the modal is submitted (submit-reject-reason.ts).
 */
export function rejectButton(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = clickOf(deps, args, { kind: 'reject', reason: '' });
    await deps.inFlight.run(async () => {
      let request: Awaited<ReturnType<NonNullable<ActionDeps['approvals']>['get']>>;
      try {
        request = click.requestId === '' ? undefined : await deps.approvals?.get(click.requestId);
      } catch (error) {
        click.log.error({ err: error }, 'could not read an approval request');
        await click.tell(approvalNotRecordedMessage());
        return;
      }
      if (!request || (click.teamId !== undefined && request.teamId !== click.teamId)) {
        await click.tell(approvalMissingMessage());
        return;
      }
      // What a Reject would do now, without writing it: a refusal is told before any modal opens.
      const preview = decideApproval(request, click.userId, click.action, deps.clock());
      const refusal = approvalPrivateMessage(request, preview.effect);
      if (refusal) {
        await click.tell(refusal);
        return;
      }
      try {
        await args.client.views.open({ trigger_id: args.body.trigger_id, view: rejectReasonModal(request) });
      } catch (error) {
        click.log.warn({ err: error, error: slackErrorCode(error) }, 'could not open the Reject modal');
        await click.tell(rejectFormFailedMessage());
      }
    });
  };
}

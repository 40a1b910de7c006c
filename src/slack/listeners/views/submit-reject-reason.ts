import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ViewDeps } from '../../app-deps';
import { decideFromSlack } from '../../approval-decisions';
import { APPROVAL_REASON_ACTION, APPROVAL_REASON_BLOCK } from '../../ids';
import { retryRateLimited } from '../../retry-rate-limited';
import { MAX_REASON_LENGTH } from '../../ui/approval-messages';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The Reject modal's submission: the modal closes at once, then the Reject is decided atomically
 * with its reason (untrusted text: kept as typed in the store and the audit record, shown inert).
 * The rejecter is answered privately by a DM from the app when nothing changed (a view
 * submission has no response_url).
 */
export function submitRejectReason(deps: ViewDeps) {
  return async (args: SubmitArgs): Promise<void> => {
    await args.ack();
    const { body, view } = args;
    const userId = body.user.id;
    const requestId = view.private_metadata;
    const raw = view.state.values[APPROVAL_REASON_BLOCK]?.[APPROVAL_REASON_ACTION]?.value ?? '';
    const reason = raw.trim().slice(0, MAX_REASON_LENGTH);
    const log = deps.logger.child({
      team: body.team?.id,
      user: userId,
      listener: 'approval-reject',
      requestId,
    });
    await deps.inFlight.run(() =>
      decideFromSlack(deps, {
        requestId,
        userId,
        ...(body.team?.id ? { teamId: body.team.id } : {}),
        action: { kind: 'reject', reason },
        log,
        async tell(message) {
          try {
            await retryRateLimited(() =>
              deps.slackClient.chat.postMessage({ channel: userId, ...message, unfurl_links: false }),
            );
          } catch (error) {
            log.error({ err: error, text: message.text }, 'could not answer the rejecter');
          }
        },
      }),
    );
  };
}

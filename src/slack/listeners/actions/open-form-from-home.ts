import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionDeps } from '../../app-deps';
import { openTriggerModal } from '../views/open-trigger-modal';

type HomeButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** The Home tab's "Trigger a flow": the same form as `/flow-trigger` with no text. */
export function openFormFromHome(deps: ActionDeps) {
  return async ({ ack, body, client }: HomeButtonArgs): Promise<void> => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const slackUserId = body.user.id;
    const log = deps.logger.child({ team: teamId, user: slackUserId, listener: 'home-trigger' });
    // The Home tab is no conversation: "Post in" is left for the user to choose.
    await deps.inFlight.run(() =>
      openTriggerModal(deps, { client, triggerId: body.trigger_id, teamId, slackUserId, log }),
    );
  };
}

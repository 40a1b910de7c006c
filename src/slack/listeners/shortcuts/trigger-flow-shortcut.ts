import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { ShortcutDeps } from '../../app-deps';
import { openTriggerModal } from '../views/open-trigger-modal';

type ShortcutArgs = SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs;

/** The global shortcut "Trigger a flow": the same form as `/flow-trigger` with no text. */
export function triggerFlowShortcut(deps: ShortcutDeps) {
  return async ({ ack, shortcut, client }: ShortcutArgs): Promise<void> => {
    await ack();
    const teamId = shortcut.team?.id ?? '';
    const slackUserId = shortcut.user.id;
    const log = deps.logger.child({ team: teamId, user: slackUserId, listener: 'trigger-shortcut' });
    // A global shortcut has no conversation: "Post in" defaults to Slack's current one.
    await deps.inFlight.run(() =>
      openTriggerModal(deps, { client, triggerId: shortcut.trigger_id, teamId, slackUserId, log }),
    );
  };
}

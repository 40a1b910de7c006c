import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, types } from '@slack/bolt';
import type { ActionDeps } from '../../app-deps';
import { TRIGGER_MODAL_RESULT_CALLBACK } from '../../ids';
import { decodeFormSnapshot } from '../../ui/form-snapshot';
import { context, textMessage } from '../../ui/slack-message';
import { noticeMessage } from '../../ui/trigger-messages';
import { triggerModal } from '../../ui/trigger-modal';
import { noticeModal } from '../../ui/trigger-modal-notices';
import { updateTriggerModal } from '../views/update-trigger-modal';
import { chooseFlow } from './refresh-trigger-modal';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * **Back**, under a preview or a backfill's preview shown in place of the form: the form again,
 * with what the user had entered (the view's metadata, form-snapshot.ts). The chosen flow is read
 * again (Get Flow, as the caller), so its fields and early warnings are as they are now; a
 * parameter the user changed goes back into its field only if the flow's value is still the one the
 * field was built from.
 */
export function backToForm(deps: ActionDeps) {
  return async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== TRIGGER_MODAL_RESULT_CALLBACK) return;
    const teamId = body.team?.id ?? view.team_id;
    const slackUserId = body.user.id;
    const log = deps.logger.child({ team: teamId, user: slackUserId, view: view.id, listener: 'form-back' });
    const snapshot = decodeFormSnapshot(view.private_metadata);
    if (!snapshot) {
      log.warn({ metadata: view.private_metadata.slice(0, 200) }, 'Back on a view with unreadable metadata');
      // Not a silent click: the form cannot be rebuilt from this view, so say how to start over.
      await deps.inFlight.run(async () => {
        await updateTriggerModal(
          client,
          { viewId: view.id, hash: view.hash },
          noticeModal(
            textMessage(
              ':warning: This form can no longer be restored. Close it and run `/flow-trigger` again to start a new one.',
            ),
          ),
          log,
        );
      });
      return;
    }
    await deps.inFlight.run(async () => {
      try {
        const target = { viewId: view.id, hash: view.hash };
        const identity = await deps.links.get(teamId, slackUserId);
        if (!identity) {
          const notice = noticeMessage(
            { kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink },
            {},
          );
          await updateTriggerModal(client, target, noticeModal(notice), log);
          return;
        }
        const flow = snapshot.flow
          ? await chooseFlow(deps, identity, snapshot.flow.id, snapshot.flow.label, {
              slackUserId,
              conversationId: snapshot.conversationId ?? snapshot.channelId,
            })
          : undefined;
        const form = triggerModal({
          channelId: snapshot.channelId,
          zone: snapshot.zone,
          now: deps.clock(),
          when: snapshot.when,
          mode: snapshot.mode,
          flow,
          restore: snapshot,
        });
        const lost: types.KnownBlock[] = snapshot.truncated
          ? [
              context(
                ':warning: The parameters you had typed were too long to keep while the preview was shown: ' +
                  'enter them again.',
              ),
            ]
          : [];
        await updateTriggerModal(client, target, { ...form, blocks: [...lost, ...form.blocks] }, log);
      } catch (error) {
        log.error({ err: error }, 'could not show the form again after Back');
      }
    });
  };
}

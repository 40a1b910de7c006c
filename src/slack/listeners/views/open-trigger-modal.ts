import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { FlowTriggerError } from '../../../core/errors';
import type { ViewDeps } from '../../app-deps';
import { slackErrorCode } from '../../slack-reporter';
import { inertMessage } from '../../ui/inert-text';
import { textMessage } from '../../ui/slack-message';
import { noticeMessage, unexpectedErrorMessage } from '../../ui/trigger-messages';
import { triggerModal } from '../../ui/trigger-modal';
import { loadingModal, noticeModal } from '../../ui/trigger-modal-notices';
import { updateTriggerModal } from './update-trigger-modal';

/** Where the form is opened from: a slash command (with its conversation) or a global shortcut. */
export interface OpenTriggerModalContext {
  client: WebClient;
  /** Valid for 3 s after the user's click, and once. */
  triggerId: string;
  teamId: string;
  slackUserId: string;
  /** The conversation the command was typed in; a global shortcut has none. */
  channelId?: string;
  log: Logger;
}

/**
 * Opens the trigger form: views.open first, with a loading view, since the trigger_id expires 3 s
 * after the click and nothing slow may come before it; then the caller's link and zone are read and
 * the form (or, for an unlinked caller, how to get linked) replaces it. Never throws.
 */
export async function openTriggerModal(deps: ViewDeps, ctx: OpenTriggerModalContext): Promise<void> {
  const { client, log } = ctx;
  let viewId: string | undefined;
  let hash: string | undefined;
  try {
    const opened = await client.views.open({ trigger_id: ctx.triggerId, view: loadingModal() });
    viewId = opened.view?.id;
    hash = opened.view?.hash;
  } catch (error) {
    // expired_trigger_id: a redelivered request, whose first delivery opened the modal already (the
    // trigger_id is single-use), or a request that reached us too late.
    const code = slackErrorCode(error);
    if (code === 'expired_trigger_id')
      log.info({ error: code }, 'trigger_id already used or expired: no form opened');
    else log.error({ err: error }, 'could not open the trigger form');
    return;
  }
  if (!viewId) {
    log.error('views.open answered without a view id: the form cannot be filled');
    return;
  }
  await updateTriggerModal(client, { viewId, hash }, await firstView(deps, ctx), log);
}

async function firstView(deps: ViewDeps, ctx: OpenTriggerModalContext): Promise<types.ModalView> {
  try {
    const link = await deps.links.get(ctx.teamId, ctx.slackUserId);
    if (!link) {
      return noticeModal(
        noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {}),
      );
    }
    const zone = await deps.zoneOf(ctx.teamId, ctx.slackUserId);
    return triggerModal({ channelId: ctx.channelId, zone, now: deps.clock(), when: 'now' });
  } catch (error) {
    const ref = deps.newId();
    ctx.log.error({ err: error, ref }, 'could not prepare the trigger form');
    return noticeModal(
      error instanceof FlowTriggerError
        ? textMessage(`:x: ${inertMessage(error.userMessage)}`)
        : unexpectedErrorMessage(ref),
    );
  }
}

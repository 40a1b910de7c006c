import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { FlowTriggerError } from '../../../core/errors';
import type { AuditRecord } from '../../../core/ports';
import { checkCallerLink } from '../../admit-trigger';
import type { ActionDeps } from '../../app-deps';
import { inertMessage } from '../../ui/inert-text';
import type { SlackMessage } from '../../ui/slack-message';
import { textMessage } from '../../ui/slack-message';
import { noticeMessage, unexpectedErrorMessage } from '../../ui/trigger-messages';

/** The arguments of a run button's listener. */
export type RunButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Who clicked which run's button, and how to answer them privately. */
export interface RunButtonClick {
  teamId: string;
  /** The clicker: every check is made for them, never for whoever triggered the run. */
  slackUserId: string;
  /** The conversation the button is in. */
  channelId?: string;
  teamDomain?: string;
  /** The button's value: the audit record ID of the trigger attempt. */
  attemptId: string;
  log: Logger;
  /** Tells the clicker privately (the message's response_url); never throws. */
  tell(message: SlackMessage): Promise<void>;
}

/** The click, read from the payload. */
export function readRunButton(deps: ActionDeps, args: RunButtonArgs, listener: string): RunButtonClick {
  const { body, action, respond } = args;
  const teamId = body.team?.id ?? body.user.team_id ?? '';
  const slackUserId = body.user.id;
  const log = deps.logger.child({ team: teamId, user: slackUserId, listener, attemptId: action.value });
  return {
    teamId,
    slackUserId,
    channelId: body.channel?.id ?? body.container?.channel_id,
    teamDomain: body.team?.domain,
    attemptId: action.value ?? '',
    log,
    async tell(message) {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      } catch (error) {
        log.error({ err: error, text: message.text }, 'could not answer the button’s clicker');
      }
    },
  };
}

/** The trigger attempt behind a button, or what to tell the clicker when it is gone. */
export async function runRecordOf(deps: ActionDeps, click: RunButtonClick): Promise<AuditRecord | undefined> {
  const record = click.attemptId === '' ? undefined : await deps.audit.get(click.teamId, click.attemptId);
  if (!record) {
    await click.tell(
      textMessage(
        ':grey_question: I no longer have a record of this trigger, so I cannot act on it. ' +
          '`/flow-trigger history` lists the recent ones.',
      ),
    );
  }
  return record;
}

/** Says what went wrong: a coded error's own words, else a reference to the log. */
export async function tellFailure(deps: ActionDeps, click: RunButtonClick, error: unknown, what: string) {
  const ref = deps.newId();
  click.log.error({ err: error, ref }, `${what} failed`);
  await click.tell(
    error instanceof FlowTriggerError
      ? textMessage(`:x: ${inertMessage(error.userMessage)}`)
      : unexpectedErrorMessage(ref),
  );
}

/**
 * Whether the clicker of a button that triggers (Run again, Run it now, a preview's Trigger) is
 * linked. When not (or when the store cannot say), the click is acked and the clicker told
 * privately, before anything is recorded or queued.
 */
export async function clickerIsLinked(
  deps: ActionDeps,
  args: RunButtonArgs,
  click: RunButtonClick,
): Promise<boolean> {
  const admission = await checkCallerLink(deps, {
    teamId: click.teamId,
    slackUserId: click.slackUserId,
    log: click.log,
  });
  if (admission.kind === 'linked') return true;
  await args.ack();
  const notice =
    admission.kind === 'not-linked'
      ? noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {})
      : noticeMessage({ kind: 'store-failed', error: admission.error }, {});
  await deps.inFlight.run(() => click.tell(notice));
  return false;
}

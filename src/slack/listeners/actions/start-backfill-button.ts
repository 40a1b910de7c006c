import type { StoredBackfillPlan } from '../../../core/stored-backfill-plan';
import type { ActionDeps } from '../../app-deps';
import { askBackfillApproval } from '../../ask-backfill-approval';
import { checkBackfillStart, startBackfill } from '../../start-backfill';
import { userMention } from '../../ui/mrkdwn';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { type RunButtonArgs, readRunButton, tellFailure } from './read-run-button';

/**
 * A backfill preview's **Start backfill (N runs)**, from the ephemeral preview or from the form's
 * modal: the plan is read from the store by the button's id (never from the payload), only its
 * previewer may start it, every check is made again, and the conversation is the one stored with
 * the plan (a view's click has none). The clicker is told privately: through the message's
 * response_url, else as an ephemeral message in the plan's conversation, else a DM. Where a policy
 * rule requires approval, the click (then reading "Ask for approval") posts one request for the
 * whole range instead, and nothing runs before it is approved.
 */
export function startBackfillButton(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = readRunButton(deps, args, 'backfill-start');
    const planId = click.attemptId;
    await deps.inFlight.run(async () => {
      let plan: StoredBackfillPlan | undefined;
      try {
        plan = planId === '' ? undefined : await deps.backfillPlans.get(click.teamId, planId);
      } catch (error) {
        await tellFailure(deps, click, error, 'start a backfill');
        return;
      }
      const tell = (message: SlackMessage) =>
        tellClicker(deps, args, click.slackUserId, plan?.channelId, message);
      if (!plan) {
        await tell(
          textMessage(
            ':hourglass: This preview has expired (its Start button works for 15 minutes), so nothing was started. ' +
              'Run `/flow-trigger backfill …` again to see the runs as they stand now.',
          ),
        );
        return;
      }
      if (plan.slackUserId !== click.slackUserId) {
        await tell(
          textMessage(
            `:lock: This is ${userMention(plan.slackUserId)}’s backfill preview: only they can start it, so nothing ` +
              'was started. To run the same backfill as yourself, run `/flow-trigger backfill …` with it.',
          ),
        );
        return;
      }
      try {
        const checked = await checkBackfillStart(deps, plan, click.slackUserId);
        if (!checked.ok) {
          await tell(checked.message);
          return;
        }
        const requester = {
          slackUserId: click.slackUserId,
          ...(click.teamDomain ? { teamDomain: click.teamDomain } : {}),
        };
        await tell(
          checked.approval
            ? await askBackfillApproval(deps, plan, checked.flow, checked.approval, requester)
            : await startBackfill(deps, plan, checked.flow, requester),
        );
      } catch (error) {
        await tellFailure(deps, click, error, 'start a backfill');
      }
    });
  };
}

async function tellClicker(
  deps: ActionDeps,
  args: RunButtonArgs,
  slackUserId: string,
  channelId: string | undefined,
  message: SlackMessage,
): Promise<void> {
  if (args.body.response_url) {
    try {
      await args.respond({ response_type: 'ephemeral', replace_original: false, ...message });
      return;
    } catch {
      // The ephemeral, else a DM, below.
    }
  }
  if (channelId) {
    try {
      await deps.slackClient.chat.postEphemeral({ channel: channelId, user: slackUserId, ...message });
      return;
    } catch {
      // A DM below.
    }
  }
  try {
    await deps.slackClient.chat.postMessage({ channel: slackUserId, ...message, unfurl_links: false });
  } catch (error) {
    deps.logger.error({ err: error, text: message.text }, 'could not answer a backfill Start click');
  }
}

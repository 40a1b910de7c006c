import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { linkSelf } from '../../../core/link-self';
import type { CommandDeps } from '../../app-deps';
import { linkSelfMessage } from '../../ui/link-self-message';
import type { SlackMessage } from '../../ui/slack-message';
import { textMessage } from '../../ui/slack-message';

/**
 * `/flow-trigger link me`: the caller's Slack email (`users.info`, which shows it only with the
 * `users:read.email` scope) looked up in the EnOS organization's user list. Answered privately.
 */
export async function answerLinkSelf(
  deps: CommandDeps,
  who: { teamId: string; slackUserId: string; client: WebClient; log: Logger },
): Promise<SlackMessage> {
  let email: string | undefined;
  if (deps.selfLink) {
    try {
      const res = await who.client.users.info({ user: who.slackUserId });
      email = res.user?.profile?.email ?? undefined;
    } catch (error) {
      who.log.warn({ err: error }, 'users.info failed for a self-link');
      return textMessage(
        ':x: I could not read your Slack profile to find your email, so nothing was linked. Try again in a minute.',
      );
    }
  }
  const result = await linkSelf(
    {
      links: deps.links,
      enos: deps.enos,
      clock: deps.clock,
      enabled: deps.selfLink,
      orgId: deps.defaultOrgId,
    },
    { teamId: who.teamId, slackUserId: who.slackUserId, email },
  );
  // The email is personal data: logged as an outcome only.
  who.log.info(
    { outcome: result.kind, ...(result.kind === 'linked' ? { enosUserId: result.link.userId } : {}) },
    'self-link',
  );
  return linkSelfMessage(result, deps.admins);
}

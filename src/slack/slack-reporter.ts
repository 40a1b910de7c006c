import type { RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { TriggerReporter } from '../core/ports';
import { retryRateLimited } from './retry-rate-limited';
import { approvalRequestMessage } from './ui/approval-messages';
import { checkingMessage, notTriggeredMessage } from './ui/recovery-messages';
import type { SlackMessage } from './ui/slack-message';
import {
  announcementMessage,
  noticeMessage,
  privateFallbackMessage,
  resultMessage,
} from './ui/trigger-messages';

/** Web API errors that mean "the bot cannot post here", as opposed to "Slack is unreachable". */
const CANNOT_POST_HERE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'cannot_reply_to_message',
]);

/** The `error` of a Web API platform error (`{ok: false, error}`), if that is what this is. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export interface ReporterContext {
  client: WebClient;
  /** Where the request came from, or the conversation picked in the form. */
  channelId: string;
  slackUserId: string;
  teamDomain?: string;
  /** Bolt's `respond` (the request's response_url), when the request has one. */
  respond?: (message: RespondArguments) => Promise<unknown>;
  logger: Logger;
}

/**
 * The Slack side of one trigger request: the parent message in the channel and its thread, or,
 * where the bot cannot post, the same information privately to the caller (through the
 * response_url, else a DM from the app).
 */
export function createSlackReporter(ctx: ReporterContext): TriggerReporter {
  const { client, logger } = ctx;

  const ephemeral = async (message: SlackMessage): Promise<void> => {
    if (ctx.respond) {
      await ctx.respond({ response_type: 'ephemeral', replace_original: false, ...message });
      return;
    }
    try {
      await retryRateLimited(() =>
        client.chat.postEphemeral({ channel: ctx.channelId, user: ctx.slackUserId, ...message }),
      );
    } catch (error) {
      // Ephemeral messages need the bot in the conversation too: fall back to a DM from the app.
      logger.info({ err: error, channel: ctx.channelId }, 'ephemeral message failed; sending a DM instead');
      await retryRateLimited(() =>
        client.chat.postMessage({ channel: ctx.slackUserId, ...message, unfurl_links: false }),
      );
    }
  };

  /** Tells the caller privately, trying every way before giving up; a failure is logged, not thrown. */
  const tellPrivately = async (message: SlackMessage): Promise<boolean> => {
    try {
      await ephemeral(message);
      return true;
    } catch (error) {
      logger.error(
        { err: error, user: ctx.slackUserId, text: message.text },
        'could not reach the caller in Slack',
      );
      return false;
    }
  };

  /**
   * Recovery's messages: in the thread when there is one, else a DM from the app (a response_url
   * may have expired by the time recovery runs). A failure is logged, not thrown.
   */
  const inThreadOrDm = async (threadTs: string | undefined, channelId: string, message: SlackMessage) => {
    if (threadTs) {
      try {
        await retryRateLimited(() =>
          client.chat.postMessage({
            channel: channelId,
            thread_ts: threadTs,
            ...message,
            unfurl_links: false,
          }),
        );
        return;
      } catch (error) {
        logger.warn({ err: error, channel: channelId }, 'could not post in the thread; sending a DM instead');
      }
    }
    try {
      await retryRateLimited(() =>
        client.chat.postMessage({ channel: ctx.slackUserId, ...message, unfurl_links: false }),
      );
    } catch (error) {
      logger.error(
        { err: error, user: ctx.slackUserId, text: message.text },
        'could not reach the caller in Slack',
      );
    }
  };

  return {
    async notTriggered(thread, reason, subject) {
      await inThreadOrDm(
        thread?.threadTs,
        thread?.channelId ?? ctx.channelId,
        notTriggeredMessage(reason, subject),
      );
    },

    async checking(thread, subject) {
      await inThreadOrDm(thread.threadTs, thread.channelId, checkingMessage(subject));
    },

    async notify(notice) {
      await tellPrivately(noticeMessage(notice, { teamDomain: ctx.teamDomain }));
    },

    async announce(announcement) {
      try {
        const res = await retryRateLimited(() =>
          client.chat.postMessage({
            channel: ctx.channelId,
            ...announcementMessage(announcement),
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        return { channelId: res.channel ?? ctx.channelId, threadTs: res.ts, private: false };
      } catch (error) {
        const code = slackErrorCode(error);
        if (!code || !CANNOT_POST_HERE.has(code)) throw error;
        logger.info(
          { channel: ctx.channelId, error: code },
          'cannot post in the channel; answering privately',
        );
      }
      const intro = privateFallbackMessage(announcement);
      if (ctx.respond) {
        await ctx.respond({ response_type: 'ephemeral', replace_original: false, ...intro });
        return { channelId: ctx.channelId, private: true };
      }
      // No response_url (a form submission): a DM from the app, where the thread can live.
      const res = await retryRateLimited(() =>
        client.chat.postMessage({ channel: ctx.slackUserId, ...intro, unfurl_links: false }),
      );
      return { channelId: res.channel ?? ctx.slackUserId, threadTs: res.ts, private: true };
    },

    async reply(thread, result, announcement) {
      const message = resultMessage(result, announcement);
      if (thread.threadTs) {
        try {
          const res = await retryRateLimited(() =>
            client.chat.postMessage({
              channel: thread.channelId,
              thread_ts: thread.threadTs,
              ...message,
              unfurl_links: false,
            }),
          );
          // The run watcher edits this reply as the run goes on.
          return res.ts ? { channelId: res.channel ?? thread.channelId, ts: res.ts } : undefined;
        } catch (error) {
          // The outcome must reach the caller even if the thread cannot: the run may have started.
          logger.error(
            { err: error, attemptId: announcement.attemptId, result: result.kind },
            'could not reply in the thread; telling the caller privately',
          );
        }
      }
      const delivered = await tellPrivately(message);
      if (!delivered) {
        logger.error(
          {
            attemptId: announcement.attemptId,
            result: result.kind,
            instanceId: result.kind === 'triggered' ? result.instanceId : undefined,
          },
          'the outcome of a trigger reached nobody in Slack; it is in the audit record',
        );
      }
      // An ephemeral message cannot be edited by the bot: the watcher then only notifies at the end.
      return undefined;
    },

    async requestApproval(request) {
      // In the conversation only: a private request would reach no approver.
      try {
        const res = await retryRateLimited(() =>
          client.chat.postMessage({
            channel: request.channelId,
            ...approvalRequestMessage(request),
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        if (!res.ts) throw new Error('chat.postMessage answered without a ts');
        return { channelId: res.channel ?? request.channelId, ts: res.ts };
      } catch (error) {
        const code = slackErrorCode(error);
        if (!code || !CANNOT_POST_HERE.has(code)) throw error;
        logger.info({ channel: request.channelId, error: code }, 'cannot post an approval request here');
        return undefined;
      }
    },
  };
}

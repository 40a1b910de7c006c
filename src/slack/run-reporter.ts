import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { RunReporter } from '../core/poll-watch';
import { retryRateLimited } from './retry-rate-limited';
import { slackErrorCode } from './slack-reporter';
import { runFinishedMessage, runStatusMessage } from './ui/run-status-message';

/**
 * The Slack side of a run watch: edits the thread reply (chat.update) as the run moves on, and
 * posts one new thread message at the end, which mentions the caller so that Slack notifies them.
 * Never throws: a message that cannot be edited (deleted, bot removed from the channel) must not
 * stop the watch, and the end is still announced where possible.
 */
export function createRunReporter(client: WebClient, logger: Logger): RunReporter {
  return {
    async update(watch, view) {
      if (!watch.reply) return;
      const { channelId, ts } = watch.reply;
      try {
        await retryRateLimited(() =>
          client.chat.update({ channel: channelId, ts, ...runStatusMessage(view, watch.attemptId) }),
        );
      } catch (error) {
        logger.warn(
          { err: error, error: slackErrorCode(error), instanceId: watch.instanceId, channel: channelId, ts },
          'could not update the run’s thread reply',
        );
      }
    },

    async post(watch, view) {
      const message = { ...runStatusMessage(view, watch.attemptId), unfurl_links: false };
      const channel = watch.threadTs ? watch.channelId : watch.slackUserId;
      try {
        const res = await retryRateLimited(() =>
          client.chat.postMessage({
            channel,
            ...(watch.threadTs ? { thread_ts: watch.threadTs } : {}),
            ...message,
          }),
        );
        return res.ts ? { channelId: res.channel ?? channel, ts: res.ts } : undefined;
      } catch (error) {
        logger.error(
          { err: error, error: slackErrorCode(error), instanceId: watch.instanceId, channel },
          'could not post the run’s reply; the end of the run is still announced',
        );
        return undefined;
      }
    },

    async notify(watch, view) {
      const message = {
        ...runFinishedMessage(view, watch.slackUserId, watch.attemptId),
        unfurl_links: false,
      };
      if (watch.threadTs) {
        try {
          await retryRateLimited(() =>
            client.chat.postMessage({ channel: watch.channelId, thread_ts: watch.threadTs, ...message }),
          );
          return;
        } catch (error) {
          logger.warn(
            { err: error, error: slackErrorCode(error), instanceId: watch.instanceId },
            'could not post the end of the run in its thread; sending it to the caller directly',
          );
        }
      }
      // No thread (the result was ephemeral) or it is gone: a DM from the app still notifies.
      try {
        await retryRateLimited(() => client.chat.postMessage({ channel: watch.slackUserId, ...message }));
      } catch (error) {
        logger.error(
          { err: error, instanceId: watch.instanceId, user: watch.slackUserId, text: message.text },
          'the end of a watched run reached nobody in Slack',
        );
      }
    },
  };
}

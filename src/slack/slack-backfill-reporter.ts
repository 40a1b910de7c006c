import type { Logger } from 'pino';
import type { BackfillReporter } from '../backfill/backfill-reporter';
import type { BackfillRecord } from '../core/backfill';
import type { ListenerDeps } from './app-deps';
import { retryRateLimited } from './retry-rate-limited';
import { slackErrorCode } from './slack-reporter';
import {
  backfillEndMessage,
  backfillParentMessage,
  backfillProgressReply,
  backfillStoppedMessage,
} from './ui/backfill-thread-messages';
import type { SlackMessage } from './ui/slack-message';
import { textMessage } from './ui/slack-message';

/**
 * A backfill's thread in Slack: the parent message in the plan's conversation, the one progress
 * reply (edited as runs go), the notes and the end in the thread, a refused control told to its
 * clicker privately.
 */
export function createSlackBackfillReporter(
  deps: Pick<ListenerDeps, 'slackClient'>,
  logger: Logger,
): BackfillReporter {
  async function postInThread(record: BackfillRecord, message: SlackMessage): Promise<void> {
    try {
      await retryRateLimited(() =>
        deps.slackClient.chat.postMessage({
          channel: record.channelId,
          ...(record.threadTs ? { thread_ts: record.threadTs } : {}),
          ...message,
          unfurl_links: false,
        }),
      );
    } catch (error) {
      logger.error(
        { err: error, error: slackErrorCode(error), backfillId: record.id, text: message.text },
        'could not post in the backfill’s thread',
      );
    }
  }

  return {
    async announce(plan, record) {
      const log = logger.child({ team: record.teamId, user: record.slackUserId, backfillId: record.id });
      let threadTs: string;
      try {
        const parent = await retryRateLimited(() =>
          deps.slackClient.chat.postMessage({
            channel: plan.channelId,
            ...backfillParentMessage(plan, record.slackUserId),
            unfurl_links: false,
          }),
        );
        if (!parent.ts) throw new Error('chat.postMessage answered without a ts');
        threadTs = parent.ts;
      } catch (error) {
        const code = slackErrorCode(error);
        log.warn(
          { err: error, error: code, channel: plan.channelId },
          'could not post a backfill’s parent message',
        );
        const cannot = code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived';
        return { ok: false, reason: cannot ? 'cannot-post' : 'failed' };
      }
      try {
        const reply = await retryRateLimited(() =>
          deps.slackClient.chat.postMessage({
            channel: plan.channelId,
            thread_ts: threadTs,
            ...backfillProgressReply({ ...record, threadTs }),
            unfurl_links: false,
          }),
        );
        if (reply.ts) {
          return {
            ok: true,
            threadTs,
            progress: { channelId: reply.channel ?? plan.channelId, ts: reply.ts },
          };
        }
      } catch (error) {
        // The runs still go; the end message still comes.
        log.warn({ err: error, error: slackErrorCode(error) }, 'could not post a backfill’s progress reply');
      }
      return { ok: true, threadTs };
    },

    async progress(record) {
      if (!record.progress) return;
      const { channelId, ts } = record.progress;
      try {
        await retryRateLimited(() =>
          deps.slackClient.chat.update({ channel: channelId, ts, ...backfillProgressReply(record) }),
        );
      } catch (error) {
        logger.warn(
          { err: error, error: slackErrorCode(error), backfillId: record.id },
          'could not update the backfill’s progress reply',
        );
      }
    },

    stopped: (record, businessDate, failure) =>
      postInThread(record, backfillStoppedMessage(record, businessDate, failure)),

    ended: (record) => postInThread(record, backfillEndMessage(record)),

    async refused(record, request, why) {
      try {
        await deps.slackClient.chat.postEphemeral({
          channel: record.channelId,
          user: request.slackUserId,
          ...(record.threadTs ? { thread_ts: record.threadTs } : {}),
          ...textMessage(`:information_source: ${why}`),
        });
      } catch (error) {
        logger.warn(
          { err: error, backfillId: record.id },
          'could not tell a control’s clicker it was refused',
        );
      }
    },
  };
}

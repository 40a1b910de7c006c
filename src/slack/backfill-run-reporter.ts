import type { Logger } from 'pino';
import {
  BACKFILL_RUN_RESULT_TTL_MS,
  type BackfillRunResult,
  backfillRunResultKey,
} from '../core/backfill-run-result';
import { EnosApiError } from '../core/errors';
import type { ClaimStore, TriggerReporter, TriggerResult } from '../core/ports';
import type { TriggerJob } from '../core/trigger-job';
import { inertMessage } from './ui/inert-text';
import { noticeMessage, refusalText } from './ui/trigger-messages';

/**
 * The trigger path's reporter for a backfill's run: it posts nothing (no parent message, no
 * reply, no mention per run: the backfill's progress reply shows the run). Its thread is the
 * backfill's. A run that ends without starting leaves its words for the backfill's engine
 * (backfill-run-result.ts); a triggered run is found by the engine in its audit record.
 */
export function createBackfillRunReporter(
  job: Pick<TriggerJob, 'id' | 'origin'>,
  claims: ClaimStore,
  logger: Logger,
): TriggerReporter {
  const save = async (result: BackfillRunResult) => {
    try {
      await claims.claim(backfillRunResultKey(job.id), JSON.stringify(result), BACKFILL_RUN_RESULT_TTL_MS);
    } catch (error) {
      // The engine then reads the audit record's words instead.
      logger.warn({ err: error, jobId: job.id }, 'could not record why a backfill run did not start');
    }
  };
  return {
    async notify(notice) {
      await save({ failure: noticeMessage(notice, {}).text ?? notice.kind });
    },
    async announce() {
      return {
        channelId: job.origin.channelId,
        ...(job.origin.backfill?.threadTs ? { threadTs: job.origin.backfill.threadTs } : {}),
        private: false,
      };
    },
    async reply(_thread, result) {
      if (result.kind !== 'triggered') await save(resultOf(result));
      return undefined;
    },
    async notTriggered(_thread, reason) {
      await save({
        failure:
          reason.kind === 'expired'
            ? ':hourglass: Not sent: the app was down too long before it could send it.'
            : ':grey_question: Its answer was lost, and EnOS lists no run for it: nothing was triggered.',
      });
    },
    async checking() {
      // The progress reply shows the run as running meanwhile.
    },
  };
}

function resultOf(result: Exclude<TriggerResult, { kind: 'triggered' }>): BackfillRunResult {
  const error = result.error;
  const enos =
    error instanceof EnosApiError ? { enosCode: error.enosCode, enosMessage: error.enosMessage } : {};
  if (result.kind === 'refused') return { failure: refusalText(result), ...enos };
  const words = inertMessage(result.error.userMessage);
  return {
    failure: result.kind === 'unknown' ? `:grey_question: ${words}` : `:x: ${words}`,
    ...enos,
  };
}

import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { retryRateLimited } from '../../retry-rate-limited';
import { slackErrorCode } from '../../slack-reporter';

/** Answers of views.update that mean "nothing to do", not a failure. */
const EXPECTED: Record<string, string> = {
  // The view changed since the payload this update was built from: a newer change's update wins.
  hash_conflict: 'the form changed meanwhile; the update for the newer change wins',
  // The user closed the modal before it was filled.
  not_found: 'the form was closed before it could be updated',
};

/**
 * Replaces the form with `view`. With `hash`, Slack refuses the update if the view changed since
 * (two quick changes of the form would otherwise overwrite each other out of order). Never throws:
 * there is nobody to tell but the log.
 */
export async function updateTriggerModal(
  client: WebClient,
  target: { viewId: string; hash?: string },
  view: types.ModalView,
  log: Logger,
): Promise<boolean> {
  try {
    await retryRateLimited(() =>
      client.views.update({ view_id: target.viewId, ...(target.hash ? { hash: target.hash } : {}), view }),
    );
    return true;
  } catch (error) {
    const code = slackErrorCode(error);
    const expected = code === undefined ? undefined : EXPECTED[code];
    if (expected) log.info({ view: target.viewId, error: code }, expected);
    else log.error({ err: error, view: target.viewId }, 'could not update the trigger form');
    return false;
  }
}

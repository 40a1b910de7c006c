import type { BackfillRecord } from '../../core/backfill';
import { progressLine, tallyBackfill } from '../../core/backfill-progress';
import type { StoredBackfillPlan } from '../../core/stored-backfill-plan';
import { backfillControlBlocks } from './backfill-controls';
import { backfillProgressMessage } from './backfill-progress-message';
import { inertCode } from './inert-text';
import { messageUrl, userMention } from './mrkdwn';
import { fitList } from './slack-limits';
import { type SlackMessage, textMessage } from './slack-message';
import { flowLabel } from './trigger-messages';

/*
 * The messages of a backfill's thread (docs/product.md, "Backfill"): the parent, the one progress
 * reply kept current, a note when it stops at a failure, and the one end message that mentions
 * the caller. Every value from the user or EnOS is inert text.
 */

function rangeOf(dates: readonly string[]): string {
  const sorted = [...dates].sort();
  return sorted.length === 1
    ? inertCode(sorted[0]!)
    : `${inertCode(sorted[0]!)} … ${inertCode(sorted[sorted.length - 1]!)}`;
}

function parametersText(parameters: StoredBackfillPlan['parameters']): string {
  if (parameters.length === 0) return 'no parameters given (each run uses the flow’s own)';
  return `parameters ${fitList(
    parameters.map((p) => inertCode(`${p.key}=${p.value}`)),
    ', ',
    1500,
  )}`;
}

/** The parent message: who, which flow, which dates, how many runs, the parameters. */
export function backfillParentMessage(
  plan: Pick<StoredBackfillPlan, 'flowId' | 'flowName' | 'runs' | 'order' | 'onFailure' | 'parameters'>,
  startedBy: string,
): SlackMessage {
  const count = plan.runs.length;
  return textMessage(
    `:repeat: ${userMention(startedBy)} started a backfill of flow ${flowLabel(plan.flowId, plan.flowName)}: ` +
      `${count === 1 ? '1 run' : `${count} runs`} for business dates ${rangeOf(plan.runs.map((r) => r.businessDate))}, ` +
      `${plan.order === 'newest-first' ? 'newest' : 'oldest'} first, one at a time, ` +
      `${plan.onFailure === 'keep-going' ? 'going on after a failed run' : 'stopping at the first failed run'}; ` +
      `${parametersText(plan.parameters)}. Progress in this thread.`,
  );
}

/** The progress reply: the tally, one line per run, and the controls. */
export function backfillProgressReply(record: BackfillRecord): SlackMessage {
  const message = backfillProgressMessage({ flowId: record.flowId, flowName: record.flowName }, record.runs);
  const status =
    record.status === 'paused'
      ? ':double_vertical_bar: Paused.'
      : record.status === 'stopped'
        ? ':octagonal_sign: Stopped at a failed run.'
        : record.status === 'cancelled'
          ? ':no_entry_sign: Cancelled.'
          : record.status === 'finished'
            ? ':checkered_flag: Finished.'
            : undefined;
  const head = message.blocks[0];
  const blocks =
    status && head
      ? [
          head,
          { type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: status }] },
          ...message.blocks.slice(1),
        ]
      : message.blocks;
  return { text: message.text, blocks: [...blocks, ...backfillControlBlocks(record)] };
}

/**
 * Said in the thread when a failed run stops the backfill: an end (docs/product.md), so it mentions
 * the caller; Retry or Skip continues it.
 */
export function backfillStoppedMessage(
  record: BackfillRecord,
  businessDate: string,
  failure: string,
  /** How to go on from here: Slack's buttons by default; the console, which has none, says its own. */
  howToGoOn = 'Retry that date or skip it with the buttons of the progress reply',
): SlackMessage {
  const waiting = record.runs.filter((r) => r.state === 'pending').length;
  return textMessage(
    `:octagonal_sign: ${userMention(record.slackUserId)} the backfill of flow ${flowLabel(record.flowId, record.flowName)} ` +
      `stopped: the run for business date ${inertCode(businessDate)} failed (it stops at the first failed run). ` +
      `${failure} ${howToGoOn}; ` +
      `${waiting === 1 ? '1 other date waits' : `${waiting} other dates wait`}.`,
  );
}

/** The one end message: it mentions the caller, so that Slack notifies them. */
export function backfillEndMessage(record: BackfillRecord): SlackMessage {
  const tally = progressLine(tallyBackfill(record.runs));
  const how =
    record.status === 'cancelled'
      ? 'was cancelled'
      : tallyBackfill(record.runs).failed > 0
        ? 'finished, with failed runs'
        : 'finished';
  return textMessage(
    `:checkered_flag: ${userMention(record.slackUserId)} the backfill of flow ${flowLabel(record.flowId, record.flowName)} ${how}: ${tally}.`,
  );
}

/** Told privately to whoever clicked Start: where the backfill is. */
export function backfillStartedMessage(record: BackfillRecord, teamDomain: string | undefined): SlackMessage {
  const where = record.threadTs ? messageUrl(teamDomain, record.channelId, record.threadTs) : undefined;
  return textMessage(
    `:white_check_mark: Backfill started: ${record.runs.length === 1 ? '1 run' : `${record.runs.length} runs`} of flow ` +
      `${flowLabel(record.flowId, record.flowName)}, one at a time.` +
      (where ? ` Follow it in <${where}|its thread>.` : ''),
  );
}

/** Refused: the flow already has an active backfill. */
export function backfillBusyMessage(
  flowId: number,
  first: BackfillRecord | undefined,
  teamDomain: string | undefined,
): SlackMessage {
  const where =
    first?.threadTs !== undefined
      ? ` See <${messageUrl(teamDomain, first.channelId, first.threadTs)}|its thread>.`
      : '';
  return textMessage(
    `:no_entry: Not started: flow *${flowId}* already has a backfill in progress` +
      (first ? ` (started by ${userMention(first.slackUserId)})` : '') +
      `, and a flow has one backfill at a time. Wait for it to end, or cancel it.${where}`,
  );
}

/** Refused: the bot cannot post in the conversation the preview was asked in. */
export function backfillCannotPostMessage(): SlackMessage {
  return textMessage(
    ':no_entry: Not started: I cannot post in this conversation, and a backfill needs a thread for its progress. ' +
      'Invite me first (`/invite @flow-trigger`, or mention me and choose to invite), then run the backfill again.',
  );
}

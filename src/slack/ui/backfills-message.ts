import { stoppedRunIndex } from '../../core/apply-backfill-control';
import type { BackfillRecord } from '../../core/backfill';
import { progressLine, tallyBackfill } from '../../core/backfill-progress';
import { linkedOnlyMessage } from './linked-only-message';
import { code, messageUrl, userMention } from './mrkdwn';
import { SLACK_LIMITS, sectionsOf } from './slack-limits';
import { context, type SlackMessage, section, textMessage } from './slack-message';
import { flowLabel } from './trigger-messages';

/** Where an active backfill is, in a few words. */
export function backfillStatusBadge(record: Pick<BackfillRecord, 'status' | 'runs'>): string {
  switch (record.status) {
    case 'running':
      return ':arrow_forward: *Running*';
    case 'paused':
      return ':double_vertical_bar: *Paused*';
    case 'stopped': {
      const index = stoppedRunIndex(record);
      const date = index === undefined ? undefined : record.runs[index]?.businessDate;
      return date === undefined
        ? ':octagonal_sign: *Stopped*'
        : `:octagonal_sign: *Stopped* at ${code(date)}`;
    }
    case 'finished':
      return ':white_check_mark: *Finished*';
    case 'cancelled':
      return ':no_entry_sign: *Cancelled*';
  }
}

/** A link to the backfill's thread, built without an API call; none for a DM (only its members could open it). */
export function backfillThreadLink(
  record: Pick<BackfillRecord, 'channelId' | 'threadTs'>,
  teamDomain: string | undefined,
): string | undefined {
  if (!record.threadTs || record.channelId.startsWith('D')) return undefined;
  return `<${messageUrl(teamDomain, record.channelId, record.threadTs)}|thread>`;
}

/**
 * One backfill in a list (`backfills`, the Home tab): status, flow (and who started it, with
 * `who`), then the progress line and the thread.
 */
export function backfillLine(
  record: BackfillRecord,
  options: { who?: boolean; teamDomain?: string } = {},
): string {
  const who = options.who ? ` · started by ${userMention(record.slackUserId)}` : '';
  const thread = backfillThreadLink(record, options.teamDomain);
  return (
    `${backfillStatusBadge(record)} · backfill of flow ${flowLabel(record.flowId, record.flowName)}${who}\n` +
    `${progressLine(tallyBackfill(record.runs))}${thread === undefined ? '' : ` · ${thread}`}`
  );
}

/** `/flow-trigger backfills`: the team's active backfills, newest first, privately. */
export function backfillsMessage(
  records: readonly BackfillRecord[],
  options: { teamDomain?: string },
): SlackMessage {
  if (records.length === 0) {
    return textMessage(':calendar: No backfill is running in this workspace.');
  }
  const title = `:calendar: *${records.length === 1 ? '1 active backfill' : `${records.length} active backfills`}*, newest first`;
  return {
    text: title,
    blocks: [
      section(title),
      ...sectionsOf(
        records.map((record) => backfillLine(record, { who: true, teamDomain: options.teamDomain })),
        SLACK_LIMITS.messageBlocks - 2,
      ),
      context(
        'Progress as the backfill last recorded it. Its starter and the flow’s owners can pause, resume or cancel ' +
          'it with the buttons in its thread.',
      ),
    ],
  };
}

/** `backfills` asked by someone not linked to EnOS. */
export function backfillsNotLinkedMessage(admins: string[], selfLink: boolean): SlackMessage {
  return linkedOnlyMessage('Backfills are', admins, selfLink);
}

import type { AuditRecord } from '../../core/ports';
import { attemptLine } from './attempt-line';
import { linkedOnlyMessage } from './linked-only-message';
import { SLACK_LIMITS, sectionsOf } from './slack-limits';
import { context, type SlackMessage, section } from './slack-message';

/**
 * `/flow-trigger history [flowId]`: the caller's own last trigger attempts and those announced in
 * the conversation it is run in, newest first, privately.
 */
export function historyMessage(
  records: AuditRecord[],
  options: { flowId?: number; teamDomain?: string; limit: number },
): SlackMessage {
  const which = options.flowId === undefined ? '' : ` of flow *${options.flowId}*`;
  if (records.length === 0) {
    const text = `:scroll: No trigger attempts${which} by you or in this conversation are on record.`;
    return { text, blocks: [section(text)] };
  }
  const title = `:scroll: *The last ${records.length === 1 ? 'trigger attempt' : `${records.length} trigger attempts`}${which}*, newest first`;
  return {
    text: title,
    blocks: [
      section(title),
      ...sectionsOf(
        records.map((record) => attemptLine(record, { who: true, teamDomain: options.teamDomain })),
        SLACK_LIMITS.messageBlocks - 2,
      ),
      context(
        'Statuses are as the run watcher last recorded them; `/flow-trigger status <instanceId>` asks EnOS now.',
      ),
    ],
  };
}

/** `history` asked by someone not linked to EnOS: they see no one's attempts. */
export function historyNotLinkedMessage(admins: string[], selfLink: boolean): SlackMessage {
  return linkedOnlyMessage('History is', admins, selfLink);
}

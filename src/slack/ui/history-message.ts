import type { AuditRecord } from '../../core/ports';
import { attemptLine } from './attempt-line';
import { SLACK_LIMITS, sectionsOf } from './slack-limits';
import { context, type SlackMessage, section } from './slack-message';

/** `/flow-trigger history [flowId]`: the team's last trigger attempts, newest first, privately. */
export function historyMessage(
  records: AuditRecord[],
  options: { flowId?: number; teamDomain?: string; limit: number },
): SlackMessage {
  const which = options.flowId === undefined ? '' : ` of flow *${options.flowId}*`;
  if (records.length === 0) {
    const text = `:scroll: No trigger attempts${which} are on record yet.`;
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

import type { BackfillRecord } from './backfill';

/** Who clicks a control: their Slack user, and their EnOS link when they have one. */
export interface BackfillClicker {
  slackUserId: string;
  link?: { userName: string };
}

/**
 * Whether a clicker may control a backfill (docs/product.md, "Backfill"): whoever started it, or a
 * linked user whose EnOS username is one of the flow's owners as they were at the start. The
 * owners are the record's, not EnOS's now: a click must be answered without an EnOS call, and
 * the start's owners are those the starter's checks saw.
 */
export function mayControlBackfill(
  record: Pick<BackfillRecord, 'slackUserId' | 'owners'>,
  clicker: BackfillClicker,
): boolean {
  if (clicker.slackUserId === record.slackUserId) return true;
  return clicker.link !== undefined && record.owners.includes(clicker.link.userName);
}

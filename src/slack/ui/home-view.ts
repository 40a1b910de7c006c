import type { types } from '@slack/bolt';
import type { BackfillRecord } from '../../core/backfill';
import type { AuditRecord, Link } from '../../core/ports';
import type { RunView } from '../../core/run-view';
import { HOME_TRIGGER_ACTION } from '../ids';
import { attemptLine } from './attempt-line';
import { backfillLine } from './backfills-message';
import { code, userMention } from './mrkdwn';
import { instant } from './run-status-text';
import { fitBlocks, SLACK_LIMITS, sectionsOf } from './slack-limits';
import { context, section } from './slack-message';

/** One of the caller's recent triggers, with its live status when EnOS answered in time. */
export interface HomeEntry {
  record: AuditRecord;
  live?: RunView;
}

/** What the Home tab shows. */
export interface HomeViewInput {
  link?: Link;
  admins: string[];
  selfLink: boolean;
  entries: HomeEntry[];
  /** Epoch ms the statuses were read. */
  now: number;
  /** The caller's active backfills (started by them), newest first. */
  backfills?: BackfillRecord[];
}

/** Blocks the backfills may take, so that the last triggers always have room in the tab. */
const HOME_BACKFILL_BLOCKS = 10;

function linkText(input: HomeViewInput): string {
  const { link } = input;
  if (link) {
    return (
      `:link: You trigger flows as EnOS user ${code(link.userName)} ` +
      `(${code(link.userId)}, org ${code(link.orgId)}).`
    );
  }
  const admins =
    input.admins.length > 0
      ? `Ask an admin (${input.admins.map(userMention).join(', ')}) to link you.`
      : 'No flow-trigger admins are configured: ask whoever runs flow-trigger to set FLOW_TRIGGER_ADMINS.';
  const self = input.selfLink ? ' Or run `/flow-trigger link me` to link yourself by your Slack email.' : '';
  return `:link: You are not linked to an EnOS user yet, so you cannot trigger flows. ${admins}${self}`;
}

/**
 * The App Home tab: the caller's EnOS link, a button to the trigger form, the backfills they started
 * that are in progress (when any), and their last triggers with the status of each run as EnOS
 * reported it when the tab was opened.
 */
export function homeView(input: HomeViewInput): types.HomeView {
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'flow-trigger' } },
    section(linkText(input)),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: HOME_TRIGGER_ACTION,
          text: { type: 'plain_text', text: 'Trigger a flow' },
          style: 'primary',
        },
      ],
    },
    { type: 'divider' },
  ];
  const backfills = input.backfills ?? [];
  if (backfills.length > 0) {
    blocks.push(
      section('*Your backfills in progress*'),
      ...sectionsOf(
        backfills.map((record) => backfillLine(record)),
        HOME_BACKFILL_BLOCKS,
      ),
      { type: 'divider' },
    );
  }
  blocks.push(section('*Your last triggers*'));
  if (input.entries.length === 0) {
    blocks.push(context('You have not triggered a flow yet. `/flow-trigger help` shows how.'));
  } else {
    for (const entry of input.entries) blocks.push(section(attemptLine(entry.record, { live: entry.live })));
    blocks.push(context(`Statuses as of ${instant(input.now)}. Open the tab again to refresh them.`));
  }
  return { type: 'home', blocks: fitBlocks(blocks, SLACK_LIMITS.viewBlocks) };
}

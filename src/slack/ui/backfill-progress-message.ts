import { type BackfillRun, progressLine, tallyBackfill } from '../../core/backfill-progress';
import { inertCode } from './inert-text';
import { code } from './mrkdwn';
import { SLACK_LIMITS, sectionsOf } from './slack-limits';
import type { SlackMessage } from './slack-message';
import { flowLabel } from './trigger-messages';

// Blocks besides the run lines: the progress line (and room for the controls when they exist).
const RUN_LIST_BLOCKS = SLACK_LIMITS.messageBlocks - 5;

const STATE_WORDS: Record<BackfillRun['state'], string> = {
  pending: ':white_circle: waiting its turn',
  running: ':arrow_forward: running',
  done: ':white_check_mark: done',
  failed: ':x: failed',
  skipped: ':fast_forward: skipped',
  cancelled: ':no_entry_sign: cancelled',
};

/**
 * The one thread reply a backfill keeps current: `3/7 done · 1 running (2026-11-04) · 0 failed`,
 * then one line per run (business date, instance ID, status). Within Slack's limits however many
 * runs there are: lines that do not fit end in `… and N more`.
 */
export function backfillProgressMessage(
  flow: { flowId: number; flowName?: string },
  runs: readonly BackfillRun[],
): SlackMessage {
  const progress = progressLine(tallyBackfill(runs));
  const lines = runs.map((run) => {
    const instance = run.instanceId === undefined ? '' : ` · ${inertCode(run.instanceId)}`;
    const status = run.status === undefined ? '' : ` (${inertCode(run.status)})`;
    return `${code(run.businessDate)}${instance} · ${STATE_WORDS[run.state]}${status}`;
  });
  return {
    text: `Backfill of flow ${flow.flowId}: ${progress}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Backfill of flow ${flowLabel(flow.flowId, flow.flowName)}: ${progress}`,
        },
      },
      ...sectionsOf(lines, RUN_LIST_BLOCKS),
    ],
  };
}

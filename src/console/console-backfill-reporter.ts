import type { BackfillReporter } from '../backfill/backfill-reporter';
import type { BackfillRecord } from '../core/backfill';
import { progressLine, tallyBackfill } from '../core/backfill-progress';
import {
  backfillEndMessage,
  backfillParentMessage,
  backfillStoppedMessage,
} from '../slack/ui/backfill-thread-messages';
import { textMessage } from '../slack/ui/slack-message';
import type { ConsoleOutput, Tone } from './console-output';
import { CONSOLE_CHANNEL } from './console-reporters';
import { plainLinesOf } from './plain-lines-of';

/** How the backfill's progress line reads in colour. */
function toneOf(record: BackfillRecord): Tone {
  if (record.status === 'stopped' || record.status === 'cancelled') return 'bad';
  if (record.status === 'finished') return tallyBackfill(record.runs).failed > 0 ? 'bad' : 'ok';
  return 'info';
}

/** The run in progress, or the last one that ended: what the progress line names. */
function lastWord(record: BackfillRecord): string {
  const run =
    record.runs.find((r) => r.state === 'running') ??
    [...record.runs].reverse().find((r) => r.state !== 'pending');
  if (!run) return '';
  return ` · ${run.businessDate} ${run.state}${run.instanceId ? ` (instance ${run.instanceId})` : ''}`;
}

/**
 * The backfill engine's reporter for the terminal: Slack's parent and end messages as plain lines
 * (the same builders), and one progress line per backfill (the tally, and the run in progress),
 * rewritten in place in a terminal and printed as a new line each time it changes otherwise.
 */
export function createConsoleBackfillReporter(out: ConsoleOutput): BackfillReporter {
  const thread = (lines: string[]) => lines.map((l) => `  ↳ ${l}`);
  return {
    async announce(plan, record) {
      out.print(
        plainLinesOf(backfillParentMessage(plan, record.slackUserId)).map((l) =>
          l.replace(' Progress in this thread.', ''),
        ),
      );
      // A "reply" the engine edits: here, the progress line.
      return { ok: true, progress: { channelId: CONSOLE_CHANNEL, ts: record.id } };
    },
    async progress(record) {
      out.progress(
        `backfill:${record.id}`,
        `  ↳ Backfill of flow ${record.flowId}: ${progressLine(tallyBackfill(record.runs))}${lastWord(record)}`,
        toneOf(record),
      );
    },
    async stopped(record, businessDate, failure) {
      out.print(
        thread(
          plainLinesOf(
            backfillStoppedMessage(
              record,
              businessDate,
              failure,
              // The console has no Retry or Skip: exiting frees the flow for a new backfill of the dates left.
              'The console has no Retry or Skip: type exit to free the flow, then start a new backfill of the dates left',
            ),
          ),
        ),
        'bad',
      );
    },
    async ended(record) {
      out.print(thread(plainLinesOf(backfillEndMessage(record))), toneOf(record));
    },
    async refused(_record, _request, why) {
      out.print(thread(plainLinesOf(textMessage(why))), 'bad');
    },
  };
}

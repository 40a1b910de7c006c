import type { RunReporter } from '../core/poll-watch';
import type { ThreadRef, TriggerReporter } from '../core/ports';
import type { RunView } from '../core/run-view';
import { checkingMessage, notTriggeredMessage } from '../slack/ui/recovery-messages';
import { runFinishedMessage, runStatusMessage } from '../slack/ui/run-status-message';
import { announcementMessage, noticeMessage, resultMessage } from '../slack/ui/trigger-messages';
import type { ConsoleOutput, Tone } from './console-output';
import { plainLinesOf, plainText } from './plain-lines-of';

/** The console's one "conversation": thread refs and reply refs need a channel. */
export const CONSOLE_CHANNEL = 'console';

/** How a run's phase reads in colour. */
function toneOf(view: RunView): Tone {
  if (view.phase === 'succeeded') return 'ok';
  if (view.phase === 'failed' || view.gaveUp) return 'bad';
  return 'info';
}

/**
 * The trigger use case's reporter for the terminal: the same messages as Slack (the builders of
 * src/slack/ui), printed as plain lines. The parent message is the request; the thread's replies
 * follow it, indented.
 */
export function createConsoleTriggerReporter(out: ConsoleOutput): TriggerReporter {
  const thread = (lines: string[]) => lines.map((l) => `  ↳ ${l}`);
  return {
    async notify(notice) {
      out.print(plainLinesOf(noticeMessage(notice, {})), 'bad');
    },
    async announce(announcement): Promise<ThreadRef> {
      out.print(plainLinesOf(announcementMessage(announcement)));
      return { channelId: CONSOLE_CHANNEL, threadTs: announcement.attemptId, private: false };
    },
    async reply(_thread, result, announcement) {
      out.print(
        thread(plainLinesOf(resultMessage(result, announcement))),
        result.kind === 'triggered' ? 'ok' : 'bad',
      );
      // A reply the watcher "edits": here, the run's progress line.
      return result.kind === 'triggered' ? { channelId: CONSOLE_CHANNEL, ts: result.instanceId } : undefined;
    },
    async notTriggered(_thread, reason, subject) {
      out.print(thread(plainLinesOf(notTriggeredMessage(reason, subject))), 'bad');
    },
    async checking(_thread, subject) {
      out.print(thread(plainLinesOf(checkingMessage(subject))), 'dim');
    },
  };
}

/** The run watcher's reporter for the terminal: a progress line per run, then how it ended. */
export function createConsoleRunReporter(out: ConsoleOutput): RunReporter {
  const progress = (view: RunView, attemptId: string) =>
    out.progress(view.instanceId, `  ↳ ${plainText(runStatusMessage(view, attemptId).text)}`, toneOf(view));
  return {
    async update(watch, view) {
      progress(view, watch.attemptId);
    },
    async notify(watch, view) {
      const lines = plainLinesOf(runFinishedMessage(view, watch.slackUserId, watch.attemptId));
      out.print(
        lines.map((l) => `  ↳ ${l}`),
        toneOf(view),
      );
    },
    async post(watch, view) {
      progress(view, watch.attemptId);
      return { channelId: CONSOLE_CHANNEL, ts: view.instanceId };
    },
  };
}

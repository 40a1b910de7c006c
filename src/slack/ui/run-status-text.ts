import { formatDuration } from '../../core/format-duration';
import type { RunPhase } from '../../core/run-status';
import { statusName } from '../../core/run-status';
import { type RunView, runDurationMs } from '../../core/run-view';
import { formatLocal } from '../../core/time-zone';
import { inertMrkdwn } from './inert-text';
import { code, slackDate } from './mrkdwn';
import { fitList, shortenPlain } from './slack-limits';

/*
 * The words and marks of a run's status, shared by the thread reply, the final message, the
 * `status` command, `history` and the Home tab, so that a run reads the same everywhere.
 */

const PHASES: Record<RunPhase, { emoji: string; label: string }> = {
  scheduled: { emoji: ':calendar:', label: 'Scheduled' },
  waiting: { emoji: ':hourglass_flowing_sand:', label: 'Waiting' },
  running: { emoji: ':arrows_counterclockwise:', label: 'Running' },
  suspended: { emoji: ':double_vertical_bar:', label: 'Suspended' },
  succeeded: { emoji: ':large_green_circle:', label: 'Succeeded' },
  failed: { emoji: ':red_circle:', label: 'Failed' },
  cancelled: { emoji: ':no_entry_sign:', label: 'Cancelled' },
  skipped: { emoji: ':fast_forward:', label: 'Skipped' },
};

/** The mark of a phase, e.g. `:large_green_circle:`. */
export function phaseEmoji(phase: RunPhase): string {
  return PHASES[phase].emoji;
}

/** `:large_green_circle: *Succeeded*`; a failure names EnOS's status (FAIL, TIMEOUT…). */
export function phaseBadge(phase: RunPhase, status?: number): string {
  const { emoji, label } = PHASES[phase];
  const detail = phase === 'failed' && status !== undefined ? ` (${statusName(status)})` : '';
  return `${emoji} *${label}*${detail}`;
}

/** The phase in lower case, for sentences: "succeeded", "failed (TIMEOUT)". */
export function phaseWord(phase: RunPhase, status?: number): string {
  const detail = phase === 'failed' && status !== undefined ? ` (${statusName(status)})` : '';
  return `${PHASES[phase].label.toLowerCase()}${detail}`;
}

/** A Slack date token for an instant, with a UTC fallback for clients that cannot render it. */
export function instant(epochMs: number): string {
  return slackDate(epochMs, `${formatLocal(epochMs, 'UTC')} UTC`);
}

/** What the phase means right now, in one line. */
export function phaseLine(view: RunView): string {
  const badge = phaseBadge(view.phase, view.status);
  switch (view.phase) {
    case 'scheduled':
      return view.triggerTime === undefined
        ? `${badge}: EnOS starts it at its trigger time.`
        : `${badge}: EnOS starts it ${instant(view.triggerTime)}.`;
    case 'waiting':
      return (
        `${badge}: its trigger time has come and EnOS has not started it yet ` +
        '(a run waits for an earlier run of the same flow to finish).'
      );
    case 'running':
      return view.startedAt === undefined ? `${badge}.` : `${badge} since ${instant(view.startedAt)}.`;
    case 'suspended':
      return `${badge}: the run is suspended in EnOS.`;
    case 'succeeded':
    case 'failed': {
      const took = runDurationMs(view);
      return took === undefined ? `${badge}.` : `${badge} in ${formatDuration(took)}.`;
    }
    case 'cancelled':
      return `${badge}: EnOS stopped the run.`;
    case 'skipped':
      return `${badge}: EnOS skipped the run.`;
  }
}

/** Start, end and duration, as far as they are known. */
export function runTimes(view: RunView): string | undefined {
  const parts: string[] = [];
  if (view.startedAt !== undefined) parts.push(`Started ${instant(view.startedAt)}`);
  if (view.endedAt !== undefined) parts.push(`ended ${instant(view.endedAt)}`);
  const took = runDurationMs(view);
  if (took !== undefined) parts.push(`took ${formatDuration(took)}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

const MAX_TASKS_SHOWN = 10;

/** `*Failed tasks:* `load` (FAIL), `check` (TIMEOUT)`, or undefined when none failed. */
export function failedTasksLine(view: RunView): string | undefined {
  if (view.failedTasks.length === 0) return undefined;
  const shown = view.failedTasks
    .slice(0, MAX_TASKS_SHOWN)
    .map(
      (t) =>
        `${code(shortenPlain(t.taskName ?? t.taskInstId ?? 'unnamed task', 200))} (${inertMrkdwn(String(t.status ?? '?'))})`,
    );
  const more =
    view.failedTasks.length > MAX_TASKS_SHOWN ? ` and ${view.failedTasks.length - MAX_TASKS_SHOWN} more` : '';
  // 2,600: room for the line around it ("Their logs are in …") within a section's 3,000.
  return `*Failed task${view.failedTasks.length === 1 ? '' : 's'}:* ${fitList(shown, ', ', 2600)}${more}`;
}

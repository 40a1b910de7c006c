import type { types } from '@slack/bolt';
import { EnosApiError } from '../../core/errors';
import { formatDuration } from '../../core/format-duration';
import { type RunView, runDurationMs } from '../../core/run-view';
import { failureLogBlocks } from './failure-log-blocks';
import { inertMessage, inertMrkdwn } from './inert-text';
import { code, userMention } from './mrkdwn';
import { runActions } from './run-actions';
import { failedTasksLine, phaseBadge, phaseEmoji, phaseLine, phaseWord, runTimes } from './run-status-text';
import { context, type SlackMessage, section } from './slack-message';
import { flowLabel } from './trigger-messages';

/** `:zzz: *No longer watched*: …`: why the watcher stopped before the run finished. */
function gaveUpLine(view: RunView): string {
  const gaveUp = view.gaveUp;
  if (!gaveUp) return phaseLine(view);
  const last = view.status === undefined ? '' : ` It was last ${phaseBadge(view.phase, view.status)}.`;
  const check = ` \`/flow-trigger status ${view.instanceId}\` tells its status now.`;
  if (gaveUp.reason === 'errors') {
    return (
      `:warning: *No longer watched*: EnOS refused to tell the run’s status several times in a row` +
      `${gaveUp.error ? `: ${inertMessage(gaveUp.error.userMessage)}` : '.'}${last}${check}`
    );
  }
  const why = gaveUp.error
    ? `EnOS could not be reached for ${gaveUp.hours} h (${inertMessage(gaveUp.error.userMessage)})`
    : `it did not finish within ${gaveUp.hours} h (WATCH_MAX_HOURS)`;
  return `:zzz: *No longer watched*: I stopped watching because ${why}.${last}${check}`;
}

function reference(view: RunView): string[] {
  const error = view.gaveUp?.error;
  return error instanceof EnosApiError
    ? [`EnOS code ${error.enosCode}: ${inertMrkdwn(error.enosMessage)}`]
    : [];
}

/** The blocks describing a run: its phase, its times, its failed tasks. */
function runBlocks(view: RunView): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [section(gaveUpLine(view))];
  const times = runTimes(view);
  const failed = failedTasksLine(view);
  if (failed) blocks.push(section(failed));
  const notes = [...(times ? [times] : []), ...reference(view)];
  if (notes.length > 0) blocks.push(context(...notes));
  return blocks;
}

/**
 * The thread reply as the run watcher keeps it current (chat.update): the same first line as the
 * reply the trigger posted, then the run's phase, times and failed tasks, and the buttons. Cancel
 * goes once the run has finished; a run no longer watched may still be running, so it stays.
 */
export function runStatusMessage(view: RunView, attemptId: string): SlackMessage {
  const header =
    `:white_check_mark: Triggered flow ${flowLabel(view.flowId, view.flowName)}. ` +
    `Flow instance ID: ${code(view.instanceId)}`;
  const state = view.gaveUp ? 'no longer watched' : phaseWord(view.phase, view.status);
  return {
    text: `Flow ${view.flowId} run ${inertMrkdwn(view.instanceId)}: ${state}`,
    blocks: [section(header), ...runBlocks(view), runActions(attemptId, { cancel: !view.finished })],
  };
}

/** How a finished run ended, as the predicate of a sentence. */
function finalVerb(view: RunView): string {
  switch (view.phase) {
    case 'cancelled':
      return 'was cancelled';
    case 'skipped':
      return 'was skipped by EnOS';
    default:
      return phaseWord(view.phase, view.status);
  }
}

/**
 * The one new thread message at the end of a watch: it mentions the caller, so they are notified.
 * A failed run's task logs follow, with Full log buttons that name the trigger `attemptId`.
 */
export function runFinishedMessage(view: RunView, slackUserId: string, attemptId?: string): SlackMessage {
  const flow = flowLabel(view.flowId, view.flowName);
  const instance = code(view.instanceId);
  let first: string;
  if (view.gaveUp) {
    first = `${userMention(slackUserId)} I stopped watching flow ${flow} (instance ${instance}).`;
  } else {
    const took = runDurationMs(view);
    // How long a cancelled or skipped run took says little (EnOS may count from the trigger time).
    const ran = view.phase === 'succeeded' || view.phase === 'failed';
    const duration = took === undefined || !ran ? '' : ` in ${formatDuration(took)}`;
    first =
      `${userMention(slackUserId)} ${phaseEmoji(view.phase)} Flow ${flow} ${finalVerb(view)}${duration} ` +
      `(instance ${instance}).`;
  }
  const blocks: types.KnownBlock[] = [section(first)];
  if (view.gaveUp) blocks.push(section(gaveUpLine(view)));
  const failed = failedTasksLine(view);
  if (failed && view.failureLogs) {
    blocks.push(
      section(failed),
      ...failureLogBlocks(view.failureLogs, { instanceId: view.instanceId, attemptId }),
    );
  } else if (failed) {
    blocks.push(section(`${failed}\nTheir logs are in the EnOS console, under the flow’s runs.`));
  }
  const refs = reference(view);
  if (refs.length > 0) blocks.push(context(...refs));
  return { text: first, blocks };
}

/** `/flow-trigger status <instanceId>`: the run as EnOS reports it now, privately. */
export function runStatusAnswer(view: RunView): SlackMessage {
  const first = `Flow ${flowLabel(view.flowId, view.flowName)}, instance ${code(view.instanceId)}`;
  const logs = view.failureLogs ? failureLogBlocks(view.failureLogs, { instanceId: view.instanceId }) : [];
  return {
    text: `${first}: ${phaseWord(view.phase, view.status)}`,
    blocks: [section(first), ...runBlocks(view), ...logs],
  };
}

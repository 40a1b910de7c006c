import type { TriggerCommand } from '../core/trigger-flow';
import { triggerFlow } from '../core/trigger-flow';
import type { ListenerDeps } from './app-deps';
import { createSlackReporter, type ReporterContext } from './slack-reporter';
import { triggerDepsFrom } from './trigger-deps';
import type { SlackMessage } from './ui/slack-message';
import { slackUnreachableMessage } from './ui/trigger-messages';

/** Where a trigger request came from in Slack, and how to reach its caller privately. */
export interface TriggerOrigin extends ReporterContext {
  /**
   * Tells the caller privately; used when Slack refused the parent message, so that the caller
   * still hears that nothing was triggered.
   */
  tell(message: SlackMessage): Promise<void>;
}

/**
 * Runs the trigger use case for a Slack surface (the command, the form, Run again) with the
 * Slack reporter, logs its outcome, and speaks up when Slack itself could not be reached.
 */
export async function triggerFromSlack(
  deps: ListenerDeps,
  origin: TriggerOrigin,
  command: TriggerCommand,
  logFields: Record<string, unknown> = {},
): Promise<void> {
  const summary = await triggerFlow(
    triggerDepsFrom(deps, origin.logger),
    command,
    createSlackReporter(origin),
  );
  origin.logger.info({ ...summary, flowId: command.flowId, ...logFields }, 'trigger request handled');
  if (summary.kind === 'slack-unreachable') await origin.tell(slackUnreachableMessage(command.flowId));
}

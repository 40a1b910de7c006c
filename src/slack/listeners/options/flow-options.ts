import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { matchFlows, myFlowsExpression } from '../../../core/match-flows';
import { BudgetExceededError, withinBudget } from '../../../core/within-budget';
import type { OptionDeps } from '../../app-deps';
import { SLACK_LIMITS } from '../../ui/slack-limits';
import { flowOption } from '../../ui/trigger-modal';

type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/**
 * Slack waits 3 s for the options and then shows "no results"; the link lookup and Get My Flow
 * must answer well within it (the EnOS client's own deadline is much longer, made for triggers).
 */
export const OPTIONS_BUDGET_MS = 2000;

async function findFlows(deps: OptionDeps, teamId: string, slackUserId: string, query: string, log: Logger) {
  const identity = await deps.links.get(teamId, slackUserId);
  if (!identity) {
    log.info('flow options asked by an unlinked caller: none offered');
    return [];
  }
  const flows = await deps.enos.getMyFlows(identity, myFlowsExpression(query));
  // Slack refuses more than 100 options; the best matches come first.
  return matchFlows(flows, query)
    .slice(0, SLACK_LIMITS.options)
    .map((f) => flowOption(f.flowId, f.flowName));
}

/**
 * The flow select's options: the caller's flows from Get My Flow, as the caller, searched by name
 * (EnOS's `expression`) or by id. Any failure answers an empty list, logged: the user can type
 * again, and a select cannot show an error.
 */
export function flowOptions(deps: OptionDeps) {
  return async ({ ack, body }: OptionsArgs): Promise<void> => {
    const teamId = body.team?.id ?? body.view?.team_id ?? '';
    const slackUserId = body.user.id;
    const log = deps.logger.child({ team: teamId, user: slackUserId, listener: 'flow-options' });
    let options: ReturnType<typeof flowOption>[] = [];
    try {
      options = await withinBudget(findFlows(deps, teamId, slackUserId, body.value, log), OPTIONS_BUDGET_MS);
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        log.warn(
          { budgetMs: OPTIONS_BUDGET_MS },
          'Get My Flow too slow for the flow select: no options offered',
        );
      } else {
        log.warn({ err: error }, 'could not list the caller’s flows: no options offered');
      }
    }
    await ack({ options });
  };
}

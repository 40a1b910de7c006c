import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EnosIdentity } from '../../../core/ports';
import { checkFailure, checkPrerequisites } from '../../../core/trigger-flow';
import type { ActionDeps } from '../../app-deps';
import { policyWarning } from '../../check-policy';
import { TRIGGER_MODAL_CALLBACK } from '../../ids';
import { noticeMessage } from '../../ui/trigger-messages';
import { type ChosenFlow, type FlowProblem, flowOptionText, triggerModal } from '../../ui/trigger-modal';
import { decodeModalMetadata } from '../../ui/trigger-modal-metadata';
import { noticeModal } from '../../ui/trigger-modal-notices';
import {
  selectedConversation,
  selectedFlowId,
  selectedFlowLabel,
  selectedMode,
  selectedWhen,
  type ViewStateValues,
} from '../views/read-trigger-form';
import { updateTriggerModal } from '../views/update-trigger-modal';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Reads the chosen flow as the caller (Get Flow): its parameters to prefill, and the prerequisite
 * checks of the trigger, so that a refusal shows before the user submits.
 */
export async function chooseFlow(
  deps: ActionDeps,
  identity: EnosIdentity,
  flowId: number,
  label: string,
  where: { slackUserId: string; conversationId?: string },
): Promise<ChosenFlow> {
  try {
    const flow = await deps.enos.getFlow(identity, flowId);
    const reason = checkPrerequisites(flow, identity);
    const problem: FlowProblem | undefined = reason
      ? { kind: 'refused', reason, flowId, identity, flow }
      : undefined;
    // The policy's verdict for the conversation chosen so far; the submission checks it again.
    const warning = problem
      ? undefined
      : await policyWarning(deps, { flow: { flowId, flowName: flow.flowName }, ...where });
    return {
      id: flowId,
      label: flowOptionText(flowId, flow.flowName),
      flow,
      ...(problem ? { problem } : {}),
      ...(warning ? { policyWarning: warning } : {}),
    };
  } catch (error) {
    // The same mapping as the trigger's own check: not found, no access, locked user, or a failure.
    const problem = checkFailure(error, flowId, identity);
    if (problem.kind !== 'refused' && problem.kind !== 'failed') throw error;
    return { id: flowId, label, problem };
  }
}

/**
 * A change in the form that changes what it shows: a flow chosen (its parameters and early
 * warnings), "Now" / "At a date and time" / "Backfill a date range" (the pickers, the range's
 * fields) or "Trigger" / "Preview" (the submit button's label). The form is rebuilt whole from the
 * payload's state and metadata, and sent with the payload's view hash: if the view changed since,
 * Slack refuses this update and the newer change's own update stands.
 */
export function refreshTriggerModal(deps: ActionDeps) {
  return async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== TRIGGER_MODAL_CALLBACK) return;
    const teamId = body.team?.id ?? view.team_id;
    const slackUserId = body.user.id;
    const log: Logger = deps.logger.child({
      team: teamId,
      user: slackUserId,
      view: view.id,
      listener: 'trigger-form',
    });
    await deps.inFlight.run(async () => {
      try {
        const metadata = decodeModalMetadata(view.private_metadata);
        if (!metadata) {
          log.warn(
            { metadata: view.private_metadata.slice(0, 200) },
            'trigger form with unreadable metadata',
          );
          return;
        }
        const values = view.state.values as ViewStateValues;
        const target = { viewId: view.id, hash: view.hash };
        const identity = await deps.links.get(teamId, slackUserId);
        if (!identity) {
          const notice = noticeMessage(
            { kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink },
            {},
          );
          await updateTriggerModal(client, target, noticeModal(notice), log);
          return;
        }
        const flowValue = selectedFlowId(values);
        const flowId = flowValue !== undefined && /^\d+$/.test(flowValue) ? Number(flowValue) : undefined;
        const label = selectedFlowLabel(values) ?? String(flowId);
        const flow =
          flowId && Number.isSafeInteger(flowId)
            ? await chooseFlow(deps, identity, flowId, label, {
                slackUserId,
                conversationId: selectedConversation(values) ?? metadata.channelId,
              })
            : undefined;
        const modal = triggerModal({
          channelId: metadata.channelId,
          // The zone the form opened with: what the user has been reading.
          zone: metadata.zone,
          now: deps.clock(),
          when: selectedWhen(values) ?? 'now',
          mode: selectedMode(values),
          flow,
        });
        await updateTriggerModal(client, target, modal, log);
      } catch (error) {
        log.error({ err: error }, 'could not update the trigger form after a change');
      }
    });
  };
}

import type { types } from '@slack/bolt';
import type { AuditRecord, EnosIdentity } from '../../../core/ports';
import { checkFailure, checkPrerequisites } from '../../../core/trigger-flow';
import type { ActionDeps } from '../../app-deps';
import { policyWarning } from '../../check-policy';
import { slackErrorCode } from '../../slack-reporter';
import { prefillParameterLines } from '../../ui/prefill-parameter-lines';
import { textMessage } from '../../ui/slack-message';
import { noticeMessage } from '../../ui/trigger-messages';
import { type ChosenFlow, flowOptionText, triggerModal } from '../../ui/trigger-modal';
import { loadingModal, noticeModal } from '../../ui/trigger-modal-notices';
import { updateTriggerModal } from '../views/update-trigger-modal';
import { type RunButtonArgs, readRunButton } from './read-run-button';

/**
 * "Edit and run": the trigger form, with the run's flow chosen and its parameters in "More
 * parameters", to change and submit; the submission is the form's own (trigger-flow, as the
 * clicker). As every form: views.open first with the loading view (the trigger_id lives 3 s),
 * then the form replaces it.
 */
export function editAndRun(deps: ActionDeps) {
  return async (args: RunButtonArgs): Promise<void> => {
    await args.ack();
    const click = readRunButton(deps, args, 'edit-and-run');
    await deps.inFlight.run(async () => {
      let target: { viewId: string; hash?: string };
      try {
        const opened = await args.client.views.open({
          trigger_id: args.body.trigger_id,
          view: loadingModal(),
        });
        if (!opened.view?.id) throw new Error('views.open answered without a view id');
        target = { viewId: opened.view.id, hash: opened.view.hash };
      } catch (error) {
        // expired_trigger_id: a redelivered click, whose first delivery opened the form already.
        click.log.info(
          { err: error, error: slackErrorCode(error) },
          'could not open the form for “Edit and run”',
        );
        return;
      }
      let view: types.ModalView;
      try {
        view = await prefilledForm(deps, click.teamId, click.slackUserId, click.attemptId);
      } catch (error) {
        click.log.error({ err: error }, 'could not prepare the form for “Edit and run”');
        view = noticeModal(textMessage(':x: I could not prepare the form. Try again in a moment.'));
      }
      await updateTriggerModal(args.client, target, view, click.log);
    });
  };
}

async function prefilledForm(
  deps: ActionDeps,
  teamId: string,
  slackUserId: string,
  attemptId: string,
): Promise<types.ModalView> {
  const link = await deps.links.get(teamId, slackUserId);
  if (!link) {
    return noticeModal(
      noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {}),
    );
  }
  const record = attemptId === '' ? undefined : await deps.audit.get(teamId, attemptId);
  if (!record) {
    return noticeModal(
      textMessage(
        ':grey_question: I no longer have a record of this trigger. `/flow-trigger` opens an empty form.',
      ),
    );
  }
  const zone = await deps.zoneOf(teamId, slackUserId);
  const form = triggerModal({
    channelId: record.channelId,
    zone,
    now: deps.clock(),
    when: 'now',
    flow: await chosenFlow(deps, link, record, slackUserId),
  });
  return prefillParameterLines(form, record.parameters);
}

/**
 * The flow as the form shows it chosen, with the early warning a trigger by the clicker would get.
 * Its own parameter fields are not shown: the run's parameters are in "More parameters", and a
 * parameter both there and changed in a field would be refused as given twice.
 */
async function chosenFlow(
  deps: ActionDeps,
  link: EnosIdentity,
  record: AuditRecord,
  slackUserId: string,
): Promise<ChosenFlow> {
  const label = flowOptionText(record.flowId, record.flowName ?? '');
  try {
    const flow = await deps.enos.getFlow(link, record.flowId);
    const reason = checkPrerequisites(flow, link);
    const chosen: ChosenFlow = { id: record.flowId, label: flowOptionText(record.flowId, flow.flowName) };
    if (reason) {
      return { ...chosen, problem: { kind: 'refused', reason, flowId: record.flowId, identity: link, flow } };
    }
    const warning = await policyWarning(deps, {
      flow: { flowId: record.flowId, flowName: flow.flowName },
      slackUserId,
      ...(record.channelId ? { conversationId: record.channelId } : {}),
    });
    return warning ? { ...chosen, policyWarning: warning } : chosen;
  } catch (error) {
    const problem = checkFailure(error, record.flowId, link);
    if (problem.kind !== 'refused' && problem.kind !== 'failed') throw error;
    return { id: record.flowId, label, problem };
  }
}

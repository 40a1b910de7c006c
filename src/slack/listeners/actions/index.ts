import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionDeps } from '../../app-deps';
import {
  APPROVAL_ACTION,
  BACKFILL_ACTION,
  BACKFILL_START_ACTION,
  FORM_BACK_ACTION,
  FULL_LOG_ACTION,
  HOME_TRIGGER_ACTION,
  MODAL_ACTION,
  PREVIEW_TRIGGER_ACTION,
  RUN_ACTION,
} from '../../ids';
import { approvalButton, rejectButton } from './approval-buttons';
import { backToForm } from './back-to-form';
import { backfillControl } from './backfill-control';
import { cancelRun } from './cancel-run';
import { editAndRun } from './edit-and-run';
import { openFormFromHome } from './open-form-from-home';
import type { RunButtonArgs } from './read-run-button';
import { refreshTriggerModal } from './refresh-trigger-modal';
import { runAgain } from './run-again';
import { showFullLog } from './show-full-log';
import { startBackfillButton } from './start-backfill-button';
import { triggerPreview } from './trigger-preview';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every block action of the app, by action_id: the trigger form's elements that change what it
 * shows (dispatch_action), a run's buttons, and the Home tab's button.
 *
 * One Bolt listener routes them all. Why not one `app.action` each, as usual: Bolt runs the
 * middleware of every registered listener for every request, slash commands included, before and
 * around the ack; measured on bare Bolt, ten more listeners cost a fifth of its acks per second
 * (docs/benchmarks.md). Buttons of the run and Home tab send `ButtonAction`s; their listeners
 * read them as such.
 */
export function register(app: App, deps: ActionDeps): void {
  const refresh = refreshTriggerModal(deps);
  const asButton =
    (listener: (args: RunButtonArgs) => Promise<void>) =>
    (args: ActionArgs): Promise<void> =>
      listener(args as RunButtonArgs);
  const control = asButton(backfillControl(deps));
  const routes = new Map<string, (args: ActionArgs) => Promise<void>>([
    [MODAL_ACTION.flow, refresh],
    [MODAL_ACTION.when, refresh],
    [RUN_ACTION.cancel, asButton(cancelRun(deps))],
    [RUN_ACTION.again, asButton(runAgain(deps))],
    [RUN_ACTION.runNow, asButton(runAgain(deps))],
    [RUN_ACTION.edit, asButton(editAndRun(deps))],
    [HOME_TRIGGER_ACTION, asButton(openFormFromHome(deps))],
    [FULL_LOG_ACTION, asButton(showFullLog(deps))],
    [PREVIEW_TRIGGER_ACTION, asButton(triggerPreview(deps))],
    [MODAL_ACTION.mode, refresh],
    [FORM_BACK_ACTION, backToForm(deps)],
    [BACKFILL_START_ACTION, asButton(startBackfillButton(deps))],
    ...Object.values(BACKFILL_ACTION).map((actionId) => [actionId, control] as const),
    [APPROVAL_ACTION.approve, asButton(approvalButton(deps, 'approve'))],
    [APPROVAL_ACTION.reject, asButton(rejectButton(deps))],
    [APPROVAL_ACTION.withdraw, asButton(approvalButton(deps, 'withdraw'))],
  ]);
  const actionIds = new RegExp(`^(?:${[...routes.keys()].map(escapeRegExp).join('|')})$`);
  app.action<BlockAction>(actionIds, async (args) => {
    // The pattern admits only the keys of `routes`.
    await routes.get(args.action.action_id)?.(args);
  });
}

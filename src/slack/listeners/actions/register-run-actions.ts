import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerDeps } from '../../app-deps';
import { HOME_TRIGGER_ACTION, RUN_ACTION } from '../../ids';
import { cancelRun } from './cancel-run';
import { editAndRun } from './edit-and-run';
import { openFormFromHome } from './open-form-from-home';
import { runAgain } from './run-again';

/** Block actions of a run's buttons (run-actions.ts) and of the Home tab. */
export function registerRunActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(RUN_ACTION.cancel, cancelRun(deps));
  app.action<BlockAction<ButtonAction>>(RUN_ACTION.again, runAgain(deps));
  app.action<BlockAction<ButtonAction>>(RUN_ACTION.edit, editAndRun(deps));
  app.action<BlockAction<ButtonAction>>(HOME_TRIGGER_ACTION, openFormFromHome(deps));
}

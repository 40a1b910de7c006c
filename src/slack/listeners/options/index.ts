import type { App } from '@slack/bolt';
import type { OptionDeps } from '../../app-deps';
import { MODAL_ACTION } from '../../ids';
import { flowOptions } from './flow-options';

/** Options requests (block_suggestion) of external selects: the trigger form's flow select. */
export function register(app: App, deps: OptionDeps): void {
  app.options<'block_suggestion'>({ action_id: MODAL_ACTION.flow }, flowOptions(deps));
}

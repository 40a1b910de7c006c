import type { App, BlockAction } from '@slack/bolt';
import type { ListenerDeps } from '../../app-deps';
import { MODAL_ACTION } from '../../ids';
import { refreshTriggerModal } from './refresh-trigger-modal';

/** Block actions: the trigger form's elements that change what it shows (dispatch_action). */
export function register(app: App, deps: ListenerDeps): void {
  const refresh = refreshTriggerModal(deps);
  app.action<BlockAction>(MODAL_ACTION.flow, refresh);
  app.action<BlockAction>(MODAL_ACTION.when, refresh);
}

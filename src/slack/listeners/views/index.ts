import type { App } from '@slack/bolt';
import type { ViewDeps } from '../../app-deps';
import { TRIGGER_MODAL_CALLBACK } from '../../ids';
import { submitTriggerModal } from './submit-trigger-modal';

/** View submissions: the trigger form. */
export function register(app: App, deps: ViewDeps): void {
  app.view({ callback_id: TRIGGER_MODAL_CALLBACK, type: 'view_submission' }, submitTriggerModal(deps));
}

import type { App } from '@slack/bolt';
import type { ViewDeps } from '../../app-deps';
import { APPROVAL_REJECT_MODAL_CALLBACK, TRIGGER_MODAL_CALLBACK } from '../../ids';
import { submitRejectReason } from './submit-reject-reason';
import { submitTriggerModal } from './submit-trigger-modal';

/** View submissions: the trigger form. */
export function register(app: App, deps: ViewDeps): void {
  app.view({ callback_id: TRIGGER_MODAL_CALLBACK, type: 'view_submission' }, submitTriggerModal(deps));
  app.view(
    { callback_id: APPROVAL_REJECT_MODAL_CALLBACK, type: 'view_submission' },
    submitRejectReason(deps),
  );
}

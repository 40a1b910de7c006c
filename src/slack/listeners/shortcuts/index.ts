import type { App, GlobalShortcut } from '@slack/bolt';
import type { ShortcutDeps } from '../../app-deps';
import { TRIGGER_SHORTCUT_CALLBACK } from '../../ids';
import { triggerFlowShortcut } from './trigger-flow-shortcut';

/** Shortcuts: the global "Trigger a flow" (manifest.yml). */
export function register(app: App, deps: ShortcutDeps): void {
  app.shortcut<GlobalShortcut>(
    { callback_id: TRIGGER_SHORTCUT_CALLBACK, type: 'shortcut' },
    triggerFlowShortcut(deps),
  );
}

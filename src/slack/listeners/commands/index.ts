import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../app-deps';
import { COMMAND } from '../../ids';
import { flowTriggerCommand } from './flow-trigger-command';

export function register(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, flowTriggerCommand(deps));
}

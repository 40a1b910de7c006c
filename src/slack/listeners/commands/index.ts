import type { App } from '@slack/bolt';
import type { CommandDeps } from '../../app-deps';
import { COMMAND } from '../../ids';
import { flowTriggerCommand } from './flow-trigger-command';

export function register(app: App, deps: CommandDeps): void {
  app.command(COMMAND, flowTriggerCommand(deps));
}

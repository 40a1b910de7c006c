import type { App } from '@slack/bolt';
import type { EventDeps } from '../../app-deps';
import { appHomeOpened } from './app-home-opened';

/** Events API: the App Home tab (manifest.yml: `app_home_opened`). */
export function register(app: App, deps: EventDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}

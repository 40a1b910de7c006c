import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackfillRecord } from '../../../core/backfill';
import type { AuditRecord, Link } from '../../../core/ports';
import { runViewOf } from '../../../core/run-view';
import { withinBudget } from '../../../core/within-budget';
import type { EventDeps } from '../../app-deps';
import { retryRateLimited } from '../../retry-rate-limited';
import { type HomeEntry, homeView } from '../../ui/home-view';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Triggers shown on the Home tab. */
export const HOME_TRIGGERS = 10;
/** How long the tab waits for EnOS's live statuses before showing the stored ones. */
export const HOME_STATUS_BUDGET_MS = 2000;
/** Active backfills read for the tab (the team's, one per flow at a time); the caller's are shown. */
const HOME_BACKFILLS_READ = 100;

/**
 * Publishes the App Home tab when its user opens it: their link, the "Trigger a flow" button, the
 * backfills they started that are in progress, and their last triggers. The live status of each
 * run comes from Get Flow Instance, asked for all of them at once and each bounded in time; a run
 * that does not answer in time, or already finished (the watcher recorded its end), shows what the
 * audit record holds.
 */
export function appHomeOpened(deps: EventDeps) {
  return async ({ event, body, client }: HomeOpenedArgs): Promise<void> => {
    // The Messages tab opens this event too; only Home shows this view.
    if (event.tab !== 'home') return;
    const teamId = body.team_id;
    const slackUserId = event.user;
    const log = deps.logger.child({ team: teamId, user: slackUserId, listener: 'app-home' });
    await deps.inFlight.run(async () => {
      try {
        const [link, records, backfills] = await Promise.all([
          deps.links.get(teamId, slackUserId),
          deps.audit.listRecent(teamId, { slackUserId, limit: HOME_TRIGGERS }),
          backfillsOf(deps, teamId, slackUserId),
        ]);
        // Live statuses are asked as the caller's CURRENT link: after unlink (or a new link) the
        // tab must not keep calling EnOS as the EnOS user of old records.
        const entries = await Promise.all(records.map((record) => liveEntry(deps, record, link)));
        const view = homeView({
          link,
          admins: deps.admins,
          selfLink: deps.selfLink,
          entries,
          now: deps.clock(),
          backfills,
        });
        await retryRateLimited(() => client.views.publish({ user_id: slackUserId, view }));
      } catch (error) {
        log.error({ err: error }, 'could not publish the Home tab');
      }
    });
  };
}

async function liveEntry(deps: EventDeps, record: AuditRecord, link: Link | undefined): Promise<HomeEntry> {
  if (!link || record.outcome !== 'triggered' || !record.instanceId || record.run) return { record };
  try {
    const instance = await withinBudget(
      deps.enos.getFlowInstance({ userId: link.userId, orgId: link.orgId }, record.instanceId),
      HOME_STATUS_BUDGET_MS,
    );
    return {
      record,
      live: runViewOf(instance, {
        serverZone: deps.enosServerZone ?? 'UTC',
        now: deps.clock(),
        triggerTime: record.triggerTime,
      }),
    };
  } catch (error) {
    deps.logger.debug({ err: error, instanceId: record.instanceId }, 'no live status for the Home tab');
    return { record };
  }
}

/** The caller's active backfills, newest first; none when the store cannot say (the tab still shows the rest). */
async function backfillsOf(deps: EventDeps, teamId: string, slackUserId: string): Promise<BackfillRecord[]> {
  try {
    const active = await deps.backfills.listActive(teamId, HOME_BACKFILLS_READ);
    return active.filter((record) => record.slackUserId === slackUserId);
  } catch (error) {
    deps.logger.warn({ err: error, team: teamId }, 'no backfills for the Home tab');
    return [];
  }
}

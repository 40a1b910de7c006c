import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Clock } from '../core/ports';

export interface UserZoneOptions {
  client: WebClient;
  defaultZone: string;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The caller's IANA time zone from their Slack profile (`users.info` → `tz`), cached for a while
 * because an incident brings the same people back many times. Slack failing, or a profile with no
 * zone, falls back to DEFAULT_TIMEZONE: a trigger must not fail because of it.
 */
export function createUserZoneLookup(options: UserZoneOptions) {
  const { client, defaultZone, ttlMs, clock, logger } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { zone: string; expiresAt: number }>();
  const inFlight = new Map<string, Promise<string>>();

  const fetchZone = async (slackUserId: string): Promise<{ zone: string; cacheable: boolean }> => {
    try {
      const res = await client.users.info({ user: slackUserId });
      const tz = res.user?.tz;
      if (tz && isKnownZone(tz)) return { zone: tz, cacheable: true };
      logger.info({ user: slackUserId, tz }, 'Slack profile has no usable time zone; using the default');
      return { zone: defaultZone, cacheable: true };
    } catch (error) {
      logger.warn({ err: error, user: slackUserId }, 'users.info failed; using the default time zone');
      // Not cached: the next request asks Slack again.
      return { zone: defaultZone, cacheable: false };
    }
  };

  return async function zoneOf(teamId: string, slackUserId: string): Promise<string> {
    const key = `${teamId}:${slackUserId}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt > clock()) return hit.zone;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const lookup = fetchZone(slackUserId)
      .then(({ zone, cacheable }) => {
        if (!cacheable) return zone;
        cache.delete(key);
        if (cache.size >= maxEntries) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(key, { zone, expiresAt: clock() + ttlMs });
        return zone;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, lookup);
    return lookup;
  };
}

import type { Logger } from 'pino';
import type { AuditStore, ClaimStore, Clock, EnosGateway, LinkStore } from '../core/ports';
import type { InFlight } from '../in-flight';

/** Everything the Slack listeners need, handed in by the composition root: no globals. */
export interface AppDeps {
  logger: Logger;
  enos: EnosGateway;
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  clock: Clock;
  newId: () => string;
  /** Zone for callers whose Slack profile has none (DEFAULT_TIMEZONE). */
  defaultZone: string;
  /** How long a caller's Slack time zone is cached. */
  zoneCacheMs: number;
  admins: string[];
  defaultOrgId: string;
  selfLink: boolean;
  inFlight: InFlight;
}

/** What listeners get: the app's dependencies plus what is built from the Slack client. */
export interface ListenerDeps extends AppDeps {
  /** The caller's IANA zone: Slack profile, cached, else the configured default. */
  zoneOf: (teamId: string, slackUserId: string) => Promise<string>;
}

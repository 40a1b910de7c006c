import type { Logger } from 'pino';
import { createApp, type FlowTriggerApp, type SlackOptions } from './app';
import type { Config } from './config';
import type { Clock } from './core/ports';
import { createEnosClient, type EnosClient, type EnosClientOptions } from './enos/create-enos-client';
import { resolveServerZone } from './enos/resolve-server-zone';
import { type ServerClockWatch, watchServerClock } from './enos/watch-server-clock';
import { createInFlight, type InFlight } from './in-flight';
import type { AppDeps } from './slack/app-deps';
import type { PolicyGate } from './slack/policy-gate';
import { openStore, type Store } from './store/open-store';
import { type AuditRetention, startAuditRetention } from './store/start-audit-retention';

/*
 * The one place the app is assembled: `main.ts` (with the configuration) and the tests (with
 * loopback fakes) both call `composeApp`. `composeCore` is the part without Slack: the store, the
 * EnOS client and the trigger queue, for a front end that is not Slack.
 */

/** What the core services are built from: plain values, read from the configuration or a test. */
export interface CoreOptions {
  store: {
    /** STORE_URL. */
    url: string;
    /** Prefix of every key (default `flow-trigger:`); replicas that share a store share it. */
    keyPrefix?: string;
  };
  /** The EnOS gateway and its credentials (ENOS_*). */
  enos: Omit<EnosClientOptions, 'logger' | 'clock'>;
  /** ENOS_SERVER_TIMEZONE; absent, EnOS is asked (Get Time Zone), UTC if it cannot say. */
  enosServerZone?: string;
  /**
   * Compare EnOS's clock with ours now and hourly (default true). Off in tests, whose fake EnOS
   * would otherwise receive a Get Current Time each test did not ask for.
   */
  checkServerClock?: boolean;
  /** TRIGGER_CONCURRENCY, TRIGGER_QUEUE_LIMIT, TRIGGER_QUEUE_PER_USER. */
  triggers: { concurrency: number; queueLimit: number; queuePerUser: number };
}

/** What the process (or the test) owns and hands in: where logs go and what time it is. */
export interface CoreAdapters {
  logger: Logger;
  /** The app's clock, for the store's claim expiry as for everything else. */
  clock: Clock;
}

/** The services every front end triggers through, and how to release them. */
export interface CoreServices {
  logger: Logger;
  clock: Clock;
  store: Store;
  enos: EnosClient;
  inFlight: InFlight;
  /** The zone EnOS writes its zone-less run times in. */
  enosServerZone: string;
  /** Stops the clock check, then closes the EnOS client and the store (also after a failed start). */
  close(): Promise<void>;
}

/**
 * Opens the store, builds the EnOS client and the trigger queue, and settles EnOS's zone. Rejects
 * with the store's StoreError when the store cannot be opened (nothing is left open then).
 */
export async function composeCore(options: CoreOptions, adapters: CoreAdapters): Promise<CoreServices> {
  const { logger, clock } = adapters;
  const store = await openStore(options.store.url, { logger, keyPrefix: options.store.keyPrefix, clock });
  const enos = createEnosClient({ ...options.enos, logger });
  let serverClock: ServerClockWatch | undefined;
  try {
    // EnOS's zone-less run times need its zone before anything reads them; its clock is checked hourly.
    const { zone: enosServerZone } = await resolveServerZone({
      configured: options.enosServerZone,
      enos,
      logger,
    });
    if (options.checkServerClock ?? true) serverClock = watchServerClock({ enos, logger });
    const inFlight = createInFlight({
      ...options.triggers,
      onError: (error) => logger.error({ err: error }, 'background work failed'),
      onOverload: ({ full, waiting, refused }) =>
        full
          ? logger.warn(
              { full, waiting, concurrency: options.triggers.concurrency },
              'trigger queue full: refusing new triggers until it drains (TRIGGER_QUEUE_LIMIT)',
            )
          : logger.warn(
              { full, waiting, refused },
              'trigger queue back to half full: accepting triggers again',
            ),
      // One caller's flood: said once when their share fills, once when it is back to half.
      onShareOverload: ({ owner, full, waiting, refused }) =>
        full
          ? logger.warn(
              { owner, full, waiting },
              'one caller’s share of the trigger queue is full: refusing their triggers until half have run (TRIGGER_QUEUE_PER_USER)',
            )
          : logger.warn(
              { owner, full, waiting, refused },
              'a caller’s share of the trigger queue is back to half: accepting theirs again',
            ),
    });
    return {
      logger,
      clock,
      store,
      enos,
      inFlight,
      enosServerZone,
      async close() {
        serverClock?.stop();
        await Promise.allSettled([enos.close(), store.close()]);
      },
    };
  } catch (error) {
    serverClock?.stop();
    await Promise.allSettled([enos.close(), store.close()]);
    throw error;
  }
}

/** The Slack app's settings on top of the core's: what the listeners, watcher and recovery read. */
export interface AppOptions extends CoreOptions {
  slack: SlackOptions;
  /** DEFAULT_TIMEZONE: for callers whose Slack profile has none. */
  defaultZone: string;
  /** USER_TZ_CACHE_MS. */
  zoneCacheMs: number;
  /** ADMIN_USER_IDS. */
  admins: string[];
  /** ENOS_ORG_ID. */
  defaultOrgId: string;
  /** ENOS_SELF_LINK=email. */
  selfLink: boolean;
  watch?: AppDeps['watch'];
  recovery?: AppDeps['recovery'];
  /** AUDIT_RETENTION_DAYS; absent, no retention runs (the tests). */
  auditRetentionDays?: number;
  /** BACKFILL_CAL_DT_OFFSET_DAYS and BACKFILL_MAX_RUNS; defaults where absent. */
  backfill?: AppDeps['backfill'];
  /** The backfill engine's settings (tests: tickMs 0 and tick()); defaults where absent. */
  backfillRunner?: AppDeps['backfillRunner'];
}

export interface AppAdapters extends CoreAdapters {
  /** Names each trigger attempt. */
  newId: () => string;
  /** POLICY_FILE, loaded (absent: no policy); the process reloads it on SIGHUP. */
  policy?: PolicyGate;
  /** Starts an approved backfill (the backfill engine; absent: the thread says it cannot start). */
  onBackfillApproved?: AppDeps['onBackfillApproved'];
}

/** The whole Slack app over the core services. */
export interface ComposedApp extends CoreServices {
  app: FlowTriggerApp;
  /** Verifies the bot token, listens, and starts the audit retention. Resolves with the HTTP port. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, waits up to `graceMs` for the work in flight, then closes everything. */
  stop(graceMs?: number): Promise<void>;
}

/** Builds the core services, then the Slack app on them; nothing is started until `start()`. */
export async function composeApp(options: AppOptions, adapters: AppAdapters): Promise<ComposedApp> {
  const core = await composeCore(options, adapters);
  const { logger, clock, store } = core;
  let app: FlowTriggerApp;
  try {
    app = createSlackApp(options, adapters, core);
  } catch (error) {
    await core.close();
    throw error;
  }
  let retention: AuditRetention | undefined;
  return {
    ...core,
    app,
    async start() {
      const started = await app.start();
      if (options.auditRetentionDays !== undefined) {
        retention = startAuditRetention({
          audit: store.audit,
          clock,
          retentionDays: options.auditRetentionDays,
          logger: logger.child({ component: 'audit-retention' }),
        });
      }
      return started;
    },
    async stop(graceMs) {
      try {
        await app.stop(graceMs);
      } catch (error) {
        logger.error({ err: error }, 'error while stopping the Slack app');
      }
      await retention?.stop();
      await core.close();
    },
  };
}

/** The Slack app (src/app.ts) over the core services: the listeners' dependencies, plainly. */
function createSlackApp(options: AppOptions, adapters: AppAdapters, core: CoreServices): FlowTriggerApp {
  const { logger, clock, store } = core;
  return createApp(options.slack, {
    logger,
    enos: core.enos,
    links: store.links,
    claims: store.claims,
    audit: store.audit,
    clock,
    newId: adapters.newId,
    defaultZone: options.defaultZone,
    zoneCacheMs: options.zoneCacheMs,
    admins: options.admins,
    defaultOrgId: options.defaultOrgId,
    selfLink: options.selfLink,
    inFlight: core.inFlight,
    watches: store.watches,
    enosServerZone: core.enosServerZone,
    pingStore: store.ping,
    jobs: store.jobs,
    recovery: options.recovery,
    enosRequestTimeoutMs: options.enos.requestTimeoutMs,
    watch: options.watch,
    previews: store.previews,
    backfills: store.backfills,
    backfillPlans: store.backfillPlans,
    ...(options.backfillRunner ? { backfillRunner: options.backfillRunner } : {}),
    ...(options.backfill ? { backfill: options.backfill } : {}),
    ...(adapters.policy ? { policy: adapters.policy } : {}),
    approvals: store.approvals,
    ...(adapters.onBackfillApproved ? { onBackfillApproved: adapters.onBackfillApproved } : {}),
  });
}

/** The configuration (`loadConfig`) as the options of {@link composeApp}. */
export function appOptionsFromConfig(config: Config): AppOptions {
  return {
    store: { url: config.storeUrl },
    enos: {
      gatewayUrl: config.enos.gatewayUrl,
      accessKey: config.enos.accessKey,
      secretKey: config.enos.secretKey,
      connectTimeoutMs: config.enos.connectTimeoutMs,
      requestTimeoutMs: config.enos.requestTimeoutMs,
    },
    enosServerZone: config.enosServerTimezone,
    triggers: config.triggers,
    slack: {
      botToken: config.slack.botToken,
      signingSecret: config.slack.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: config.slack.apiUrl,
      apiTimeoutMs: config.slack.apiTimeoutMs,
      apiRetries: 0,
      port: config.port,
      http: config.http,
    },
    defaultZone: config.defaultTimezone,
    zoneCacheMs: config.userTzCacheMs,
    admins: config.admins,
    defaultOrgId: config.enos.orgId,
    selfLink: config.selfLink === 'email',
    recovery: config.recovery,
    watch: {
      policy: {
        minIntervalMs: config.watch.pollMinMs,
        maxIntervalMs: config.watch.pollMaxMs,
        maxWatchMs: config.watch.maxMs,
      },
      leaseMs: config.watch.leaseMs,
      tickMs: config.watch.tickMs,
    },
    auditRetentionDays: config.auditRetentionDays,
    backfill: config.backfill,
  };
}

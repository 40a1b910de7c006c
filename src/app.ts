import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { createHealthCheck } from './create-health-check';
import type { AppDeps, ListenerDeps } from './slack/app-deps';
import {
  type ApprovalExpiry,
  createApprovalExpiry,
  DEFAULT_APPROVAL_EXPIRY_OPTIONS,
} from './slack/approval-expiry';
import { type BackfillRunner, createBackfillRunner } from './slack/backfill-runner';
import { boltLogger } from './slack/bolt-logger';
import { checkSlackPayload } from './slack/intake/check-slack-body';
import { createIntakeListener, MAX_BODY_BYTES } from './slack/intake/create-intake-listener';
import {
  createJobRecovery,
  createJobRunnerState,
  DEFAULT_RECOVERY_OPTIONS,
  type JobRecovery,
} from './slack/job-runner';
import { register as registerActions } from './slack/listeners/actions';
import { register as registerCommands } from './slack/listeners/commands';
import { register as registerEvents } from './slack/listeners/events';
import { register as registerOptions } from './slack/listeners/options';
import { register as registerShortcuts } from './slack/listeners/shortcuts';
import { register as registerViews } from './slack/listeners/views';
import { createRunWatcher, type RunWatcher } from './slack/run-watcher';
import { startApprovedBackfill } from './slack/start-approved-backfill';
import { createUserZoneLookup } from './slack/user-zone';

export interface SlackOptions {
  botToken: string;
  /** HTTP mode: verifies requests from Slack. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  apiUrl: string;
  apiTimeoutMs: number;
  /** Retries of failed Web API calls; 0 in tests. */
  apiRetries?: number;
  port: number;
  /** Limits of the HTTP server (both modes: Socket Mode serves /healthz and /livez). Defaults in HTTP_DEFAULTS. */
  http?: Partial<HttpLimits>;
}

/** How long a client may take, and how many may be connected: what bounds a slow or crowded intake. */
export interface HttpLimits {
  /** Until the request's headers are in (Node answers 408 after). */
  headersTimeoutMs: number;
  /** Until the whole request is in (Node answers 408 after). Slack sends at once and waits 3 s. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed at once. */
  maxConnections: number;
}

export const HTTP_DEFAULTS: HttpLimits = {
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5000,
  maxConnections: 1000,
};

/** Node checks the two timeouts every 30 s by default: a 10 s deadline could then last 40 s. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  };
}

export interface FlowTriggerApp {
  app: App;
  /** Follows triggered runs; started by `start()`, stopped by `stop()`. */
  watcher: RunWatcher;
  /** Resumes trigger jobs whose worker died; started by `start()`, stopped by `stop()`. */
  recovery: JobRecovery;
  /** Runs the started backfills; started by `start()`, stopped by `stop()`. */
  backfills: BackfillRunner;
  /** Expires approval requests nobody decided in time; started by `start()`, stopped by `stop()`. */
  approvalExpiry: ApprovalExpiry;
  /** Verifies the bot token (auth.test), then listens. Resolves with the HTTP port. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, then waits up to `graceMs` for work in flight. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds the Bolt app, HTTP or Socket Mode, with every listener registered. Nothing is read from
 * the environment here: `main.ts` and the tests hand everything in.
 */
export function createApp(slack: SlackOptions, deps: AppDeps): FlowTriggerApp {
  const logger = boltLogger(deps.logger);
  const clientOptions = {
    slackApiUrl: slack.apiUrl,
    // A blind retry of chat.postMessage can post twice; retries are decided per call, not here.
    retryConfig: { retries: slack.apiRetries ?? 0 },
    // 429s surface as errors with retryAfter, and are retried where that is safe (retryRateLimited).
    rejectRateLimitedCalls: true,
    // A deadline per call (the client's default is none: a hung call would hang a trigger). The
    // client applies it to the whole call, body included, with AbortSignal.timeout.
    timeout: slack.apiTimeoutMs,
  };
  const limits: HttpLimits = { ...HTTP_DEFAULTS, ...slack.http };
  const httpReceiver = slack.appToken
    ? undefined
    : new HTTPReceiver({ signingSecret: slack.signingSecret ?? '', logger, bodyLimit: MAX_BODY_BYTES });
  const socketReceiver = slack.appToken
    ? // No custom routes: Bolt's own server for them would answer /healthz without our checks.
      new SocketModeReceiver({ appToken: slack.appToken, logger, installerOptions: { clientOptions } })
    : undefined;
  let socketUp = false;
  if (socketReceiver) {
    const client = socketReceiver.client;
    client.on('connected', () => {
      socketUp = true;
    });
    for (const down of ['disconnecting', 'disconnected', 'reconnecting']) {
      client.on(down, () => {
        socketUp = false;
      });
    }
  }
  const health = createHealthCheck({
    pingStore: deps.pingStore,
    socketConnected: socketReceiver
      ? () => socketUp && socketReceiver.client.websocket?.isActive() === true
      : undefined,
  });
  const app = socketReceiver
    ? new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        receiver: socketReceiver,
        logger,
        clientOptions,
        convoStore: false,
        deferInitialization: true,
      })
    : new App({
        token: slack.botToken,
        receiver: httpReceiver,
        // Bolt's conversation store is unused here, and its lookup on every request costs a thrown
        // Error when nothing is stored (about 3% of the CPU under load, docs/benchmarks.md).
        convoStore: false,
        logger,
        clientOptions,
        deferInitialization: true,
      });
  if (httpReceiver) {
    httpReceiver.requestListener = createIntakeListener({
      slack: {
        path: '/slack/events',
        signingSecret: slack.signingSecret ?? '',
        listener: httpReceiver.requestListener,
      },
      health,
      logger: deps.logger,
    });
  }
  /** Socket Mode's own HTTP server: /healthz and /livez, nothing else. */
  let healthServer: Server | undefined;

  if (socketReceiver) {
    // Socket Mode has no HTTP intake: the same shapes are checked before any listener, and a payload
    // of another shape is acknowledged (so Slack does not redeliver it) and dropped.
    app.use(async ({ body, ack, next }) => {
      const shape = checkSlackPayload(body);
      if (shape.ok) {
        await next();
        return;
      }
      deps.logger.warn({ reason: shape.reason }, 'dropped a Socket Mode payload of an unexpected shape');
      if (ack) await ack();
    });
  }

  const zoneOf = createUserZoneLookup({
    client: app.client,
    defaultZone: deps.defaultZone,
    ttlMs: deps.zoneCacheMs,
    clock: deps.clock,
    logger: deps.logger,
  });
  const leaseMs = deps.recovery?.leaseMs ?? DEFAULT_RECOVERY_OPTIONS.leaseMs;
  // A pass at least twice per lease, so that a dead replica's jobs resume soon after it lapses.
  const recoveryOptions = {
    ...DEFAULT_RECOVERY_OPTIONS,
    tickMs: Math.min(DEFAULT_RECOVERY_OPTIONS.tickMs, Math.floor(leaseMs / 2)),
    ...deps.recovery,
  };
  const watcher = createRunWatcher({
    client: app.client,
    enos: deps.enos,
    watches: deps.watches,
    claims: deps.claims,
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger,
    serverZone: deps.enosServerZone ?? 'UTC',
    settings: deps.watch,
    // A trigger job that saved a watch has its lease's length to record the reply.
    replyGraceMs: recoveryOptions.leaseMs,
    // The engine is built below, on the listeners' dependencies (it triggers through their path).
    onBackfillRunEnded: (watch, view) => backfills.runEnded(watch, view),
  });
  const listenerDeps: ListenerDeps = {
    ...deps,
    zoneOf,
    watcher,
    slackClient: app.client,
    slackTimeoutMs: slack.apiTimeoutMs,
    jobRunner: createJobRunnerState(recoveryOptions.leaseMs),
    maxAgeMs: recoveryOptions.maxAgeMs,
    // Replaced at once below: the engine needs these very dependencies.
    backfillEngine: undefined as unknown as BackfillRunner,
  };
  const backfills = createBackfillRunner(listenerDeps, deps.backfillRunner);
  listenerDeps.backfillEngine = backfills;
  // An approved backfill starts through the same engine and path as a Start click (a test may
  // hand in its own).
  listenerDeps.onBackfillApproved ??= (_payload, _approvers, request) =>
    startApprovedBackfill(listenerDeps, request);
  const recovery = createJobRecovery(listenerDeps, recoveryOptions);
  const approvalExpiry = createApprovalExpiry(listenerDeps, {
    ...DEFAULT_APPROVAL_EXPIRY_OPTIONS,
    // The tests move the clock and call tick() themselves, as for recovery.
    ...(recoveryOptions.tickMs <= 0 ? { tickMs: 0 } : {}),
  });
  registerCommands(app, listenerDeps);
  registerShortcuts(app, listenerDeps);
  registerActions(app, listenerDeps);
  registerOptions(app, listenerDeps);
  registerViews(app, listenerDeps);
  registerEvents(app, listenerDeps);

  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    watcher,
    recovery,
    backfills,
    approvalExpiry,
    async start() {
      await app.init();
      let server: Server;
      if (socketReceiver) {
        await app.start();
        server = createServer(serverOptions(limits), createIntakeListener({ health, logger: deps.logger }));
        healthServer = server;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(slack.port, () => resolve());
        });
      } else {
        server = await app.start(slack.port, serverOptions(limits));
      }
      server.maxConnections = limits.maxConnections;
      const { port } = server.address() as AddressInfo;
      // Resumes every watch in the store, including those of replicas that stopped.
      watcher.start();
      // Resumes every trigger job a stopped (or killed) replica left unfinished.
      recovery.start();
      // Resumes every backfill in the store, including those of replicas that stopped.
      backfills.start();
      approvalExpiry.start();
      return { port };
    },
    async stop(graceMs = 10_000) {
      const closing = healthServer;
      healthServer = undefined;
      await Promise.all([
        app.stop(),
        closing && new Promise<void>((resolve) => closing.close(() => resolve())),
      ]);
      // Both within the same grace: the watcher finishes its pass and hands its leases back while
      // the triggers in flight finish (a watch they still add stays in the store for the next start).
      // Job leases are handed back only once the triggers in flight are done with them.
      const drained = deps.inFlight.drain(graceMs);
      const [finished] = await Promise.all([
        drained,
        watcher.stop(graceMs),
        recovery.stop(graceMs, drained),
        backfills.stop(graceMs),
        approvalExpiry.stop(),
      ]);
      if (!finished) deps.logger.warn({ pending: deps.inFlight.size }, 'stopped with work still in flight');
    },
  };
}

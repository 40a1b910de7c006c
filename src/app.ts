import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import type { AppDeps, ListenerDeps } from './slack/app-deps';
import { boltLogger } from './slack/bolt-logger';
import { guardRequestBody } from './slack/guard-request-body';
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
}

export interface FlowTriggerApp {
  app: App;
  /** Follows triggered runs; started by `start()`, stopped by `stop()`. */
  watcher: RunWatcher;
  /** Resumes trigger jobs whose worker died; started by `start()`, stopped by `stop()`. */
  recovery: JobRecovery;
  /** Verifies the bot token (auth.test), then listens. Resolves with the HTTP port. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, then waits up to `graceMs` for work in flight. */
  stop(graceMs?: number): Promise<void>;
}

const healthz: CustomRoute = {
  path: '/healthz',
  method: ['GET'],
  handler: (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  },
};

/** HTTP mode's receiver: Bolt's own, behind a guard for bodies it cannot read (see guardRequestBody). */
function httpReceiver(signingSecret: string, logger: ReturnType<typeof boltLogger>): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, logger, customRoutes: [healthz] });
  receiver.requestListener = guardRequestBody(receiver.requestListener);
  return receiver;
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
  const app = slack.appToken
    ? new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        logger,
        clientOptions,
        customRoutes: [healthz],
        convoStore: false,
        installerOptions: { port: slack.port },
        deferInitialization: true,
      })
    : new App({
        token: slack.botToken,
        receiver: httpReceiver(slack.signingSecret ?? '', logger),
        // Bolt's conversation store is unused here, and its lookup on every request costs a thrown
        // Error when nothing is stored (about 3% of the CPU under load, docs/benchmarks.md).
        convoStore: false,
        logger,
        clientOptions,
        deferInitialization: true,
      });

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
  });
  const listenerDeps: ListenerDeps = {
    ...deps,
    zoneOf,
    watcher,
    slackClient: app.client,
    slackTimeoutMs: slack.apiTimeoutMs,
    jobRunner: createJobRunnerState(recoveryOptions.leaseMs),
    maxAgeMs: recoveryOptions.maxAgeMs,
  };
  const recovery = createJobRecovery(listenerDeps, recoveryOptions);
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
    async start() {
      await app.init();
      let port = slack.port;
      if (slack.appToken) await app.start();
      else port = ((await app.start(slack.port)).address() as AddressInfo).port;
      // Resumes every watch in the store, including those of replicas that stopped.
      watcher.start();
      // Resumes every trigger job a stopped (or killed) replica left unfinished.
      recovery.start();
      return { port };
    },
    async stop(graceMs = 10_000) {
      await app.stop();
      // Both within the same grace: the watcher finishes its pass and hands its leases back while
      // the triggers in flight finish (a watch they still add stays in the store for the next start).
      // Job leases are handed back only once the triggers in flight are done with them.
      const drained = deps.inFlight.drain(graceMs);
      const [finished] = await Promise.all([drained, watcher.stop(graceMs), recovery.stop(graceMs, drained)]);
      if (!finished) deps.logger.warn({ pending: deps.inFlight.size }, 'stopped with work still in flight');
    },
  };
}

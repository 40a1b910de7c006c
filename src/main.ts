import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { PolicyError } from './core/policy/policy-problems';
import { createEnosClient } from './enos/create-enos-client';
import { resolveServerZone } from './enos/resolve-server-zone';
import { watchServerClock } from './enos/watch-server-clock';
import { createInFlight } from './in-flight';
import { createLogger } from './logger';
import { loadPolicyGate, type PolicyFileGate } from './slack/policy-gate';
import { openStore } from './store/open-store';
import { startAuditRetention } from './store/start-audit-retention';

/** How long shutdown waits for triggers in flight before exiting anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * The composition root: the only reader of `process.env`. It wires the real adapters together
 * and owns the process lifecycle (start, signals, exit codes).
 */
async function main(): Promise<number> {
  // A .env file in the working directory is read too; real environment variables win.
  if (existsSync('.env')) process.loadEnvFile('.env');

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }

  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    secrets: [
      config.slack.botToken,
      config.slack.signingSecret ?? '',
      config.slack.appToken ?? '',
      config.enos.secretKey,
      config.enos.accessKey,
    ],
  });

  // Nothing should get here (the tests run the app with --unhandled-rejections=strict to prove it);
  // if something does in production, it is a bug worth a loud, redacted line rather than a crash
  // that would cut off every trigger in flight.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection: this is a bug, please report it');
  });

  // POLICY_FILE before anything else opens: a bad file stops the start, like a bad variable.
  let policy: PolicyFileGate | undefined;
  if (config.policyFile) {
    try {
      policy = await loadPolicyGate({
        file: config.policyFile,
        client: new WebClient(config.slack.botToken, {
          slackApiUrl: config.slack.apiUrl,
          timeout: config.slack.apiTimeoutMs,
          retryConfig: { retries: 2 },
        }),
        clock: Date.now,
      });
    } catch (error) {
      if (error instanceof PolicyError) {
        process.stderr.write(`${error.message}\n`);
        return 78; // EX_CONFIG, as a bad variable
      }
      throw error;
    }
    logger.info({ file: config.policyFile, rules: policy.current()?.rules.length }, 'policy file loaded');
  }

  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config.storeUrl, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'cannot open the store: check STORE_URL and that the database is up');
    return 1;
  }
  const enos = createEnosClient({
    gatewayUrl: config.enos.gatewayUrl,
    accessKey: config.enos.accessKey,
    secretKey: config.enos.secretKey,
    connectTimeoutMs: config.enos.connectTimeoutMs,
    requestTimeoutMs: config.enos.requestTimeoutMs,
    logger,
  });
  // EnOS's zone-less run times need its zone before anything reads them; its clock is checked hourly.
  const { zone: enosServerZone } = await resolveServerZone({
    configured: config.enosServerTimezone,
    enos,
    logger,
  });
  const serverClock = watchServerClock({ enos, logger });
  const inFlight = createInFlight({
    ...config.triggers,
    onError: (error) => logger.error({ err: error }, 'background work failed'),
    onOverload: ({ full, waiting, refused }) =>
      full
        ? logger.warn(
            { waiting, concurrency: config.triggers.concurrency },
            'trigger queue full: refusing new triggers until it drains (TRIGGER_QUEUE_LIMIT)',
          )
        : logger.warn({ waiting, refused }, 'trigger queue back to half full: accepting triggers again'),
    // One caller's flood: said once when their share fills, once when it is back to half.
    onShareOverload: ({ owner, full, waiting, refused }) =>
      full
        ? logger.warn(
            { owner, waiting },
            'one caller’s share of the trigger queue is full: refusing their triggers until half have run (TRIGGER_QUEUE_PER_USER)',
          )
        : logger.warn(
            { owner, waiting, refused },
            'a caller’s share of the trigger queue is back to half: accepting theirs again',
          ),
  });

  const app = createApp(
    {
      botToken: config.slack.botToken,
      signingSecret: config.slack.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: config.slack.apiUrl,
      apiTimeoutMs: config.slack.apiTimeoutMs,
      apiRetries: 0,
      port: config.port,
      http: config.http,
    },
    {
      logger,
      enos,
      links: store.links,
      claims: store.claims,
      audit: store.audit,
      clock: Date.now,
      newId: randomUUID,
      defaultZone: config.defaultTimezone,
      zoneCacheMs: config.userTzCacheMs,
      admins: config.admins,
      defaultOrgId: config.enos.orgId,
      selfLink: config.selfLink === 'email',
      inFlight,
      watches: store.watches,
      enosServerZone,
      backfill: config.backfill,
      pingStore: store.ping,
      jobs: store.jobs,
      recovery: config.recovery,
      enosRequestTimeoutMs: config.enos.requestTimeoutMs,
      previews: store.previews,
      ...(policy ? { policy } : {}),
      watch: {
        policy: {
          minIntervalMs: config.watch.pollMinMs,
          maxIntervalMs: config.watch.pollMaxMs,
          maxWatchMs: config.watch.maxMs,
        },
        leaseMs: config.watch.leaseMs,
        tickMs: config.watch.tickMs,
      },
    },
  );

  let retention: ReturnType<typeof startAuditRetention> | undefined;
  try {
    const { port } = await app.start();
    retention = startAuditRetention({
      audit: store.audit,
      clock: Date.now,
      retentionDays: config.auditRetentionDays,
      logger: logger.child({ component: 'audit-retention' }),
    });
    logger.info({ mode: config.slack.mode, port, store: store.backend }, 'flow-trigger is running');
  } catch (error) {
    logger.fatal(
      { err: error },
      'cannot start: check SLACK_BOT_TOKEN (and SLACK_APP_TOKEN in Socket Mode), SLACK_API_URL and PORT',
    );
    serverClock.stop();
    await Promise.allSettled([enos.close(), store.close()]);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, inFlight: inFlight.size }, 'shutting down: finishing the work in flight');
      serverClock.stop();
      try {
        await app.stop(SHUTDOWN_GRACE_MS);
      } catch (error) {
        logger.error({ err: error }, 'error while stopping the Slack app');
      }
      await retention?.stop();
      await Promise.allSettled([enos.close(), store.close()]);
      logger.info('stopped');
      resolve(0);
    };
    // SIGHUP reloads the policy file; a bad file keeps the policy in force, and says why.
    const reloadPolicy = async () => {
      if (!policy) {
        logger.info('SIGHUP: no POLICY_FILE is set, nothing to reload');
        return;
      }
      try {
        await policy.reload();
        logger.info(
          { file: config.policyFile, rules: policy.current()?.rules.length },
          'policy file reloaded',
        );
      } catch (error) {
        const problems = error instanceof PolicyError ? error.problems : [String(error)];
        logger.error(
          { file: config.policyFile, problems },
          'policy file not reloaded: keeping the policy in force; fix the file and send SIGHUP again',
        );
      }
    };
    process.on('SIGHUP', () => void reloadPolicy());
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Exit even if a stray handle lingers; unref'd, so a clean exit is not delayed.
    setTimeout(() => process.exit(code), 5000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`flow-trigger failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);

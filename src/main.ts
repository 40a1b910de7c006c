import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { appOptionsFromConfig, type ComposedApp, composeApp } from './compose-app';
import { ConfigError, loadConfig } from './config';
import { StoreError } from './core/errors';
import { PolicyError } from './core/policy/policy-problems';
import { createLogger } from './logger';
import { loadPolicyGate, type PolicyFileGate } from './slack/policy-gate';

/** How long shutdown waits for triggers in flight before exiting anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * The process: the only reader of `process.env` (and `.env`). It creates the logger, has the app
 * assembled by `composeApp` (src/compose-app.ts, shared with the tests) and owns the process
 * lifecycle (start, signals, exit codes).
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

  let composed: ComposedApp;
  try {
    composed = await composeApp(appOptionsFromConfig(config), {
      logger,
      clock: Date.now,
      newId: randomUUID,
      ...(policy ? { policy } : {}),
    });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    logger.fatal({ err: error }, 'cannot open the store: check STORE_URL and that the database is up');
    return 1;
  }

  try {
    const { port } = await composed.start();
    logger.info({ mode: config.slack.mode, port, store: composed.store.backend }, 'flow-trigger is running');
  } catch (error) {
    logger.fatal(
      { err: error },
      'cannot start: check SLACK_BOT_TOKEN (and SLACK_APP_TOKEN in Socket Mode), SLACK_API_URL and PORT',
    );
    await composed.close();
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(
        { signal, inFlight: composed.inFlight.size },
        'shutting down: finishing the work in flight',
      );
      await composed.stop(SHUTDOWN_GRACE_MS);
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

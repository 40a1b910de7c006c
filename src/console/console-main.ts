import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { ConfigError, loadConfig } from '../config';
import { createEnosClient } from '../enos/create-enos-client';
import { resolveServerZone } from '../enos/resolve-server-zone';
import { createLogger } from '../logger';
import { policyRefusalCheck } from '../slack/check-policy';
import { loadPolicyGate, type PolicyFileGate } from '../slack/policy-gate';
import { openStore } from '../store/open-store';
import { CONSOLE_HELP } from './run-console';
import { startConsole } from './start-console';

const USAGE =
  'usage: npm run console -- --as <SlackUserId>   (or --as <TeamId>:<SlackUserId>, e.g. --as T0123ABCD:U0456EFGH)';

/** `--as U…` or `--as T…:U…`, from the command line. */
export function parseAs(argv: readonly string[]): { teamId?: string; slackUserId: string } | undefined {
  const i = argv.indexOf('--as');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--as='))?.slice('--as='.length);
  const match = value?.match(/^(?:([TE][A-Z0-9]+):)?([UW][A-Z0-9]+)$/);
  if (!match?.[2]) return undefined;
  return { ...(match[1] ? { teamId: match[1] } : {}), slackUserId: match[2] };
}

/** The bot's Web API client: the workspace's name, and the policy file's #channels and @groups. */
function slackClient(config: ReturnType<typeof loadConfig>): WebClient {
  return new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    timeout: config.slack.apiTimeoutMs,
    retryConfig: { retries: 0 },
  });
}

/**
 * `npm run console -- --as <SlackUserId>`: the terminal front end against the configured EnOS and
 * store, as that Slack user's link, for an operator when Slack itself is down. Its attempts are
 * audited with source `console`. The runs it watches are kept in a temporary store of its own, so
 * that the Slack app's watcher never tries to report them in Slack.
 */
async function main(): Promise<number> {
  const as = parseAs(process.argv.slice(2));
  if (!as) {
    process.stderr.write(`${USAGE}\n`);
    return 64; // EX_USAGE
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const logger = createLogger({
    level: 'error',
    format: 'pretty',
    secrets: [config.slack.botToken, config.enos.secretKey, config.enos.accessKey],
    destination: process.stderr,
  });
  let teamId = as.teamId;
  if (!teamId) {
    // The workspace of the bot token; when Slack cannot be reached, the operator names it.
    try {
      const auth = await slackClient(config).auth.test();
      teamId = auth.team_id;
    } catch {
      teamId = undefined;
    }
    if (!teamId) {
      process.stderr.write(`Slack could not tell which workspace this is: name it.\n${USAGE}\n`);
      return 64;
    }
  }
  // POLICY_FILE applies here as everywhere (a rule naming channels refuses the console). A file
  // that names #channels or @groups needs Slack to load: when Slack is down, say so and stop.
  let policy: PolicyFileGate | undefined;
  if (config.policyFile) {
    try {
      policy = await loadPolicyGate({
        file: config.policyFile,
        client: slackClient(config),
        clock: Date.now,
      });
    } catch (error) {
      process.stderr.write(
        `The policy file ${config.policyFile} could not be loaded, so nothing can be triggered from the console: ${
          error instanceof Error ? error.message : String(error)
        }\n`,
      );
      return 78;
    }
  }
  const store = await openStore(config.storeUrl, { logger });
  const folder = mkdtempSync(join(tmpdir(), 'flow-trigger-console-'));
  const own = await openStore(`sqlite://${join(folder, 'watches.sqlite')}`, { logger });
  const enos = createEnosClient({
    gatewayUrl: config.enos.gatewayUrl,
    accessKey: config.enos.accessKey,
    secretKey: config.enos.secretKey,
    connectTimeoutMs: config.enos.connectTimeoutMs,
    requestTimeoutMs: config.enos.requestTimeoutMs,
    logger,
  });
  try {
    const link = await store.links.get(teamId, as.slackUserId);
    if (!link) {
      process.stderr.write(
        `${as.slackUserId} has no EnOS link in workspace ${teamId}: an admin links them in Slack (/flow-trigger link …).\n`,
      );
      return 1;
    }
    const { zone: serverZone } = await resolveServerZone({
      configured: config.enosServerTimezone,
      enos,
      logger,
    });
    await startConsole(
      {
        enos,
        links: store.links,
        claims: store.claims,
        audit: store.audit,
        watches: own.watches,
        clock: Date.now,
        logger,
        as: { teamId, slackUserId: as.slackUserId },
        zone: config.defaultTimezone,
        serverZone,
        admins: config.admins,
        selfLink: config.selfLink === 'email',
        watch: {
          policy: {
            minIntervalMs: config.watch.pollMinMs,
            maxIntervalMs: config.watch.pollMaxMs,
            maxWatchMs: config.watch.maxMs,
          },
          tickMs: 1000,
        },
        enosTimeoutMs: config.enos.requestTimeoutMs,
        backfill: config.backfill,
        ...(policy ? { checkPolicy: policyRefusalCheck({ policy }) } : {}),
        // In the console's own temporary store, as its watches: the app's engine could not report them.
        backfills: { store: own.backfills, tickMs: 1000 },
      },
      [
        `flow-trigger console, as ${as.slackUserId} (EnOS user ${link.userName}) in ${teamId}; times in ${config.defaultTimezone}.`,
        ...CONSOLE_HELP,
      ],
      logger,
    );
    return 0;
  } finally {
    await Promise.allSettled([enos.close(), store.close(), own.close()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`the console failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

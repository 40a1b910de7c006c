import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, type EnosConfig, loadEnosConfig } from '../config';
import { EnosApiError, FlowTriggerError } from '../core/errors';
import type { EnosCaller } from '../core/ports';
import { createEnosClient } from './create-enos-client';
import { createEnosHttp } from './enos-http';
import { createTokenProvider } from './token-provider';

/**
 * `npm run enos -- <command>`: talk to the EnOS gateway with the app's credentials, to check a
 * deployment's configuration or look at a flow without Slack.
 *
 *     npm run enos -- get-flow 3377 --user u123 [--org o456]
 *     npm run enos -- my-flows [expression] --user u123
 *     npm run enos -- get-instance 3377-20240115063000 --user u123
 *     npm run enos -- token
 *
 * Reads ENOS_API_GATEWAY_URL, ENOS_ACCESS_KEY, ENOS_SECRET_KEY, ENOS_ORG_ID (the default for
 * --org) and optionally ENOS_CONNECT_TIMEOUT_MS / ENOS_REQUEST_TIMEOUT_MS, from the environment
 * or a .env file in the current directory.
 */

/** Where the CLI writes; tests pass collectors. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = `Usage: npm run enos -- <command> [options]

Commands:
  get-flow <flowId>          Get Flow, as the app sees it (owners, parameters, tasks, locks)
  my-flows [expression]      Get My Flow: the flows the user owns or may see
  get-instance <instanceId>  Get Flow Instance: status and tasks of one run
  token                      Check the credentials: get an access token (never printed)

Options:
  --user, -u <userId>        EnOS user to act as (required for all but token), like u15426865866571
  --org, -o <orgId>          EnOS organization (default: ENOS_ORG_ID)
  --help, -h                 Show this help`;

const consoleOutput: CliOutput = {
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
};

class UsageError extends Error {}

/** Node's own errors come from another realm under jest: no `instanceof`. */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}

function isParseArgsError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function describeError(error: unknown): string {
  if (error instanceof FlowTriggerError) {
    const enosCode = error instanceof EnosApiError ? ` ${error.enosCode}` : '';
    return `Error ${error.code}${enosCode}: ${error.userMessage}\nDetails: ${error.message}`;
  }
  return `Error: ${messageOf(error)}`;
}

async function printToken(config: EnosConfig, out: CliOutput): Promise<void> {
  const http = createEnosHttp({
    connectTimeoutMs: config.connectTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  try {
    const tokens = createTokenProvider({
      http,
      gatewayUrl: config.gatewayUrl,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      clock: Date.now,
    });
    const token = await tokens.getToken();
    const seconds = Math.round((token.expiresAt - Date.now()) / 1000);
    // The token is a credential: say that it works and for how long, never what it is.
    out.stdout(`Access token obtained from ${config.gatewayUrl}; valid for ${seconds} s.`);
  } finally {
    await http.close();
  }
}

/**
 * Runs one CLI command and resolves with the process exit code (0 ok, 1 error). `env` is read
 * as given: loading a .env file is the caller's business.
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: CliOutput = consoleOutput,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        user: { type: 'string', short: 'u' },
        org: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    const [command, arg, ...extra] = positionals;
    if (values.help || command === undefined || command === 'help') {
      out.stdout(USAGE);
      return values.help || command === 'help' ? 0 : 1;
    }
    if (!['get-flow', 'my-flows', 'get-instance', 'token'].includes(command)) {
      throw new UsageError(`Unknown command "${command}".`);
    }
    if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}`);

    const config = loadEnosConfig(env);
    if (command === 'token') {
      await printToken(config, out);
      return 0;
    }
    if (!values.user) throw new UsageError('--user <userId> is required: the EnOS user to act as.');
    const caller: EnosCaller = { userId: values.user, orgId: values.org ?? config.orgId };
    const client = createEnosClient({
      gatewayUrl: config.gatewayUrl,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      connectTimeoutMs: config.connectTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    try {
      let result: unknown;
      if (command === 'get-flow') {
        if (!arg || !/^\d+$/.test(arg))
          throw new UsageError('get-flow needs a numeric flow id, like: get-flow 3377');
        result = await client.getFlow(caller, Number(arg));
      } else if (command === 'my-flows') {
        result = await client.getMyFlows(caller, arg);
      } else {
        if (!arg)
          throw new UsageError('get-instance needs an instance id, like: get-instance 3377-20240115063000');
        result = await client.getFlowInstance(caller, arg);
      }
      out.stdout(JSON.stringify(result, null, 2));
      return 0;
    } finally {
      await client.close();
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      out.stderr(`${messageOf(error)}\n\n${USAGE}`);
    } else if (error instanceof ConfigError) {
      out.stderr(error.message);
    } else {
      out.stderr(describeError(error));
    }
    return 1;
  }
}

if (require.main === module) {
  // Like the app: a .env in the current directory, without overriding the real environment.
  if (existsSync('.env')) process.loadEnvFile('.env');
  runCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}

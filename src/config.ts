import { z } from 'zod';
import { ianaServerZone } from './core/iana-server-zone';
import { FAILURE_LOGS_BUDGET_MS } from './core/read-failure-logs';

/**
 * Every environment variable of the app, in one zod schema. `loadConfig(env)` reports every
 * problem at once, each with how to fix it, so an operator fixes a deployment in one go.
 * `main.ts` is the only caller that passes `process.env`.
 */

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Empty strings count as unset: `FOO=` in a .env file should not be a value. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const required = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const httpUrl = (name: string, example: string) =>
  z
    .string({ error: `${name} is required: set it to a URL like ${example}` })
    .trim()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === 'https:' || u.protocol === 'http:';
        } catch {
          return false;
        }
      },
      { error: `${name} must be an http(s) URL like ${example}` },
    );

const positiveInt = (name: string, what: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number of ${what}` })
    .int({ error: `${name} must be a whole number of ${what}` })
    .positive({ error: `${name} must be greater than 0` });

/** A whole number from `min` to `max`, e.g. a port; `what` names its unit in the message. */
const intInRange = (name: string, what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be ${what}` })
    .int({ error: `${name} must be ${what}` })
    .min(min, { error: `${name} must be between ${min} and ${max}` })
    .max(max, { error: `${name} must be between ${min} and ${max}` });

const positiveNumber = (name: string, what: string) =>
  z.coerce
    .number({ error: `${name} must be a number of ${what}` })
    .refine((v) => Number.isFinite(v), { error: `${name} must be a number of ${what}` })
    .refine((v) => v > 0, { error: `${name} must be greater than 0` });

const enosSchema = z.object({
  ENOS_API_GATEWAY_URL: required(httpUrl('ENOS_API_GATEWAY_URL', 'https://apim-ppe1.envisioniot.com')),
  ENOS_ACCESS_KEY: required(
    z.string({
      error: 'ENOS_ACCESS_KEY is required: the access key (appKey) of the EnOS application',
    }),
  ),
  ENOS_SECRET_KEY: required(
    z.string({
      error: 'ENOS_SECRET_KEY is required: the secret key of the EnOS application',
    }),
  ),
  ENOS_ORG_ID: required(
    z
      .string({ error: 'ENOS_ORG_ID is required: the default EnOS organization ID, like o15578227985571' })
      .trim()
      .regex(/^o\d+$/, { error: 'ENOS_ORG_ID must be "o" followed by digits, like o15578227985571' }),
  ),
  ENOS_CONNECT_TIMEOUT_MS: optional(positiveInt('ENOS_CONNECT_TIMEOUT_MS', 'milliseconds')).default(5000),
  ENOS_REQUEST_TIMEOUT_MS: optional(positiveInt('ENOS_REQUEST_TIMEOUT_MS', 'milliseconds')).default(15000),
});

const schema = enosSchema.extend({
  SLACK_BOT_TOKEN: required(
    z
      .string({ error: 'SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from the app’s OAuth page' })
      .trim()
      .startsWith('xoxb-', { error: 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-' }),
  ),
  SLACK_SIGNING_SECRET: optional(z.string().trim()),
  SLACK_APP_TOKEN: optional(
    z.string().trim().startsWith('xapp-', {
      error: 'SLACK_APP_TOKEN must be an app-level token starting with xapp- (or unset for HTTP mode)',
    }),
  ),
  SLACK_API_URL: optional(httpUrl('SLACK_API_URL', 'https://slack.com/api/')).default(
    'https://slack.com/api/',
  ),
  SLACK_API_TIMEOUT_MS: optional(positiveInt('SLACK_API_TIMEOUT_MS', 'milliseconds')).default(10000),
  PORT: optional(intInRange('PORT', 'a TCP port number', 0, 65535)).default(3000),
  STORE_URL: optional(
    z
      .string()
      .trim()
      .regex(/^(sqlite|redis|rediss):\/\//, {
        error:
          'STORE_URL must start with sqlite://, redis:// or rediss://, like sqlite://data/flow-trigger.sqlite',
      }),
  ).default('sqlite://data/flow-trigger.sqlite'),
  FLOW_TRIGGER_ADMINS: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      )
      .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]+$/.test(id)), {
        error: 'FLOW_TRIGGER_ADMINS must be comma-separated Slack user IDs like U012ABCDEF,U034GHIJKL',
      }),
  ).default([]),
  DEFAULT_TIMEZONE: optional(
    z.string().trim().refine(isValidTimeZone, {
      error: 'DEFAULT_TIMEZONE must be an IANA time zone like Europe/Berlin, or UTC',
    }),
  ).default('UTC'),
  // No default: unset means "ask EnOS" (Get Time Zone) at start.
  ENOS_SERVER_TIMEZONE: optional(
    z
      .string()
      .trim()
      .transform((v, ctx) => {
        const zone = ianaServerZone(v);
        if (zone === undefined) {
          ctx.addIssue({
            code: 'custom',
            message:
              'ENOS_SERVER_TIMEZONE must be an IANA time zone like Asia/Shanghai, or a fixed offset like GMT+8 ' +
              'or UTC+08:00 (whole hours, or a half-hour offset some zone keeps all year); leave it unset to ask EnOS',
          });
          return z.NEVER;
        }
        return zone;
      }),
  ),
  BACKFILL_CAL_DT_OFFSET_DAYS: optional(
    intInRange(
      'BACKFILL_CAL_DT_OFFSET_DAYS',
      'a whole number of days, the gap between a run’s trigger date and its ${cal_dt} (EnOS’s default is 1)',
      0,
      366,
    ),
  ).default(1),
  // No default: unset means no policy (EnOS's own checks only). Read at start and on SIGHUP.
  POLICY_FILE: optional(
    z.string().trim().min(1, {
      error:
        'POLICY_FILE must be the path of a YAML policy file (see examples/policy.yml), or unset for no policy',
    }),
  ),
  WATCH_MAX_HOURS: optional(positiveNumber('WATCH_MAX_HOURS', 'hours')).default(24),
  WATCH_POLL_MIN_SECONDS: optional(positiveInt('WATCH_POLL_MIN_SECONDS', 'seconds')).default(15),
  WATCH_POLL_MAX_SECONDS: optional(positiveInt('WATCH_POLL_MAX_SECONDS', 'seconds')).default(300),
  WATCH_TICK_SECONDS: optional(positiveInt('WATCH_TICK_SECONDS', 'seconds')).default(5),
  WATCH_LEASE_SECONDS: optional(positiveInt('WATCH_LEASE_SECONDS', 'seconds')).default(120),
  BACKFILL_MAX_RUNS: optional(
    positiveInt('BACKFILL_MAX_RUNS', 'runs').max(1000, {
      error: 'BACKFILL_MAX_RUNS must be at most 1000: split a longer range into several backfills',
    }),
  ).default(100),
  ENOS_SELF_LINK: optional(z.enum(['email'], { error: 'ENOS_SELF_LINK must be "email" or unset' })),
  LOG_LEVEL: optional(
    z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }),
  ).default('info'),
  LOG_FORMAT: optional(z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty' })),
  NODE_ENV: optional(z.string()),
  USER_TZ_CACHE_SECONDS: optional(positiveInt('USER_TZ_CACHE_SECONDS', 'seconds')).default(600),
  TRIGGER_CONCURRENCY: optional(
    positiveInt('TRIGGER_CONCURRENCY', 'triggers').max(1000, {
      error: 'TRIGGER_CONCURRENCY must be at most 1000',
    }),
  ).default(16),
  TRIGGER_QUEUE_LIMIT: optional(
    intInRange('TRIGGER_QUEUE_LIMIT', 'a whole number of triggers', 0, 100_000),
  ).default(200),
  TRIGGER_QUEUE_PER_USER: optional(
    intInRange('TRIGGER_QUEUE_PER_USER', 'a whole number of triggers', 1, 100_000),
  ).default(20),
  HTTP_HEADERS_TIMEOUT_MS: optional(positiveInt('HTTP_HEADERS_TIMEOUT_MS', 'milliseconds')).default(5000),
  HTTP_REQUEST_TIMEOUT_MS: optional(positiveInt('HTTP_REQUEST_TIMEOUT_MS', 'milliseconds')).default(10_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: optional(positiveInt('HTTP_KEEP_ALIVE_TIMEOUT_MS', 'milliseconds')).default(
    5000,
  ),
  HTTP_MAX_CONNECTIONS: optional(
    intInRange('HTTP_MAX_CONNECTIONS', 'a whole number of connections', 1, 100_000),
  ).default(1000),
  AUDIT_RETENTION_DAYS: optional(
    intInRange('AUDIT_RETENTION_DAYS', 'a whole number of days (0 keeps audit records forever)', 0, 36_500),
  ).default(90),
  // Durable intake and recovery (src/slack/job-runner.ts).
  RECOVERY_MAX_AGE_SECONDS: optional(
    intInRange('RECOVERY_MAX_AGE_SECONDS', 'a whole number of seconds', 0, 7 * 24 * 3600),
  ).default(600),
  JOB_LEASE_SECONDS: optional(intInRange('JOB_LEASE_SECONDS', 'a whole number of seconds', 2, 3600)).default(
    30,
  ),
});

/** Thrown when the environment is unusable; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `flow-trigger cannot start: the configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee .env.example and the README (Configuration).',
    );
    this.name = 'ConfigError';
  }
}

export interface EnosConfig {
  gatewayUrl: string;
  accessKey: string;
  secretKey: string;
  orgId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
    apiTimeoutMs: number;
    /** Socket Mode when an app-level token is set, HTTP otherwise. */
    mode: 'socket' | 'http';
  };
  port: number;
  enos: EnosConfig;
  storeUrl: string;
  admins: string[];
  defaultTimezone: string;
  selfLink?: 'email';
  log: { level: (typeof LOG_LEVELS)[number]; format: 'json' | 'pretty' };
  userTzCacheMs: number;
  /** Triggers run at once, and waiting at most beyond those, in all and per caller (src/in-flight.ts). */
  triggers: { concurrency: number; queueLimit: number; queuePerUser: number };
  /**
   * The zone EnOS writes run times in (`yyyy-MM-dd HH:mm:ss` without a zone), as an IANA zone (a
   * fixed offset `GMT+8` becomes `Etc/GMT-8`); undefined when unset: ask EnOS at start.
   */
  enosServerTimezone?: string;
  /** POLICY_FILE: who may trigger what from where (docs/policy.md); undefined: no policy. */
  policyFile?: string;
  /** Limits of the HTTP server: slow clients are cut off, connections are bounded. */
  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
  /** Audit records older than this many days are deleted in the background; 0 keeps them. */
  auditRetentionDays: number;
  /** Trigger jobs after a crash: RECOVERY_MAX_AGE_SECONDS and JOB_LEASE_SECONDS, in ms. */
  recovery: { maxAgeMs: number; leaseMs: number };
  /** How triggered runs are watched. */
  watch: {
    maxMs: number;
    pollMinMs: number;
    pollMaxMs: number;
    tickMs: number;
    leaseMs: number;
  };
  /**
   * BACKFILL_CAL_DT_OFFSET_DAYS (a run's `${cal_dt}` is its trigger date in the server's zone minus
   * this: docs/backfill.md) and BACKFILL_MAX_RUNS.
   */
  backfill: { calDtOffsetDays: number; maxRuns: number };
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.');
    // Our messages name the variable already; zod's defaults do not.
    return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
  });
}

function enosFrom(env: z.infer<typeof enosSchema>): EnosConfig {
  return {
    gatewayUrl: env.ENOS_API_GATEWAY_URL,
    accessKey: env.ENOS_ACCESS_KEY,
    secretKey: env.ENOS_SECRET_KEY,
    orgId: env.ENOS_ORG_ID,
    connectTimeoutMs: env.ENOS_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: env.ENOS_REQUEST_TIMEOUT_MS,
  };
}

/** Only the EnOS variables: for the `npm run enos` command-line tool. */
export function loadEnosConfig(env: NodeJS.ProcessEnv): EnosConfig {
  const parsed = enosSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return enosFrom(parsed.data);
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (no SLACK_APP_TOKEN): copy it from the app’s ' +
        'Basic Information page, or set SLACK_APP_TOKEN to run in Socket Mode',
    );
  }
  if (parsed.success) problems.push(...watchProblems(parsed.data), ...httpProblems(parsed.data));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      apiTimeoutMs: e.SLACK_API_TIMEOUT_MS,
      mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    },
    port: e.PORT,
    enos: enosFrom(e),
    storeUrl: e.STORE_URL,
    admins: e.FLOW_TRIGGER_ADMINS,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    selfLink: e.ENOS_SELF_LINK,
    log: {
      level: e.LOG_LEVEL,
      format: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
    },
    userTzCacheMs: e.USER_TZ_CACHE_SECONDS * 1000,
    triggers: {
      concurrency: e.TRIGGER_CONCURRENCY,
      queueLimit: e.TRIGGER_QUEUE_LIMIT,
      queuePerUser: e.TRIGGER_QUEUE_PER_USER,
    },
    enosServerTimezone: e.ENOS_SERVER_TIMEZONE,
    policyFile: e.POLICY_FILE,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    recovery: { maxAgeMs: e.RECOVERY_MAX_AGE_SECONDS * 1000, leaseMs: e.JOB_LEASE_SECONDS * 1000 },
    watch: {
      maxMs: Math.round(e.WATCH_MAX_HOURS * 3_600_000),
      pollMinMs: e.WATCH_POLL_MIN_SECONDS * 1000,
      pollMaxMs: e.WATCH_POLL_MAX_SECONDS * 1000,
      tickMs: e.WATCH_TICK_SECONDS * 1000,
      leaseMs: e.WATCH_LEASE_SECONDS * 1000,
    },
    backfill: { calDtOffsetDays: e.BACKFILL_CAL_DT_OFFSET_DAYS, maxRuns: e.BACKFILL_MAX_RUNS },
  };
}

/** The WATCH_* variables that are each valid but do not fit together. */
function watchProblems(e: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (e.WATCH_POLL_MIN_SECONDS > e.WATCH_POLL_MAX_SECONDS) {
    problems.push(
      `WATCH_POLL_MIN_SECONDS (${e.WATCH_POLL_MIN_SECONDS}) is greater than WATCH_POLL_MAX_SECONDS ` +
        `(${e.WATCH_POLL_MAX_SECONDS}): polls start at the minimum and back off to the maximum; lower the first or raise the second`,
    );
  }
  // A lease that expires while its poll still waits for EnOS and Slack lets another replica poll
  // the same run at the same time: it must outlast the slowest poll.
  // The last poll of a failed run also reads its task logs, within their own budget.
  const slowestPollMs =
    e.ENOS_CONNECT_TIMEOUT_MS +
    e.ENOS_REQUEST_TIMEOUT_MS +
    2 * e.SLACK_API_TIMEOUT_MS +
    FAILURE_LOGS_BUDGET_MS;
  if (e.WATCH_LEASE_SECONDS * 1000 < slowestPollMs) {
    problems.push(
      `WATCH_LEASE_SECONDS (${e.WATCH_LEASE_SECONDS}) is shorter than one poll of a run can take ` +
        `(${Math.ceil(slowestPollMs / 1000)} s: the EnOS timeouts, two Slack calls and a failed run's logs); raise it to at least ` +
        `${Math.ceil(slowestPollMs / 1000)}`,
    );
  }
  return problems;
}

/** The HTTP_* variables that are each valid but do not fit together. */
function httpProblems(e: z.infer<typeof schema>): string[] {
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    return [
      `HTTP_HEADERS_TIMEOUT_MS (${e.HTTP_HEADERS_TIMEOUT_MS}) is greater than HTTP_REQUEST_TIMEOUT_MS ` +
        `(${e.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request; lower the first or raise the second`,
    ];
  }
  return [];
}

import { ConfigError, loadConfig, loadEnosConfig } from '../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  ENOS_API_GATEWAY_URL: 'https://apim-ppe1.envisioniot.com/prefix/',
  ENOS_ACCESS_KEY: 'access',
  ENOS_SECRET_KEY: 'secret',
  ENOS_ORG_ID: 'o15578227985571',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(valid)).toEqual({
      slack: {
        botToken: 'xoxb-1-2-abc',
        signingSecret: 'signing-secret',
        appToken: undefined,
        apiUrl: 'https://slack.com/api/',
        apiTimeoutMs: 10000,
        mode: 'http',
      },
      port: 3000,
      enos: {
        gatewayUrl: 'https://apim-ppe1.envisioniot.com/prefix/',
        accessKey: 'access',
        secretKey: 'secret',
        orgId: 'o15578227985571',
        connectTimeoutMs: 5000,
        requestTimeoutMs: 15000,
      },
      storeUrl: 'sqlite://data/flow-trigger.sqlite',
      auditRetentionDays: 90,
      admins: [],
      defaultTimezone: 'UTC',
      selfLink: undefined,
      log: { level: 'info', format: 'pretty' },
      userTzCacheMs: 600000,
      triggers: { concurrency: 16, queueLimit: 200, queuePerUser: 20 },
      // Unset: asked from EnOS at start.
      enosServerTimezone: undefined,
      http: {
        headersTimeoutMs: 5000,
        requestTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5000,
        maxConnections: 1000,
      },
      recovery: { maxAgeMs: 600_000, leaseMs: 30_000 },
      watch: { maxMs: 86_400_000, pollMinMs: 15_000, pollMaxMs: 300_000, tickMs: 5_000, leaseMs: 120_000 },
      backfill: { calDtOffsetDays: 1, maxRuns: 100 },
    });
  });

  it('reads the backfill variables, and says how to fix them', () => {
    expect(
      loadConfig({ ...valid, BACKFILL_CAL_DT_OFFSET_DAYS: '0', BACKFILL_MAX_RUNS: '366' }).backfill,
    ).toEqual({ calDtOffsetDays: 0, maxRuns: 366 });
    expect(problemsOf({ ...valid, BACKFILL_CAL_DT_OFFSET_DAYS: '-1', BACKFILL_MAX_RUNS: '1001' })).toEqual([
      'BACKFILL_CAL_DT_OFFSET_DAYS must be between 0 and 366',
      'BACKFILL_MAX_RUNS must be at most 1000: split a longer range into several backfills',
    ]);
    expect(problemsOf({ ...valid, BACKFILL_MAX_RUNS: 'many' })).toEqual([
      'BACKFILL_MAX_RUNS must be a whole number of runs',
    ]);
  });

  it('reads the recovery variables, and says how to fix them', () => {
    expect(loadConfig({ ...valid, RECOVERY_MAX_AGE_SECONDS: '0', JOB_LEASE_SECONDS: '10' }).recovery).toEqual(
      {
        maxAgeMs: 0,
        leaseMs: 10_000,
      },
    );
    expect(problemsOf({ ...valid, RECOVERY_MAX_AGE_SECONDS: 'ten', JOB_LEASE_SECONDS: '1' })).toEqual([
      'RECOVERY_MAX_AGE_SECONDS must be a whole number of seconds',
      'JOB_LEASE_SECONDS must be between 2 and 3600',
    ]);
  });

  it('reads every optional variable', () => {
    const config = loadConfig({
      ...valid,
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: 'xapp-1-A1-abc',
      SLACK_API_URL: 'https://slack-gov.com/api',
      PORT: '8080',
      STORE_URL: 'redis://:pw@redis:6379/1',
      FLOW_TRIGGER_ADMINS: ' U012ABC, W034DEF ,',
      DEFAULT_TIMEZONE: 'Europe/Berlin',
      ENOS_SELF_LINK: 'email',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
      ENOS_REQUEST_TIMEOUT_MS: '2500',
      TRIGGER_CONCURRENCY: '4',
      TRIGGER_QUEUE_LIMIT: '0',
      TRIGGER_QUEUE_PER_USER: '5',
    });
    expect(config.slack.mode).toBe('socket');
    expect(config.slack.signingSecret).toBeUndefined();
    expect(config.slack.apiUrl).toBe('https://slack-gov.com/api/');
    expect(config.port).toBe(8080);
    expect(config.storeUrl).toBe('redis://:pw@redis:6379/1');
    expect(config.admins).toEqual(['U012ABC', 'W034DEF']);
    expect(config.defaultTimezone).toBe('Europe/Berlin');
    expect(config.selfLink).toBe('email');
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.enos.requestTimeoutMs).toBe(2500);
    expect(config.triggers).toEqual({ concurrency: 4, queueLimit: 0, queuePerUser: 5 });
  });

  it('refuses trigger limits that would stop every trigger or hold unbounded work', () => {
    expect(
      problemsOf({
        ...valid,
        TRIGGER_CONCURRENCY: '0',
        TRIGGER_QUEUE_LIMIT: '-1',
        TRIGGER_QUEUE_PER_USER: '0',
      }),
    ).toEqual([
      'TRIGGER_CONCURRENCY must be greater than 0',
      'TRIGGER_QUEUE_LIMIT must be between 0 and 100000',
      'TRIGGER_QUEUE_PER_USER must be between 1 and 100000',
    ]);
    expect(
      problemsOf({
        ...valid,
        TRIGGER_CONCURRENCY: '1001',
        TRIGGER_QUEUE_LIMIT: 'lots',
        TRIGGER_QUEUE_PER_USER: '2.5',
      }),
    ).toEqual([
      'TRIGGER_CONCURRENCY must be at most 1000',
      'TRIGGER_QUEUE_LIMIT must be a whole number of triggers',
      'TRIGGER_QUEUE_PER_USER must be a whole number of triggers',
    ]);
  });

  it('reports every problem at once, each naming its variable and the fix', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      ENOS_API_GATEWAY_URL: 'apim-ppe1.envisioniot.com',
      ENOS_ORG_ID: '15578227985571',
      PORT: 'eighty',
      STORE_URL: 'mysql://db',
      FLOW_TRIGGER_ADMINS: 'alice',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'verbose',
      ENOS_CONNECT_TIMEOUT_MS: '0',
    });
    expect(problems).toEqual([
      'ENOS_API_GATEWAY_URL must be an http(s) URL like https://apim-ppe1.envisioniot.com',
      'ENOS_ACCESS_KEY is required: the access key (appKey) of the EnOS application',
      'ENOS_SECRET_KEY is required: the secret key of the EnOS application',
      'ENOS_ORG_ID must be "o" followed by digits, like o15578227985571',
      'ENOS_CONNECT_TIMEOUT_MS must be greater than 0',
      'SLACK_BOT_TOKEN must be a bot token starting with xoxb-',
      'PORT must be a TCP port number',
      'STORE_URL must start with sqlite://, redis:// or rediss://, like sqlite://data/flow-trigger.sqlite',
      'FLOW_TRIGGER_ADMINS must be comma-separated Slack user IDs like U012ABCDEF,U034GHIJKL',
      'DEFAULT_TIMEZONE must be an IANA time zone like Europe/Berlin, or UTC',
      'LOG_LEVEL must be one of debug, info, warn, error',
      'SLACK_SIGNING_SECRET is required in HTTP mode (no SLACK_APP_TOKEN): copy it from the app’s Basic Information page, or set SLACK_APP_TOKEN to run in Socket Mode',
    ]);
  });

  it('says which variables are missing on an empty environment, in one message', () => {
    let message = '';
    try {
      loadConfig({});
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of [
      'SLACK_BOT_TOKEN',
      'ENOS_API_GATEWAY_URL',
      'ENOS_ACCESS_KEY',
      'ENOS_SECRET_KEY',
      'ENOS_ORG_ID',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).toContain('See .env.example');
  });

  it('never echoes a secret value in its problems', () => {
    const problems = problemsOf({ ...valid, SLACK_BOT_TOKEN: 'xoxp-very-secret-user-token' });
    expect(problems.join('\n')).not.toContain('very-secret');
  });
});

describe('loadEnosConfig', () => {
  it('needs only the EnOS variables', () => {
    expect(
      loadEnosConfig({
        ENOS_API_GATEWAY_URL: 'http://127.0.0.1:1',
        ENOS_ACCESS_KEY: 'a',
        ENOS_SECRET_KEY: 's',
        ENOS_ORG_ID: 'o1',
      }),
    ).toEqual({
      gatewayUrl: 'http://127.0.0.1:1',
      accessKey: 'a',
      secretKey: 's',
      orgId: 'o1',
      connectTimeoutMs: 5000,
      requestTimeoutMs: 15000,
    });
    expect(() => loadEnosConfig({})).toThrow(ConfigError);
  });
});

describe('the run watcher’s configuration', () => {
  it('reads WATCH_* and ENOS_SERVER_TIMEZONE', () => {
    const config = loadConfig({
      ...valid,
      WATCH_MAX_HOURS: '1.5',
      WATCH_POLL_MIN_SECONDS: '10',
      WATCH_POLL_MAX_SECONDS: '600',
      WATCH_TICK_SECONDS: '2',
      WATCH_LEASE_SECONDS: '90',
      ENOS_SERVER_TIMEZONE: 'Asia/Shanghai',
    });
    expect(config.watch).toEqual({
      maxMs: 5_400_000,
      pollMinMs: 10_000,
      pollMaxMs: 600_000,
      tickMs: 2_000,
      leaseMs: 90_000,
    });
    expect(config.enosServerTimezone).toBe('Asia/Shanghai');
  });

  it('names every bad variable with how to fix it', () => {
    expect(
      problemsOf({
        ...valid,
        WATCH_MAX_HOURS: '0',
        WATCH_POLL_MIN_SECONDS: 'soon',
        WATCH_TICK_SECONDS: '1.5',
        ENOS_SERVER_TIMEZONE: 'Mars/Olympus',
      }),
    ).toEqual([
      'ENOS_SERVER_TIMEZONE must be an IANA time zone like Asia/Shanghai, or a fixed offset like GMT+8 or UTC+08:00 ' +
        '(whole hours, or a half-hour offset some zone keeps all year); leave it unset to ask EnOS',
      'WATCH_MAX_HOURS must be greater than 0',
      'WATCH_POLL_MIN_SECONDS must be a whole number of seconds',
      'WATCH_TICK_SECONDS must be a whole number of seconds',
    ]);
  });

  it('refuses a minimum interval above the maximum, and a lease shorter than a poll', () => {
    expect(problemsOf({ ...valid, WATCH_POLL_MIN_SECONDS: '600', WATCH_POLL_MAX_SECONDS: '60' })).toEqual([
      'WATCH_POLL_MIN_SECONDS (600) is greater than WATCH_POLL_MAX_SECONDS (60): polls start at the minimum and back off to the maximum; lower the first or raise the second',
    ]);
    expect(problemsOf({ ...valid, WATCH_LEASE_SECONDS: '10' })).toEqual([
      "WATCH_LEASE_SECONDS (10) is shorter than one poll of a run can take (50 s: the EnOS timeouts, two Slack calls and a failed run's logs); raise it to at least 50",
    ]);
  });
});

describe('ENOS_SERVER_TIMEZONE', () => {
  it('is unset by default (the app asks EnOS), and reads an IANA zone or a fixed offset as a zone', () => {
    expect(loadConfig(valid).enosServerTimezone).toBeUndefined();
    expect(loadConfig({ ...valid, ENOS_SERVER_TIMEZONE: '' }).enosServerTimezone).toBeUndefined();
    expect(loadConfig({ ...valid, ENOS_SERVER_TIMEZONE: 'GMT+8' }).enosServerTimezone).toBe('Etc/GMT-8');
    expect(loadConfig({ ...valid, ENOS_SERVER_TIMEZONE: 'UTC+05:30' }).enosServerTimezone).toBe(
      'Asia/Kolkata',
    );
    expect(loadConfig({ ...valid, ENOS_SERVER_TIMEZONE: 'Etc/GMT-8' }).enosServerTimezone).toBe('Etc/GMT-8');
    expect(() => loadConfig({ ...valid, ENOS_SERVER_TIMEZONE: 'GMT+8:20' })).toThrow(
      /ENOS_SERVER_TIMEZONE must be an IANA time zone like Asia\/Shanghai, or a fixed offset like GMT\+8/,
    );
  });
});

describe('the HTTP server’s configuration', () => {
  it('reads HTTP_*', () => {
    const config = loadConfig({
      ...valid,
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      HTTP_MAX_CONNECTIONS: '5000',
    });
    expect(config.http).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 5000,
    });
  });

  it('names every bad variable with how to fix it, and headers that may outlast the request', () => {
    expect(problemsOf({ ...valid, HTTP_MAX_CONNECTIONS: '0', HTTP_KEEP_ALIVE_TIMEOUT_MS: 'long' })).toEqual([
      'HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number of milliseconds',
      'HTTP_MAX_CONNECTIONS must be between 1 and 100000',
    ]);
    expect(problemsOf({ ...valid, HTTP_HEADERS_TIMEOUT_MS: '20000' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_MS (20000) is greater than HTTP_REQUEST_TIMEOUT_MS (10000): the headers are part of the request; lower the first or raise the second',
    ]);
  });
});

describe('AUDIT_RETENTION_DAYS', () => {
  it('takes whole days, 0 keeping records forever, and says how to fix anything else', () => {
    expect(loadConfig({ ...valid, AUDIT_RETENTION_DAYS: '30' }).auditRetentionDays).toBe(30);
    expect(loadConfig({ ...valid, AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    expect(() => loadConfig({ ...valid, AUDIT_RETENTION_DAYS: '1.5' })).toThrow(
      'AUDIT_RETENTION_DAYS must be a whole number of days (0 keeps audit records forever)',
    );
    expect(() => loadConfig({ ...valid, AUDIT_RETENTION_DAYS: '-1' })).toThrow(
      'AUDIT_RETENTION_DAYS must be between 0 and 36500',
    );
  });
});

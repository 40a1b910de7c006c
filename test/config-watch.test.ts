import { ConfigError, loadConfig } from '../src/config';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'signing-secret',
  ENOS_API_GATEWAY_URL: 'https://apim-ppe1.envisioniot.com',
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
      'ENOS_SERVER_TIMEZONE must be an IANA time zone like Europe/Berlin or Asia/Shanghai, or UTC',
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
      'WATCH_LEASE_SECONDS (10) is shorter than one poll of a run can take (40 s: the EnOS timeouts plus two Slack calls); raise it to at least 40',
    ]);
  });
});

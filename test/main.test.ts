/**
 * The composition root as a real process: configuration errors at start, a full start against the
 * loopback fakes, a trigger through it, and a clean exit on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeEnosGateway, startFakeEnosGateway } from './fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/fake-slack-api';
import { rawRequest, requestHead } from './helpers/raw-http';
import { type Run, runMain } from './helpers/run-main';
import { nowSeconds, sendSignedRequest, sendSlashCommand, signSlackRequest } from './helpers/slack-requests';
import { waitFor } from './helpers/wait-for';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-main-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('refuses to start on a bad configuration, naming every problem, with exit code 78', async () => {
  const run = runMain({ SLACK_BOT_TOKEN: 'xoxp-wrong-kind', PORT: 'x' }, dir);
  expect(await run.exit).toBe(78);
  const message = run.stderr.join('');
  expect(message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
  expect(message).toContain('PORT must be a TCP port number');
  expect(message).toContain('ENOS_API_GATEWAY_URL is required');
  expect(message).not.toContain('xoxp-wrong-kind');
}, 20_000);

it('exits non-zero with a clear message when the store cannot be reached', async () => {
  const slack = await startFakeSlackApi();
  try {
    const run = runMain(
      {
        SLACK_BOT_TOKEN: 'xoxb-main-test-token',
        SLACK_SIGNING_SECRET: 'main-test-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        ENOS_API_GATEWAY_URL: 'http://127.0.0.1:9',
        ENOS_ACCESS_KEY: 'k',
        ENOS_SECRET_KEY: 's',
        ENOS_ORG_ID: 'o1',
        STORE_URL: 'redis://:hunter2@127.0.0.1:9',
        LOG_FORMAT: 'json',
      },
      dir,
    );
    expect(await run.exit).toBe(1);
    const fatal = run.stdout
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toContain('cannot open the store');
    expect(run.stdout.join('\n')).not.toContain('hunter2');
  } finally {
    await slack.close();
  }
}, 20_000);

describe('a running app', () => {
  let slack: FakeSlackApi;
  let enos: FakeEnosGateway;
  beforeEach(async () => {
    slack = await startFakeSlackApi();
    enos = await startFakeEnosGateway();
    // An EnOS whose Get Time Zone says GMT+8: the app must read it as Etc/GMT-8.
    enos.setTimeZone('GMT+8');
  });
  afterEach(async () => {
    await slack.close();
    await enos.close();
  });

  /** A complete configuration against the fakes; the store is relative, as in the default. */
  const appEnv = (): NodeJS.ProcessEnv => ({
    SLACK_BOT_TOKEN: 'xoxb-main-test-token',
    SLACK_SIGNING_SECRET: 'main-test-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    ENOS_API_GATEWAY_URL: enos.url,
    ENOS_ACCESS_KEY: enos.accessKey,
    ENOS_SECRET_KEY: enos.secretKey,
    ENOS_ORG_ID: 'o15578227985571',
    FLOW_TRIGGER_ADMINS: 'U0ADMIN01',
    PORT: '0',
    LOG_FORMAT: 'json',
    STORE_URL: 'sqlite://data/store.sqlite',
  });

  /** Starts the app and resolves with its base URL once it logs that it runs. */
  const startApp = async (run: Run): Promise<string> => {
    const running = await waitFor(
      () =>
        run.stdout
          .map((l) => JSON.parse(l) as { msg: string; port?: number })
          .find((l) => l.msg === 'flow-trigger is running'),
      { timeoutMs: 15_000, description: `the app to start (stderr: ${run.stderr.join('')})` },
    );
    return `http://127.0.0.1:${running.port}`;
  };

  /** Links Alice (EnOS u1) through the admin command, as an operator would. */
  const linkAlice = async (base: string): Promise<void> => {
    enos.addUser({ userId: 'u1', userName: 'alice', orgId: 'o15578227985571' });
    enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: 'alice' });
    slack.addUser({ id: 'U0ALICE01', name: 'alice', tz: 'UTC' });
    const linked = await sendSlashCommand(base, 'main-test-signing-secret', {
      text: 'link <@U0ALICE01|alice> u1 alice',
      user_id: 'U0ADMIN01',
      response_url: slack.responseUrl('link'),
    });
    expect(linked.status).toBe(200);
    await slack.waitForResponse('link', undefined, 5000);
  };

  it('starts, answers /healthz, triggers a flow, and exits 0 on SIGTERM', async () => {
    const run = runMain(appEnv(), dir);
    const base = await startApp(run);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    // ENOS_SERVER_TIMEZONE unset: the zone is asked from EnOS once before the app runs (GMT+8 is
    // UTC+08:00), and its clock is compared with ours.
    expect(enos.requestsOf('time.getTimeZone')).toHaveLength(1);
    await enos.waitForRequest('time.getCurrentTime', 5000);
    expect(run.stdout.map((l) => JSON.parse(l) as { msg: string; zone?: string })).toContainEqual(
      expect.objectContaining({ msg: 'EnOS server time zone read from EnOS', zone: 'Etc/GMT-8' }),
    );

    await linkAlice(base);
    await sendSlashCommand(base, 'main-test-signing-secret', {
      text: '3377 REPLACE=ddee',
      user_id: 'U0ALICE01',
      response_url: slack.responseUrl('trigger'),
    });
    await slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined, 5000);
    expect(enos.triggers).toEqual([
      expect.objectContaining({
        userId: 'u1',
        flowId: 3377,
        parameters: [{ key: 'REPLACE', value: 'ddee' }],
        code: 0,
      }),
    ]);

    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const messages = run.stdout.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('stopped');
    // Secrets never reach the log.
    const all = run.stdout.join('\n') + run.stderr.join('');
    for (const secret of ['xoxb-main-test-token', 'main-test-signing-secret', enos.secretKey]) {
      expect(all).not.toContain(secret);
    }
  }, 30_000);

  it('on SIGTERM stops taking requests, finishes the trigger in flight, posts its result, and exits 0', async () => {
    const run = runMain(appEnv(), dir);
    const base = await startApp(run);
    await linkAlice(base);

    // EnOS is slow: the trigger is in flight when SIGTERM arrives.
    enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms: 1000 });
    await sendSlashCommand(base, 'main-test-signing-secret', { text: '3377', user_id: 'U0ALICE01' });
    await enos.waitForRequest('flows.updateAndTrigger', 5000);
    run.child.kill('SIGTERM');
    await waitFor(() => run.stdout.some((l) => l.includes('shutting down')), { timeoutMs: 5000 });
    // No new requests once shutdown has begun.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    expect(await run.exit).toBe(0);
    const reply = slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined);
    expect(JSON.stringify(reply?.args.blocks)).toContain(enos.triggers[0]!.instanceId!);
    expect(run.stderr.join('')).toBe('');
  }, 30_000);

  it('answers or drops requests of every shape, signed or not, and keeps serving: no exit, no unhandled rejection', async () => {
    const run = runMain(appEnv(), dir);
    const base = await startApp(run);
    const secret = 'main-test-signing-secret';
    const signed = (body: string) => {
      const ts = nowSeconds();
      return { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': signSlackRequest(secret, ts, body) };
    };
    const post = (path: string, headers: Record<string, string | number>, body = '') =>
      `${requestHead('POST', path, { 'Content-Length': Buffer.byteLength(body), ...headers })}${body}`;

    // The request that stopped the process before, and its neighbours, unsigned.
    const shapes: Array<[string, number | 'any']> = [
      [post('/', {}, 'x=1'), 404],
      [post('/healthz', {}, 'x=1'), 405],
      [post('/slack/events/', {}, 'x=1'), 404],
      [post('/slack/events', {}, 'command=%2Fflow-trigger'), 401],
      [requestHead('GET', '/slack/events'), 405],
      [requestHead('PUT', '/x/y?z'), 404],
      [requestHead('GET', '/livez'), 200],
      [requestHead('POST', '/slack/events', { 'Content-Length': 50_000_000 }), 401],
      [requestHead('POST', '/slack/events', { 'Content-Length': 50_000_000, ...signed('') }), 413],
      ['\u0000garbage\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: x\r\nX: y', 'any'],
      // Signed, of shapes Bolt cannot read or no listener takes.
      [
        post(
          '/slack/events',
          { 'Content-Type': 'application/x-www-form-urlencoded', ...signed('%70ayload=null') },
          '%70ayload=null',
        ),
        400,
      ],
      [post('/slack/events', { 'Content-Type': 'application/json', ...signed('[1,2]') }, '[1,2]'), 400],
      [
        post(
          '/slack/events',
          { 'Content-Type': 'application/json', ...signed('{"type":"x"}') },
          '{"type":"x"}',
        ),
        400,
      ],
    ];
    const answers = await Promise.all(shapes.map(([bytes]) => rawRequest(base, bytes, { timeoutMs: 3000 })));
    shapes.forEach(([, status], i) => {
      if (status !== 'any') expect({ shape: i, status: answers[i]!.status }).toEqual({ shape: i, status });
    });
    // Signed requests with bodies cut short and aborted, and a view submission without its metadata.
    const view = `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1', callback_id: 'trigger_flow_modal', state: { values: {} } } }))}`;
    const more = await Promise.all([
      rawRequest(base, post('/slack/events', { 'Content-Length': 999, ...signed('x') }, 'x'), {
        abort: true,
      }),
      sendSignedRequest(base, secret, view, 'application/x-www-form-urlencoded', { timeoutMs: 3000 }),
    ]);
    expect(more[1].status).toBe(400);

    // Still serving: a normal trigger works end to end.
    await linkAlice(base);
    await sendSlashCommand(base, secret, {
      text: '3377 REPLACE=after',
      user_id: 'U0ALICE01',
      response_url: slack.responseUrl('after'),
    });
    await slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined, 5000);
    expect(enos.triggers).toEqual([
      expect.objectContaining({ flowId: 3377, parameters: [{ key: 'REPLACE', value: 'after' }], code: 0 }),
    ]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    // It never exited on its own: SIGTERM finds it running, and nothing reached the process-level
    // handlers (strict mode would have crashed it; the handler would have logged).
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout.join('\n')).not.toContain('unhandled promise rejection');
    expect(run.stderr.join('')).toBe('');
  }, 30_000);
});

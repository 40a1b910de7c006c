/**
 * Proves the test fakes against the real Bolt App: the fake Web API (fake-slack-api.ts), the signed
 * request helpers (slack-requests.ts) and the fake Socket Mode backend (fake-socket-mode.ts).
 * Also a worked example of the setup and teardown end-to-end tests need.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, isValidSlackRequest, type Logger, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallbackBody,
  nowSeconds,
  sendEvent,
  sendInteraction,
  sendSlashCommand,
  signSlackRequest,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { sleep } from '../helpers/wait-for';
import { type FakeSlackApi, startFakeSlackApi } from './fake-slack-api';
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode';

const SECRET = 'secret';

/** Keeps Bolt quiet and lets a test assert on what it logged. */
function recordingLogger(): Logger & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  const log =
    (level: string) =>
    (...msg: unknown[]) => {
      lines.push({ level, text: msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ') });
    };
  let level = LogLevel.DEBUG;
  return {
    lines,
    debug: () => {},
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

describe('signSlackRequest', () => {
  it("matches Slack's documented example and Bolt's own verifier", () => {
    // From Slack's "Verifying requests from Slack" documentation.
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(secret, 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );

    const ts = nowSeconds();
    const valid = isValidSlackRequest({
      signingSecret: SECRET,
      body: 'a=b',
      headers: { 'x-slack-signature': signSlackRequest(SECRET, ts, 'a=b'), 'x-slack-request-timestamp': ts },
    });
    expect(valid).toBe(true);
  });
});

describe('fake Slack Web API with a Bolt HTTP app', () => {
  let fake: FakeSlackApi;
  let app: App;
  let baseUrl: string;
  let logger: ReturnType<typeof recordingLogger>;
  let commandRuns: { text: string; retryNum: number | undefined; retryReason: string | undefined }[];
  let postError: unknown;

  beforeEach(async () => {
    // The fake must listen before `new App`: the constructor calls auth.test right away.
    fake = await startFakeSlackApi();
    fake.addUser({ id: 'U123', name: 'ada', tz: 'Europe/Berlin', email: 'ada@example.com' });
    logger = recordingLogger();
    commandRuns = [];
    postError = undefined;
    app = new App({
      token: 'xoxb-test',
      signingSecret: SECRET,
      logger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/flow-trigger', async ({ command, ack, client, context, respond }) => {
      commandRuns.push({ text: command.text, retryNum: context.retryNum, retryReason: context.retryReason });
      if (command.text === 'modal') {
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'schedule',
            title: { type: 'plain_text', text: 'Schedule' },
            blocks: [],
          },
        });
        return;
      }
      await ack({ response_type: 'ephemeral', text: `Starting ${command.text}` });
      try {
        await client.chat.postMessage({
          channel: command.channel_id,
          text: `Flow ${command.text} started`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${command.text}*` } }],
        });
        await respond({ text: 'posted', replace_original: false });
      } catch (error) {
        postError = error;
        await respond({ text: 'failed' });
      }
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${portOf(server)}`;
  });

  afterEach(async () => {
    await app.stop();
    fake.assertNoUnhandled();
    await fake.close();
  });

  it('answers auth.test for Bolt at construction, with the bot token', async () => {
    const call = await fake.waitForCall('auth.test');
    expect(call.token).toBe('xoxb-test');
    expect(call.args).not.toHaveProperty('token');
  });

  it('delivers a signed slash command; the handler posts through the fake', async () => {
    const responseUrl = fake.responseUrl('cmd-1');
    const res = await sendSlashCommand(baseUrl, SECRET, {
      text: 'nightly',
      user_id: 'U123',
      channel_id: 'C42',
      response_url: responseUrl,
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Starting nightly' });

    const post = await fake.waitForCall('chat.postMessage');
    expect(post.token).toBe('xoxb-test');
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    expect(post.args).toEqual({
      channel: 'C42',
      text: 'Flow nightly started',
      // form-encoded as a JSON string by @slack/web-api, parsed back by the fake
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*nightly*' } }],
      // the listener's client adds the team of the incoming request to every call
      team_id: 'T0FAKE001',
    });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.ts).toMatch(/^\d{10}\.\d{6}$/);

    const response = await fake.waitForResponse('cmd-1');
    expect(response.body).toEqual({ text: 'posted', replace_original: false });
    expect(commandRuns).toEqual([{ text: 'nightly', retryNum: undefined, retryReason: undefined }]);
  });

  it('passes Slack retry headers through to context.retryNum / retryReason', async () => {
    const res = await sendSlashCommand(
      baseUrl,
      SECRET,
      { text: 'again', user_id: 'U123' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(res.status).toBe(200);
    expect(commandRuns).toEqual([{ text: 'again', retryNum: 1, retryReason: 'http_timeout' }]);
  });

  it.each([
    ['unsigned', { unsigned: true }],
    ['badly signed', { badSignature: true }],
    ['stale (10 minutes old)', { timestamp: nowSeconds() - 600 }],
  ])('refuses a %s request with 401 and does not run the handler', async (_name, opts) => {
    const res = await sendSlashCommand(baseUrl, SECRET, { text: 'nope', user_id: 'U123' }, opts);
    expect(res.status).toBe(401);
    await sleep(50);
    expect(commandRuns).toEqual([]);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('answers unknown methods with unknown_method and reports them in assertNoUnhandled', async () => {
    await expect(app.client.apiCall('flows.launch', { id: 1 })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { ok: false, error: 'unknown_method' },
    });
    expect(() => fake.assertNoUnhandled()).toThrow(
      /1 unhandled request\(s\):\n\s+POST \/api\/flows\.launch id=1/,
    );
    fake.reset(); // so afterEach's assertNoUnhandled passes
  });

  it('failNext({ error }) is a WebAPIPlatformError for the next call only', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    await sendSlashCommand(baseUrl, SECRET, {
      text: 'one',
      user_id: 'U123',
      response_url: fake.responseUrl('a'),
    });
    await fake.waitForResponse('a');
    expect(postError).toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { error: 'not_in_channel' },
    });

    postError = undefined;
    await sendSlashCommand(baseUrl, SECRET, {
      text: 'two',
      user_id: 'U123',
      response_url: fake.responseUrl('b'),
    });
    expect((await fake.waitForResponse('b')).body).toMatchObject({ text: 'posted' });
    expect(postError).toBeUndefined();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2); // the failed call is recorded too
  });

  it('setBotNotInChannel answers not_in_channel until conversations.join', async () => {
    fake.setBotNotInChannel('C9');
    await expect(app.client.chat.postMessage({ channel: 'C9', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    await expect(app.client.conversations.info({ channel: 'C9' })).resolves.toMatchObject({
      channel: { id: 'C9', is_member: false },
    });
    await app.client.conversations.join({ channel: 'C9' });
    await expect(app.client.chat.postMessage({ channel: 'C9', text: 'hi' })).resolves.toMatchObject({
      ok: true,
      channel: 'C9',
    });
  });

  it('a 429 surfaces as WebAPIRequestError with retries: 0, or WebAPIRateLimitedError with rejectRateLimitedCalls', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 0 });
    // The client sleeps Retry-After seconds, then throws a plain Error that its own catch wraps.
    await expect(app.client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RequestError,
      original: { message: expect.stringMatching(/A rate limit was exceeded .*retry-after: 0/) },
    });

    const strict = new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger,
    });
    fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it('a 500, a dropped connection and a delay are seen as the client sees them', async () => {
    fake.failNext('users.info', { status: 500 });
    await expect(app.client.users.info({ user: 'U123' })).rejects.toMatchObject({
      code: webApi.ErrorCode.HTTPError,
      statusCode: 500,
    });
    fake.failNext('users.info', { drop: true });
    await expect(app.client.users.info({ user: 'U123' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RequestError,
    });
    fake.failNext('users.info', { delayMs: 150 });
    const started = Date.now();
    await expect(app.client.users.info({ user: 'U123' })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.callsOf('users.info')).toHaveLength(3);
  });

  it('users.info returns tz and profile.email; unknown users are user_not_found', async () => {
    const result = await app.client.users.info({ user: 'U123' });
    expect(result.user).toMatchObject({
      id: 'U123',
      name: 'ada',
      tz: 'Europe/Berlin',
      team_id: 'T0FAKE001',
      profile: { email: 'ada@example.com' },
    });
    expect([3600, 7200]).toContain(result.user?.tz_offset);
    await expect(app.client.users.info({ user: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('chat.postMessage in a thread, chat.update, chat.postEphemeral', async () => {
    const parent = await app.client.chat.postMessage({ channel: 'C1', text: 'parent' });
    const reply = await app.client.chat.postMessage({ channel: 'C1', text: 'child', thread_ts: parent.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    expect(reply.message).toMatchObject({ thread_ts: parent.ts, bot_id: 'B0BOT0001', user: 'U0BOT0001' });

    await app.client.chat.update({ channel: 'C1', ts: reply.ts!, text: 'child (done)' });
    expect(fake.messages.map((m) => m.text)).toEqual(['parent', 'child (done)']);
    await expect(app.client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });

    const eph = await app.client.chat.postEphemeral({ channel: 'C1', user: 'U123', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('views.open from a slash command, views.update with hash, a view_submission ack body', async () => {
    app.view('schedule', async ({ ack, view }) => {
      const time = view.state.values.when?.time?.selected_time;
      await ack({ response_action: 'errors', errors: { when: `bad time ${time}` } });
    });
    await sendSlashCommand(baseUrl, SECRET, { text: 'modal', user_id: 'U123', trigger_id: 'trig-1' });
    const open = await fake.waitForCall('views.open');
    expect(open.args).toMatchObject({
      trigger_id: 'trig-1',
      view: { type: 'modal', callback_id: 'schedule' },
    });
    const [stored] = [...fake.views.values()];
    expect(stored?.id).toMatch(/^V/);

    // trigger ids are single-use, like Slack's
    await expect(
      app.client.views.open({
        trigger_id: 'trig-1',
        view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] },
      }),
    ).rejects.toMatchObject({ data: { error: 'expired_trigger_id' } });

    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'New' }, blocks: [] };
    await expect(app.client.views.update({ view_id: stored!.id, hash: 'stale', view })).rejects.toMatchObject(
      {
        data: { error: 'hash_conflict' },
      },
    );
    const updated = await app.client.views.update({ view_id: stored!.id, hash: stored!.hash, view });
    expect(updated.view).toMatchObject({ id: stored!.id, title: { text: 'New' } });

    const res = await sendInteraction(
      baseUrl,
      SECRET,
      viewSubmissionPayload({
        user_id: 'U123',
        callback_id: 'schedule',
        values: { when: { time: { type: 'timepicker', selected_time: '25:00' } } },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_action: 'errors', errors: { when: 'bad time 25:00' } });
  });

  it('block_actions and block_suggestion interactions reach their handlers', async () => {
    const clicked: string[] = [];
    app.action('cancel_run', async ({ ack, action }) => {
      await ack();
      if (action.type === 'button') clicked.push(action.value ?? '');
    });
    app.options('flow_pick', async ({ ack, options }) => {
      await ack({ options: [{ text: { type: 'plain_text', text: options.value }, value: options.value }] });
    });
    const click = await sendInteraction(
      baseUrl,
      SECRET,
      blockActionsPayload({ user_id: 'U123', actions: [{ action_id: 'cancel_run', value: 'run-7' }] }),
    );
    expect(click.status).toBe(200);
    expect(click.body).toBe('');
    expect(clicked).toEqual(['run-7']);

    const suggest = await sendInteraction(
      baseUrl,
      SECRET,
      blockSuggestionPayload({ user_id: 'U123', action_id: 'flow_pick', value: 'night' }),
    );
    expect(suggest.json).toEqual({
      options: [{ text: { type: 'plain_text', text: 'night' }, value: 'night' }],
    });
  });

  it('Events API bodies are accepted (JSON, signed)', async () => {
    const mentions: string[] = [];
    app.event('app_mention', async ({ event }) => {
      mentions.push(event.text);
    });
    const res = await sendEvent(
      baseUrl,
      SECRET,
      eventCallbackBody({
        type: 'app_mention',
        user: 'U123',
        text: '<@U0BOT0001> hi',
        channel: 'C1',
        ts: '1.1',
      }),
    );
    expect(res.status).toBe(200);
    expect(mentions).toEqual(['<@U0BOT0001> hi']);
  });

  it('waitForCall rejects with the calls seen so far', async () => {
    await app.client.users.info({ user: 'U123' });
    await expect(fake.waitForCall('chat.postMessage', undefined, 50)).rejects.toThrow(
      /no matching chat.postMessage call within 50 ms. Calls seen so far:\n\s+auth.test .*\n\s+users.info \{"user":"U123"\}/,
    );
  });

  it("a response_url can be scripted to fail; Bolt's respond() then throws RespondError", async () => {
    fake.failNext('response_url', { status: 404, body: 'expired_url' });
    await sendSlashCommand(baseUrl, SECRET, {
      text: 'x',
      user_id: 'U123',
      response_url: fake.responseUrl('gone'),
    });
    // the handler's catch answers again through the same URL
    await fake.waitForResponse('gone', (r) => (r.body as { text?: string }).text === 'failed');
    expect(postError).toMatchObject({ code: 'slack_bolt_respond_error', statusCode: 404 });
    expect(fake.responsesOf('gone').map((r) => r.body)).toEqual([
      { text: 'posted', replace_original: false },
      { text: 'failed' },
    ]);
  });
});

describe('fake Socket Mode with a Bolt socketMode app', () => {
  let api: FakeSlackApi;
  let socket: FakeSocketMode;
  let app: App | undefined;
  let runs: { text: string; retryNum: number | undefined; retryReason: string | undefined }[];

  /** Builds and starts the app; `receiver` replaces the one Bolt builds from `socketMode: true`. */
  async function startApp(receiver?: SocketModeReceiver): Promise<App> {
    const clientOptions = { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } };
    const started = new App({
      token: 'xoxb-test',
      logger: recordingLogger(),
      // reaches the Socket Mode client's own WebClient too (Bolt copies it into installerOptions.clientOptions)
      clientOptions,
      ...(receiver ? { receiver } : { appToken: 'xapp-test', socketMode: true }),
    });
    started.command('/flow-trigger', async ({ command, ack, client, context }) => {
      runs.push({ text: command.text, retryNum: context.retryNum, retryReason: context.retryReason });
      await ack({ text: `Starting ${command.text}` });
      await client.chat.postMessage({ channel: command.channel_id, text: `Flow ${command.text} started` });
    });
    started.action('cancel_run', async ({ ack }) => {
      await ack();
    });
    app = started;
    await started.start(); // resolves once the fake has sent `hello`
    return started;
  }

  beforeEach(async () => {
    api = await startFakeSlackApi();
    socket = await startFakeSocketMode(api);
    runs = [];
    app = undefined;
  });

  afterEach(async () => {
    await app?.stop(); // first: the client must stop reconnecting before the server goes away
    await socket.waitForDisconnect();
    await socket.close();
    api.assertNoUnhandled();
    await api.close();
  });

  it('connects via apps.connections.open with the app token', async () => {
    await startApp();
    const open = await api.waitForCall('apps.connections.open');
    expect(open.token).toBe('xapp-test');
    expect(socket.connectionCount).toBe(1);
  });

  it('delivers a slash command envelope; the ack payload comes back', async () => {
    await startApp();
    const ack = await socket.sendSlashCommand({ text: 'nightly', user_id: 'U123', channel_id: 'C42' });
    expect(ack.payload).toEqual({ text: 'Starting nightly' });
    const post = await api.waitForCall('chat.postMessage');
    expect(post.args).toMatchObject({ channel: 'C42', text: 'Flow nightly started' });
    expect(post.token).toBe('xoxb-test');
  });

  it('redelivers the same envelope with retry_attempt / retry_reason (Bolt runs the handler again)', async () => {
    await startApp();
    const first = await socket.sendSlashCommand({ text: 'once', user_id: 'U123' });
    const second = await socket.redeliver(first.envelope_id, { retry_attempt: 1, retry_reason: 'timeout' });
    expect(second.envelope_id).toBe(first.envelope_id);
    expect(runs).toEqual([
      { text: 'once', retryNum: undefined, retryReason: undefined },
      { text: 'once', retryNum: 1, retryReason: 'timeout' },
    ]);
    expect(socket.envelopes.map((e) => e.retry_attempt)).toEqual([undefined, 1]);
  });

  it('delivers interactive envelopes; a bare ack() comes back as an empty payload', async () => {
    await startApp();
    const ack = await socket.sendInteractive(
      blockActionsPayload({ user_id: 'U123', actions: [{ action_id: 'cancel_run', value: 'run-1' }] }),
    );
    expect(ack.payload).toEqual({});
  });

  it('rejects with a helpful message when nothing acks', async () => {
    await startApp();
    await expect(
      socket.sendInteractive(blockActionsPayload({ user_id: 'U123', actions: [{ action_id: 'unknown' }] }), {
        ackTimeoutMs: 100,
      }),
    ).rejects.toThrow(/no ack for interactive envelope .* within 100 ms/);
  });

  it('refuses a bot token on apps.connections.open, like Slack', async () => {
    const client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: api.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(client.apps.connections.open()).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
  });

  it('reconnects after a disconnect request (explicit SocketModeReceiver with a short clientPingTimeout)', async () => {
    // The client waits clientPingTimeout (default 5 s) before reconnecting; an explicit receiver shortens it.
    // An explicit receiver does not get the App's clientOptions: pass them in installerOptions.
    const receiver = new SocketModeReceiver({
      appToken: 'xapp-test',
      clientPingTimeout: 300,
      logger: recordingLogger(),
      installerOptions: { clientOptions: { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } } },
    });
    await startApp(receiver);
    api.reset();
    socket.requestDisconnect();
    await api.waitForCall('apps.connections.open', undefined, 3000);
    await socket.waitForConnection();
    const ack = await socket.sendSlashCommand({ text: 'after', user_id: 'U123' });
    expect(ack.payload).toEqual({ text: 'Starting after' });
  });
});

import { EnosAuthError, EnosConnectionError } from '../../src/core/errors';
import { createEnosClient } from '../../src/enos/create-enos-client';
import { startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type EnosTestSetup, manualClock, rejectionOf, setUpEnos } from './enos-test-setup';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('access token handling', () => {
  let t: EnosTestSetup;
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  const tokensUsed = () =>
    t.enos.requests.filter((r) => r.signatureValid !== undefined).map((r) => r.headers['apim-accesstoken']);

  it('fetches one token and reuses it for many calls', async () => {
    t = await setUpEnos();
    for (let i = 0; i < 5; i++) await t.client.getFlow(t.alice, 3377);
    await t.client.getMyFlows(t.alice);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 0 });
    expect(new Set(tokensUsed()).size).toBe(1);
    const [tokenRequest] = t.enos.requestsOf('token.get');
    expect(tokenRequest?.body).toEqual({
      appKey: 'fake-access-key',
      encryption: expect.stringMatching(/^[0-9a-f]{64}$/),
      timestamp: expect.any(Number),
    });
    expect(tokenRequest?.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('shares one token fetch between concurrent first calls', async () => {
    t = await setUpEnos();
    const flows = await Promise.all(Array.from({ length: 10 }, () => t.client.getFlow(t.alice, 3377)));
    expect(flows.map((f) => f.flowId)).toEqual(Array(10).fill(3377));
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 0 });
  });

  it('refreshes the token 5 minutes before it expires, not earlier', async () => {
    const clock = manualClock();
    t = await setUpEnos({ fake: { clock, tokenLifetimeSeconds: 2 * 3600 }, client: { clock } });
    await t.client.getFlow(t.alice, 3377);
    clock.advance(2 * HOUR - 6 * MINUTE);
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 0 });

    clock.advance(2 * MINUTE); // 4 minutes left
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 1 });
    const [first, second, third] = tokensUsed();
    expect(second).toBe(first);
    expect(third).not.toBe(first);
    expect(t.enos.requestsOf('token.refresh')[0]?.body).toMatchObject({ accessToken: first });

    // The refreshed token has a full lifetime again.
    clock.advance(HOUR);
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 1 });
  });

  it('honours a configured refresh margin', async () => {
    const clock = manualClock();
    t = await setUpEnos({
      fake: { clock, tokenLifetimeSeconds: 600 },
      client: { clock, tokenRefreshMarginMs: MINUTE },
    });
    await t.client.getFlow(t.alice, 3377);
    clock.advance(8 * MINUTE);
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 0 });
    clock.advance(1.5 * MINUTE);
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 1, refresh: 1 });
  });

  it('gets a new token with token/get once the old one has expired', async () => {
    const clock = manualClock();
    t = await setUpEnos({ fake: { clock, tokenLifetimeSeconds: 7200 }, client: { clock } });
    await t.client.getFlow(t.alice, 3377);
    clock.advance(2 * HOUR + 1000);
    await t.client.getFlow(t.alice, 3377);
    expect(t.enos.tokenFetches).toEqual({ get: 2, refresh: 0 });
    expect(t.enos.requestsOf('flows.get').map((r) => r.answered)).toEqual([200, 200]);
  });

  it('falls back to token/get when the refresh is refused', async () => {
    const clock = manualClock();
    t = await setUpEnos({ fake: { clock, tokenLifetimeSeconds: 7200 }, client: { clock } });
    await t.client.getFlow(t.alice, 3377);
    t.enos.failNext('token.refresh', {
      kind: 'enos-error',
      code: 1204,
      msg: 'Failed to refresh access token.',
    });
    clock.advance(2 * HOUR - MINUTE);
    await expect(t.client.getFlow(t.alice, 3377)).resolves.toMatchObject({ flowId: 3377 });
    expect(t.enos.tokenFetches).toEqual({ get: 2, refresh: 1 });
  });

  it('uses a fresh timestamp for every token request, even with a frozen clock', async () => {
    const clock = manualClock();
    t = await setUpEnos({ fake: { clock }, client: { clock } });
    for (let i = 0; i < 3; i++) {
      await t.client.getFlow(t.alice, 3377);
      t.enos.expireTokens();
    }
    const stamps = t.enos.requestsOf('token.get').map((r) => (r.body as { timestamp: number }).timestamp);
    expect(stamps).toHaveLength(3);
    expect(new Set(stamps).size).toBe(3);
    // None was refused as a duplicated request (1001).
    expect(t.enos.requestsOf('flows.get').filter((r) => r.answered === 200)).toHaveLength(3);
  });

  it('retries once with a new timestamp when the token service says 1001 (duplicated request)', async () => {
    t = await setUpEnos();
    t.enos.failNext('token.get', { kind: 'enos-error', code: 1001 });
    await expect(t.client.getFlow(t.alice, 3377)).resolves.toMatchObject({ flowId: 3377 });
    expect(t.enos.tokenFetches.get).toBe(2);
  });

  it.each([
    ['expired', (e: EnosTestSetup['enos']) => e.expireTokens(), 1203],
    ['revoked', (e: EnosTestSetup['enos']) => e.revokeTokens(), 1004],
  ])(
    'gets a new token and retries the call once when the gateway says the token is %s',
    async (_n, spoil, status) => {
      t = await setUpEnos();
      await t.client.getFlow(t.alice, 3377);
      spoil(t.enos);
      await expect(t.client.getFlow(t.alice, 3377)).resolves.toMatchObject({ flowId: 3377 });
      const calls = t.enos.requestsOf('flows.get');
      expect(calls.map((r) => r.answered)).toEqual([200, 401, 200]);
      expect(calls[1]?.headers['apim-accesstoken']).toBe(calls[0]?.headers['apim-accesstoken']);
      expect(calls[2]?.headers['apim-accesstoken']).not.toBe(calls[1]?.headers['apim-accesstoken']);
      expect(JSON.parse(calls[1]?.answerBody ?? '')).toMatchObject({ status });
      expect(t.enos.tokenFetches).toEqual({ get: 2, refresh: 0 });
    },
  );

  it('retries a trigger refused for its token once; EnOS runs it exactly once', async () => {
    t = await setUpEnos();
    await t.client.getFlow(t.alice, 3377);
    t.enos.revokeTokens();
    const result = await t.client.updateAndTrigger(t.alice, {
      flowId: 3377,
      triggerTime: Date.now(),
      parameters: [],
    });
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.answered)).toEqual([401, 200]);
    expect(t.enos.triggers).toHaveLength(1);
    expect(t.enos.triggers[0]?.instanceId).toBe(result.flowInstanceId);
  });

  it('gives up with EnosAuthError when the gateway rejects the fresh token too', async () => {
    t = await setUpEnos();
    const refusal = {
      kind: 'http',
      status: 401,
      body: '{"status":1203,"msg":"The access token has expired."}',
    } as const;
    t.enos.failNext('flows.get', refusal, 2);
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosAuthError);
    expect(error).toMatchObject({ code: 'ENOS_AUTH', status: 1203 });
    expect((error as EnosAuthError).message).toContain('ENOS_SECRET_KEY');
    expect((error as EnosAuthError).userMessage).toContain('ENOS_ACCESS_KEY');
    expect((error as EnosAuthError).cause).toMatchObject({
      kind: 'token-rejected',
      httpStatus: 401,
      gatewayStatus: 1203,
    });
    expect(t.enos.requestsOf('flows.get')).toHaveLength(2);
    expect(t.enos.tokenFetches.get).toBe(2);
  });
});

describe('credentials the token service refuses', () => {
  it.each([
    ['an unknown access key', { accessKey: 'nope' }, 1002, 'ENOS_ACCESS_KEY'],
    ['a wrong secret key', { secretKey: 'wrong' }, 1003, 'ENOS_SECRET_KEY'],
  ])('fails with EnosAuthError for %s, and sends no business call', async (_n, creds, status, variable) => {
    const enos = await startFakeEnosGateway();
    const client = createEnosClient({
      gatewayUrl: enos.url,
      accessKey: enos.accessKey,
      secretKey: enos.secretKey,
      ...creds,
    });
    try {
      const error = await rejectionOf(
        client.updateAndTrigger({ userId: 'u1', orgId: 'o1' }, { flowId: 1, triggerTime: 1, parameters: [] }),
      );
      expect(error).toBeInstanceOf(EnosAuthError);
      expect(error).toMatchObject({ status, code: 'ENOS_AUTH' });
      expect((error as EnosAuthError).message).toContain(variable);
      expect((error as EnosAuthError).userMessage).toContain(variable);
      expect((error as EnosAuthError).cause).toMatchObject({ status });
      expect(enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
      expect(enos.unhandled).toEqual([]);
    } finally {
      await client.close();
      await enos.close();
    }
  });

  it('reports a token service that cannot be reached as not-sent', async () => {
    const enos = await startFakeEnosGateway();
    enos.failNext('token.get', { kind: 'drop', when: 'before-body' }, 3);
    const client = createEnosClient({
      gatewayUrl: enos.url,
      accessKey: enos.accessKey,
      secretKey: enos.secretKey,
      retryBackoffMs: [1, 1],
    });
    try {
      const error = await rejectionOf(
        client.updateAndTrigger({ userId: 'u1', orgId: 'o1' }, { flowId: 1, triggerTime: 1, parameters: [] }),
      );
      expect(error).toBeInstanceOf(EnosConnectionError);
      // The token request may have arrived, but the trigger certainly did not.
      expect(error).toMatchObject({ delivery: 'not-sent' });
      expect(enos.tokenFetches.get).toBe(3);
      expect(enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    } finally {
      await client.close();
      await enos.close();
    }
  });
});

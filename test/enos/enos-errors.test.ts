import {
  EnosApiError,
  EnosConnectionError,
  EnosHttpError,
  EnosMalformedResponseError,
  EnosTimeoutError,
  explainEnosCode,
} from '../../src/core/errors';
import { createEnosClient } from '../../src/enos/create-enos-client';
import { startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type EnosTestSetup, manualClock, rejectionOf, setUpEnos } from './enos-test-setup';

const trigger = (flowId = 3377) => ({ flowId, triggerTime: Date.UTC(2024, 0, 15, 6, 0, 0), parameters: [] });

describe('typed errors', () => {
  let t: EnosTestSetup;
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  describe('EnosApiError from the rules EnOS enforces on Update And Trigger', () => {
    it.each([
      ['an unknown user', { userId: 'u404', orgId: 'o1' }, 3377, 62101],
      ['a user of another organization', { userId: 'u1', orgId: 'o2' }, 3377, 62101],
      ['an unknown flow', { userId: 'u1', orgId: 'o1' }, 999, 62102],
      ['a user who is not an owner', { userId: 'u3', orgId: 'o1' }, 3377, 62103],
      ['a locked flow', { userId: 'u1', orgId: 'o1' }, 50, 62103],
      ['a flow without tasks', { userId: 'u1', orgId: 'o1' }, 60, 62104],
      ['a locked user', { userId: 'u2', orgId: 'o1' }, 3377, 62105],
    ])('%s', async (_name, caller, flowId, enosCode) => {
      t = await setUpEnos();
      t.enos.addUser({ userId: 'u2', userName: 'bob', orgId: 'o1', locked: true });
      t.enos.addUser({ userId: 'u3', userName: 'carol', orgId: 'o1' });
      t.enos.addFlow({ flowId: 50, owner: 'alice', locked: true });
      t.enos.addFlow({ flowId: 60, owner: 'alice', tasks: [] });
      const error = await rejectionOf(t.client.updateAndTrigger(caller, trigger(flowId)));
      expect(error).toBeInstanceOf(EnosApiError);
      expect(error).toMatchObject({
        code: 'ENOS_API_ERROR',
        enosCode,
        userMessage: explainEnosCode(enosCode),
      });
      expect((error as EnosApiError).cause).toMatchObject({
        code: enosCode,
        msg: (error as EnosApiError).enosMessage,
      });
      expect(t.enos.triggers.map((x) => x.code)).toEqual([enosCode]);
      expect(t.enos.instance(`${flowId}-20240115060000`)).toBeUndefined();
    });

    it('refuses the same flow within a minute (62102), and accepts it after', async () => {
      const clock = manualClock();
      t = await setUpEnos({ fake: { clock }, client: { clock } });
      const first = await t.client.updateAndTrigger(t.alice, trigger());
      clock.advance(59_000);
      const error = await rejectionOf(t.client.updateAndTrigger(t.alice, trigger()));
      expect(error).toBeInstanceOf(EnosApiError);
      expect(error).toMatchObject({ enosCode: 62102, enosMessage: expect.stringContaining('1 minute') });
      clock.advance(2000);
      const third = await t.client.updateAndTrigger(t.alice, trigger());
      expect(first.flowInstanceId).toBe('3377-20240115060000');
      expect(third.flowInstanceId).toMatch(/^3377-\d{14}$/);
      expect(third.flowInstanceId).not.toBe(first.flowInstanceId);
      expect(t.enos.triggers.map((x) => x.code)).toEqual([0, 62102, 0]);
    });
  });

  it('gives an unknown EnOS code the generic explanation', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.get', { kind: 'enos-error', code: 12345, msg: 'something new' });
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosApiError);
    expect(error).toMatchObject({
      enosCode: 12345,
      enosMessage: 'something new',
      userMessage: explainEnosCode(12345),
    });
    expect((error as EnosApiError).message).toBe('EnOS error 12345: something new');
  });

  it('EnosHttpError for a 5xx without an EnOS body: maybe received', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.get', { kind: 'http', status: 502 });
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosHttpError);
    expect(error).toMatchObject({ code: 'ENOS_HTTP', status: 502, delivery: 'maybe-received' });
    expect((error as EnosHttpError).userMessage).toContain('HTTP 502');
    expect((error as EnosHttpError).cause).toBeInstanceOf(Error);
    // An HTTP error is not a connection failure: not retried.
    expect(t.enos.requestsOf('flows.get')).toHaveLength(1);
  });

  it('EnosHttpError for a 4xx: the gateway refused it, nothing ran', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'http', status: 429, body: 'Too Many Requests' });
    const error = await rejectionOf(t.client.updateAndTrigger(t.alice, trigger()));
    expect(error).toBeInstanceOf(EnosHttpError);
    expect(error).toMatchObject({ status: 429, delivery: 'not-sent' });
  });

  it('EnosTimeoutError when the answer is slow, without waiting for it', async () => {
    t = await setUpEnos({ client: { requestTimeoutMs: 200 } });
    await t.client.getFlow(t.alice, 3377); // token first, so the timeout hits the business call
    t.enos.failNext('flows.get', { kind: 'delay', ms: 5000 });
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosTimeoutError);
    expect(error).toMatchObject({ code: 'ENOS_TIMEOUT', timeoutMs: 200, delivery: 'maybe-received' });
    expect((error as EnosTimeoutError).cause).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    // A timeout is not retried either.
    expect(t.enos.requestsOf('flows.get')).toHaveLength(2);
  });

  it('EnosConnectionError when the connection drops after the request was sent: maybe received', async () => {
    t = await setUpEnos();
    t.enos.failNext('flowInstances.cancel', { kind: 'drop', when: 'after-body' });
    const error = await rejectionOf(t.client.cancelFlowInstance(t.alice, '3377-20240115060000'));
    expect(error).toBeInstanceOf(EnosConnectionError);
    expect(error).toMatchObject({ code: 'ENOS_CONNECTION', delivery: 'maybe-received' });
    expect((error as EnosConnectionError).cause).toBeInstanceOf(Error);
    expect((error as EnosConnectionError).userMessage).toContain('may have reached EnOS');
  });

  it('EnosMalformedResponseError for a body that is not JSON', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.get', { kind: 'malformed' });
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosMalformedResponseError);
    expect(error).toMatchObject({ code: 'ENOS_MALFORMED', delivery: 'maybe-received' });
    expect((error as EnosMalformedResponseError).cause).toBeInstanceOf(SyntaxError);
  });

  it('EnosMalformedResponseError for JSON that lacks what the app relies on', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.get', {
      kind: 'malformed',
      body: JSON.stringify({ code: 0, msg: 'OK', data: { flowId: 3377, flowName: 'x', graph: '{}' } }),
    });
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toBeInstanceOf(EnosMalformedResponseError);
    expect((error as Error).message).toMatch(/owner/);
    expect((error as Error).cause).toMatchObject({ name: 'ZodError' });
  });

  it('EnosMalformedResponseError for a trigger answer without an instance id', async () => {
    t = await setUpEnos();
    t.enos.failNext('flows.updateAndTrigger', {
      kind: 'malformed',
      body: '{"code":0,"msg":"OK","data":{}}',
      execute: true,
    });
    const error = await rejectionOf(t.client.updateAndTrigger(t.alice, trigger()));
    expect(error).toBeInstanceOf(EnosMalformedResponseError);
    expect(error).toMatchObject({ delivery: 'maybe-received' });
    expect(t.enos.triggers).toHaveLength(1);
  });
});

describe('a gateway that cannot be reached', () => {
  it('EnosConnectionError, not sent, when the connection is refused', async () => {
    const enos = await startFakeEnosGateway();
    const url = enos.url;
    await enos.close(); // nothing listens on the port any more
    const client = createEnosClient({
      gatewayUrl: url,
      accessKey: 'k',
      secretKey: 's',
      retryBackoffMs: [1, 1],
    });
    try {
      const error = await rejectionOf(client.updateAndTrigger({ userId: 'u1', orgId: 'o1' }, trigger()));
      expect(error).toBeInstanceOf(EnosConnectionError);
      expect(error).toMatchObject({ delivery: 'not-sent' });
      expect((error as EnosConnectionError).cause).toMatchObject({ code: 'ECONNREFUSED' });
      expect((error as EnosConnectionError).userMessage).toContain('never reached EnOS');
    } finally {
      await client.close();
    }
  });
});

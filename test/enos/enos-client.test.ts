import { EnosHttpError } from '../../src/core/errors';
import { createEnosClient } from '../../src/enos/create-enos-client';
import { signRequest } from '../../src/enos/sign-request';
import { startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type EnosTestSetup, manualClock, rejectionOf, setUpEnos } from './enos-test-setup';

describe('createEnosClient against the fake gateway', () => {
  let t: EnosTestSetup;
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  it('gets a flow, normalised, with a correctly signed GET', async () => {
    t = await setUpEnos();
    const flow = await t.client.getFlow(t.alice, 3377);
    expect(flow).toEqual({
      flowId: 3377,
      flowName: 'daily load',
      type: 0,
      cycle: 'D',
      freq: '0 0 1 * * ? *',
      owners: ['alice', 'bob'],
      parameters: [{ key: 'REPLACE', value: '${cal_dt}' }],
      tasks: [{ taskName: 'extract', taskId: 't1', nodeId: 'n1' }],
      locked: false,
      isUserLocked: false,
    });
    const [req] = t.enos.requestsOf('flows.get');
    expect(req).toMatchObject({
      method: 'GET',
      path: '/batch-processing-service/v2.1/flows',
      query: { action: 'get', flowId: '3377', userId: 'u1', orgId: 'o1' },
      rawBody: '',
      signatureValid: true,
      answered: 200,
    });
    expect(req?.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(req?.headers['apim-timestamp']).toMatch(/^\d{13}$/);
    // The header carries the token the token service issued.
    expect(req?.headers['apim-accesstoken']).toMatch(/^fake-token-/);
  });

  it('reports isUserLocked from the calling user', async () => {
    t = await setUpEnos();
    t.enos.addUser({ userId: 'u2', userName: 'bob', orgId: 'o1', locked: true });
    await expect(t.client.getFlow({ userId: 'u2', orgId: 'o1' }, 3377)).resolves.toMatchObject({
      isUserLocked: true,
      locked: false,
    });
  });

  it('lists my flows, turning the string flowId into a number, with an encoded expression', async () => {
    t = await setUpEnos();
    t.enos.addFlow({ flowId: 12, flowName: 'Weekly a+b & c', owner: 'alice', cycle: 'W' });
    t.enos.addFlow({ flowId: 13, flowName: 'not mine', owner: 'zed' });
    expect(await t.client.getMyFlows(t.alice)).toEqual([
      { flowId: 3377, flowName: 'daily load', cycle: 'D' },
      { flowId: 12, flowName: 'Weekly a+b & c', cycle: 'W' },
    ]);
    expect(await t.client.getMyFlows(t.alice, 'a+b & c')).toEqual([
      { flowId: 12, flowName: 'Weekly a+b & c', cycle: 'W' },
    ]);
    const last = t.enos.requestsOf('flows.getMyFlow').at(-1);
    expect(last?.query).toEqual({ action: 'getMyFlow', expression: 'a+b & c', userId: 'u1', orgId: 'o1' });
    expect(last?.rawQuery).toContain('expression=a%2Bb%20%26%20c');
    expect(last?.signatureValid).toBe(true);
  });

  it('triggers a flow: the body sent is the body signed, and EnOS creates an instance', async () => {
    const clock = manualClock();
    t = await setUpEnos({ fake: { clock }, client: { clock } });
    const triggerTime = Date.UTC(2024, 0, 15, 6, 30, 0);
    const result = await t.client.updateAndTrigger(t.alice, {
      flowId: 3377,
      triggerTime,
      parameters: [{ key: 'REPLACE', value: 'dé ${cal_dt}' }],
    });
    expect(result).toEqual({ flowInstanceId: '3377-20240115063000' });
    const [req] = t.enos.requestsOf('flows.updateAndTrigger');
    expect(req?.method).toBe('POST');
    expect(req?.rawBody).toBe(
      `{"flowId":3377,"triggerTime":${triggerTime},"parameters":[{"key":"REPLACE","value":"dé \${cal_dt}"}]}`,
    );
    expect(req?.headers['content-length']).toBe(String(Buffer.byteLength(req?.rawBody ?? '')));
    expect(req?.signatureValid).toBe(true);
    expect(req?.headers['apim-signature']).toBe(
      signRequest({
        accessToken: String(req?.headers['apim-accesstoken']),
        secretKey: t.enos.secretKey,
        timestamp: clock(),
        query: req?.rawQuery ?? '',
        body: req?.rawBody,
      }),
    );
    expect(t.enos.triggers).toEqual([
      {
        userId: 'u1',
        orgId: 'o1',
        flowId: 3377,
        triggerTime,
        parameters: [{ key: 'REPLACE', value: 'dé ${cal_dt}' }],
        at: clock(),
        code: 0,
        instanceId: '3377-20240115063000',
      },
    ]);
  });

  it('reads an instance and its tasks, and cancels it', async () => {
    t = await setUpEnos();
    const { flowInstanceId } = await t.client.updateAndTrigger(t.alice, {
      flowId: 3377,
      triggerTime: Date.UTC(2024, 0, 15, 6, 30, 0),
      parameters: [],
    });
    expect(flowInstanceId).toMatch(/^3377-\d{14}$/);
    t.enos.setInstanceStatus(flowInstanceId, 2, [{ status: 'RUNNING' }]);
    expect(await t.client.getFlowInstance(t.alice, flowInstanceId)).toMatchObject({
      instanceId: flowInstanceId,
      flowId: 3377,
      flowName: 'daily load',
      status: 2,
      triggerTime: '2024-01-15 06:30:00',
      parameters: [{ key: 'REPLACE', value: '${cal_dt}' }],
      tasks: [{ taskName: 'extract', status: 'RUNNING', taskInstId: expect.any(String) }],
    });
    await t.client.cancelFlowInstance(t.alice, flowInstanceId);
    expect(t.enos.instance(flowInstanceId)?.status).toBe(8);
    expect(t.enos.requestsOf('flowInstances.cancel')[0]).toMatchObject({
      rawBody: `{"flowInstId":"${flowInstanceId}"}`,
      query: { action: 'cancel', userId: 'u1', orgId: 'o1' },
      signatureValid: true,
    });
    expect(t.enos.requestsOf('flowInstances.get')[0]?.query.flowInstId).toBe(flowInstanceId);
  });

  it('works with a gateway URL that has a path prefix and a trailing slash', async () => {
    t = await setUpEnos({ fake: { pathPrefix: '/enos/gw' } });
    const client = createEnosClient({
      gatewayUrl: `${t.enos.url}/`,
      accessKey: t.enos.accessKey,
      secretKey: t.enos.secretKey,
    });
    try {
      expect(t.enos.url).toMatch(/\/enos\/gw$/);
      await expect(client.getFlow(t.alice, 3377)).resolves.toMatchObject({ flowId: 3377 });
      expect(t.enos.requests.map((r) => r.path)).toEqual([
        '/enos/gw/apim-token-service/v2.0/token/get',
        '/enos/gw/batch-processing-service/v2.1/flows',
      ]);
    } finally {
      await client.close();
    }
  });

  it('refuses calls after close() without sending anything', async () => {
    t = await setUpEnos();
    await t.client.getFlow(t.alice, 3377);
    await t.client.close();
    const error = await rejectionOf(t.client.getFlow(t.alice, 3377));
    expect(error).toMatchObject({ code: 'ENOS_CONNECTION', delivery: 'not-sent' });
    expect(t.enos.requestsOf('flows.get')).toHaveLength(1);
  });
});

describe('a gateway URL without the prefix the gateway needs', () => {
  it('fails with EnosHttpError 404 (and the fake records the unknown route)', async () => {
    const enos = await startFakeEnosGateway({ pathPrefix: '/gw' });
    const client = createEnosClient({
      gatewayUrl: enos.url.replace(/\/gw$/, ''),
      accessKey: enos.accessKey,
      secretKey: enos.secretKey,
    });
    try {
      const error = await rejectionOf(client.getFlow({ userId: 'u1', orgId: 'o1' }, 1));
      expect(error).toBeInstanceOf(EnosHttpError);
      expect(error).toMatchObject({ status: 404, delivery: 'not-sent' });
      expect(enos.unhandled.map((r) => r.path)).toEqual(['/apim-token-service/v2.0/token/get']);
    } finally {
      await client.close();
      await enos.close();
    }
  });
});

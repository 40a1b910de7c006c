import { EnosConnectionError, EnosHttpError, EnosTimeoutError } from '../../src/core/errors';
import type { FakeEnosFailure } from '../fakes/fake-enos-gateway';
import { type EnosTestSetup, rejectionOf, setUpEnos } from './enos-test-setup';

const trigger = {
  flowId: 3377,
  triggerTime: Date.UTC(2024, 0, 15, 6, 0, 0),
  parameters: [{ key: 'K', value: 'v' }],
};

describe('Update And Trigger is never sent twice', () => {
  let t: EnosTestSetup;
  beforeEach(async () => {
    t = await setUpEnos({ client: { requestTimeoutMs: 200 } });
    await t.client.getFlow(t.alice, 3377); // the token is cached: failures below hit the trigger itself
  });
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  it.each<[string, FakeEnosFailure, new (...args: never[]) => Error]>([
    [
      'the connection is reset after the request was sent',
      { kind: 'drop', when: 'after-body' },
      EnosConnectionError,
    ],
    [
      'the connection is reset while the request is read',
      { kind: 'drop', when: 'before-body' },
      EnosConnectionError,
    ],
    ['the answer times out', { kind: 'delay', ms: 5000 }, EnosTimeoutError],
    ['the gateway answers 502', { kind: 'http', status: 502 }, EnosHttpError],
    ['the gateway answers 500 after running it', { kind: 'http', status: 500, execute: true }, EnosHttpError],
    ['the gateway answers 503', { kind: 'http', status: 503 }, EnosHttpError],
  ])('when %s', async (_name, failure, errorClass) => {
    t.enos.failNext('flows.updateAndTrigger', failure, 5);
    const error = await rejectionOf(t.client.updateAndTrigger(t.alice, trigger));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ delivery: 'maybe-received' });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
  });

  it('the fake ran the trigger whose answer was lost: the client must not have resent it', async () => {
    t.enos.failNext('flows.updateAndTrigger', { kind: 'drop', when: 'after-body' });
    await rejectionOf(t.client.updateAndTrigger(t.alice, trigger));
    expect(t.enos.triggers).toEqual([
      expect.objectContaining({ code: 0, instanceId: '3377-20240115060000' }),
    ]);
    expect(t.enos.instance('3377-20240115060000')).toBeDefined();
  });

  it('Cancel Flow Instance is not resent either', async () => {
    t.enos.failNext('flowInstances.cancel', { kind: 'drop', when: 'after-body' }, 3);
    await expect(t.client.cancelFlowInstance(t.alice, 'x')).rejects.toBeInstanceOf(EnosConnectionError);
    expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(1);
  });
});

describe('reads are retried on connection failures, at most twice', () => {
  let t: EnosTestSetup;
  beforeEach(async () => {
    t = await setUpEnos({ client: { requestTimeoutMs: 200 } });
  });
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  it('succeeds on the third attempt after two dropped connections', async () => {
    t.enos.failNext('flows.get', { kind: 'drop', when: 'after-body' }, 2);
    await expect(t.client.getFlow(t.alice, 3377)).resolves.toMatchObject({ flowId: 3377 });
    expect(t.enos.requestsOf('flows.get').map((r) => r.answered)).toEqual(['dropped', 'dropped', 200]);
  });

  it('gives up after three attempts', async () => {
    t.enos.failNext('flowInstances.get', { kind: 'drop', when: 'before-body' }, 5);
    const error = await rejectionOf(t.client.getFlowInstance(t.alice, '3377-1'));
    expect(error).toBeInstanceOf(EnosConnectionError);
    expect(error).toMatchObject({ delivery: 'maybe-received' });
    expect(t.enos.requestsOf('flowInstances.get')).toHaveLength(3);
  });

  it('retries Get My Flow as well', async () => {
    t.enos.failNext('flows.getMyFlow', { kind: 'drop', when: 'after-body' });
    await expect(t.client.getMyFlows(t.alice)).resolves.toHaveLength(1);
    expect(t.enos.requestsOf('flows.getMyFlow')).toHaveLength(2);
  });

  it('does not retry a read that timed out, or got an HTTP error', async () => {
    t.enos.failNext('flows.get', { kind: 'delay', ms: 5000 });
    await expect(t.client.getFlow(t.alice, 3377)).rejects.toBeInstanceOf(EnosTimeoutError);
    t.enos.failNext('flows.get', { kind: 'http', status: 503 });
    await expect(t.client.getFlow(t.alice, 3377)).rejects.toBeInstanceOf(EnosHttpError);
    expect(t.enos.requestsOf('flows.get')).toHaveLength(2);
  });
});

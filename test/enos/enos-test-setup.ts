import type { EnosCaller } from '../../src/core/ports';
import { createEnosClient, type EnosClient, type EnosClientOptions } from '../../src/enos/create-enos-client';
import {
  type FakeEnosGateway,
  type FakeEnosGatewayOptions,
  startFakeEnosGateway,
} from '../fakes/fake-enos-gateway';

/** A clock that tests move by hand. */
export interface ManualClock {
  (): number;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2024, 0, 15, 8, 0, 0)): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface EnosTestSetup {
  enos: FakeEnosGateway;
  client: EnosClient;
  /** alice (u1 in o1), owner of flow 3377. */
  alice: EnosCaller;
  close(): Promise<void>;
}

/**
 * A fake gateway with alice (u1/o1) owning flow 3377, and a client with short timeouts and
 * near-zero backoff, so that failure tests stay fast.
 */
export async function setUpEnos(
  options: { fake?: FakeEnosGatewayOptions; client?: Partial<EnosClientOptions> } = {},
): Promise<EnosTestSetup> {
  const enos = await startFakeEnosGateway(options.fake);
  enos.addUser({ userId: 'u1', userName: 'alice', orgId: 'o1' });
  enos.addFlow({
    flowId: 3377,
    flowName: 'daily load',
    owner: ' alice ; bob ',
    visitor: ';carol;',
    parameters: [{ key: 'REPLACE', value: '${cal_dt}' }],
    tasks: [{ taskName: 'extract', taskId: 't1', nodeId: 'n1' }],
  });
  const client = createEnosClient({
    gatewayUrl: enos.url,
    accessKey: enos.accessKey,
    secretKey: enos.secretKey,
    connectTimeoutMs: 1000,
    requestTimeoutMs: 1000,
    retryBackoffMs: [1, 1],
    ...options.client,
  });
  return {
    enos,
    client,
    alice: { userId: 'u1', orgId: 'o1' },
    async close() {
      await client.close();
      await enos.close();
    },
  };
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

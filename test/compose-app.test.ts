/**
 * composeCore without Slack, as a front end that is not Slack would compose it: the store on the
 * app's clock, EnOS's zone asked of EnOS, the clock check, and one close() for all of it. (The
 * whole Slack app is composed by composeApp in every end-to-end test, through startTestApp.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CoreServices, composeCore } from '../src/compose-app';
import { StoreError } from '../src/core/errors';
import { createLogger } from '../src/logger';
import { type FakeEnosGateway, startFakeEnosGateway } from './fakes/fake-enos-gateway';
import { createTestClock, ENOS_ACCESS_KEY, ENOS_SECRET_KEY } from './helpers/start-test-app';

let dir: string;
let enos: FakeEnosGateway;
let core: CoreServices | undefined;
const clock = createTestClock();
const logs: string[] = [];

async function compose(options: { zone?: string; checkServerClock?: boolean } = {}): Promise<CoreServices> {
  core = await composeCore(
    {
      store: { url: `sqlite://${join(dir, 'store.sqlite')}` },
      enos: {
        gatewayUrl: enos.url,
        accessKey: ENOS_ACCESS_KEY,
        secretKey: ENOS_SECRET_KEY,
        retryBackoffMs: [10],
      },
      enosServerZone: options.zone,
      checkServerClock: options.checkServerClock ?? false,
      triggers: { concurrency: 2, queueLimit: 10, queuePerUser: 5 },
    },
    {
      logger: createLogger({
        level: 'debug',
        format: 'json',
        destination: { write: (l: string) => logs.push(l) },
      }),
      clock,
    },
  );
  return core;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-compose-'));
  enos = await startFakeEnosGateway({ accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY, clock });
  logs.length = 0;
});

afterEach(async () => {
  await core?.close();
  core = undefined;
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('composeCore', () => {
  it('asks EnOS for its zone when none is configured, and checks no clock when told not to', async () => {
    enos.setTimeZone('Asia/Shanghai');
    const c = await compose();
    expect(c.enosServerZone).toBe('Asia/Shanghai');
    expect(enos.requestsOf('time.getTimeZone')).toHaveLength(1);
    expect(enos.requestsOf('time.getCurrentTime')).toHaveLength(0);
  });

  it('takes the configured zone without asking EnOS, and compares clocks by default', async () => {
    const c = await compose({ zone: 'Europe/Berlin', checkServerClock: true });
    expect(c.enosServerZone).toBe('Europe/Berlin');
    expect(enos.requestsOf('time.getTimeZone')).toHaveLength(0);
    // The first comparison is made at once, in the background.
    while (enos.requestsOf('time.getCurrentTime').length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(enos.requestsOf('time.getCurrentTime')).toHaveLength(1);
  });

  it('gives the store the app’s clock: a claim lapses when that clock passes its TTL', async () => {
    const c = await compose({ zone: 'UTC' });
    expect(await c.store.claims.claim('k', 'first', 60_000)).toEqual({ claimed: true });
    expect(await c.store.claims.claim('k', 'second', 60_000)).toEqual({ claimed: false, existing: 'first' });
    clock.advance(61_000);
    expect(await c.store.claims.claim('k', 'third', 60_000)).toEqual({ claimed: true });
  });

  it('close() releases the store: it answers no more', async () => {
    const c = await compose({ zone: 'UTC' });
    await c.close();
    await expect(c.store.ping()).rejects.toBeInstanceOf(StoreError);
    core = undefined;
  });

  it('rejects with the StoreError and leaves nothing open when the store URL is not one it knows', async () => {
    await expect(
      composeCore(
        {
          store: { url: 'postgres://db/flow' },
          enos: { gatewayUrl: enos.url, accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY },
          triggers: { concurrency: 1, queueLimit: 1, queuePerUser: 1 },
        },
        {
          logger: createLogger({
            level: 'error',
            format: 'json',
            destination: { write: (l: string) => logs.push(l) },
          }),
          clock,
        },
      ),
    ).rejects.toBeInstanceOf(StoreError);
    expect(enos.requests).toHaveLength(0);
  });
});

/**
 * `GET /healthz` says whether this replica can serve (its store answers; in Socket Mode, its
 * socket is connected), with the reason when it cannot; `GET /livez` only that the process runs.
 * Both in HTTP mode and in Socket Mode, against a real redis-server that is stopped and restarted.
 */
import { type SpawnedRedisServer, spawnRedisServer } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/start-test-app';
import { waitFor } from '../helpers/wait-for';

let t: TestApp | undefined;
let redis: SpawnedRedisServer;
beforeEach(async () => {
  redis = await spawnRedisServer();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  await redis.stop();
});

async function get(base: string, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.json() };
}

describe.each([
  ['HTTP mode', false],
  ['Socket Mode', true],
])('%s', (_mode, socketMode) => {
  it('answers /healthz 503 with the reason while the store is down, 200 once it is back; /livez 200 throughout', async () => {
    const app = await startTestApp({ storeUrl: redis.url, keyPrefix: redis.keyPrefix, socketMode });
    t = app;
    expect(await get(app.baseUrl, '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await get(app.baseUrl, '/livez')).toEqual({ status: 200, body: { ok: true } });

    await redis.stop();
    expect(await get(app.baseUrl, '/healthz')).toEqual({
      status: 503,
      body: {
        ok: false,
        problems: [expect.stringMatching(/^the store (does not answer|did not answer within 1000 ms)/)],
      },
    });
    expect(await get(app.baseUrl, '/livez')).toEqual({ status: 200, body: { ok: true } });

    await redis.restart();
    // The store's client reconnects by itself: no restart of the app.
    await waitFor(async () => (await get(app.baseUrl, '/healthz')).status === 200, {
      timeoutMs: 8000,
      description: '/healthz to answer 200 again',
    });
  }, 30_000);
});

it('in Socket Mode, answers /healthz 503 while the socket is down, and 200 once it has reconnected', async () => {
  const app = await startTestApp({ storeUrl: redis.url, keyPrefix: redis.keyPrefix, socketMode: true });
  t = app;
  expect((await get(app.baseUrl, '/healthz')).status).toBe(200);

  // Slack asks the app to reconnect, and is slow to hand out the new connection.
  app.slack.failNext('apps.connections.open', { delayMs: 1000 });
  app.socket!.requestDisconnect('refresh_requested');
  const down = await waitFor(
    async () => {
      const answer = await get(app.baseUrl, '/healthz');
      return answer.status === 503 && answer;
    },
    { timeoutMs: 8000, description: '/healthz to answer 503' },
  );
  expect(down.body).toEqual({
    ok: false,
    problems: ['the Socket Mode connection to Slack is down (reconnecting)'],
  });
  expect((await get(app.baseUrl, '/livez')).status).toBe(200);

  await waitFor(async () => (await get(app.baseUrl, '/healthz')).status === 200, {
    timeoutMs: 15_000,
    description: '/healthz to answer 200 after the reconnection',
  });
  // And the app serves over the new socket.
  await app.command('3377 REPLACE=ddee');
  expect(app.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
}, 40_000);

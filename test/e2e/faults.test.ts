/**
 * Faults on every side of a trigger: Slack rate limits and errors, EnOS 5xx, slowness, malformed
 * answers, resets and expiring tokens, and the store going down and coming back. Each test checks
 * what the user was told and that nothing ran twice or without a record.
 */

import { type SpawnedRedisServer, spawnRedisServer } from '../helpers/redis-server';
import { DEFAULT_TEAM_ID } from '../helpers/slack-requests';
import { ALICE, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';
import { waitFor } from '../helpers/wait-for';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const reply = () => textOf(t.slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined));
const outcome = async () => (await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 5 }))[0];

describe('Slack', () => {
  it('waits out a 429 on the parent message and posts it once', async () => {
    t = await startTestApp();
    t.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await t.command('3377 REPLACE=ddee');
    const attempts = t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    expect(attempts).toHaveLength(2);
    expect(t.slack.messages.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(reply()).toContain('Flow instance ID');
  });

  it('tells the caller privately when Slack answers 5xx to the thread reply', async () => {
    t = await startTestApp();
    let posts = 0;
    t.slack.handle('chat.postMessage', (args) => {
      posts += 1;
      if (posts === 2) return { ok: false, error: 'internal_error' };
      return { channel: args.channel, ts: `1764250000.00010${posts}`, message: {} };
    });
    const res = await t.command('3377 REPLACE=ddee');
    const instanceId = t.enos.triggers[0]!.instanceId!;
    expect(t.slack.responsesOf(res.responseUrlId).map((r) => JSON.stringify(r.body))).toEqual([
      expect.stringContaining(instanceId),
    ]);
    expect(await outcome()).toMatchObject({ outcome: 'triggered', instanceId });
  });
});

describe('EnOS', () => {
  it('reports a 5xx on the trigger as uncertain, without resending', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'http', status: 502 });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(reply()).toContain('may or may not have been triggered');
    expect(reply()).toContain('HTTP 502');
    expect(await outcome()).toMatchObject({ outcome: 'unknown', error: { code: 'ENOS_HTTP' } });
  });

  it('retries a Get Flow that failed to connect, then triggers', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.get', { kind: 'drop', when: 'before-body' });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.get')).toHaveLength(2);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(reply()).toContain('Flow instance ID');
  });

  it('waits for a slow answer within the timeout', async () => {
    t = await startTestApp({ enosRequestTimeoutMs: 2000 });
    t.enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms: 300 });
    await t.command('3377 REPLACE=ddee');
    expect(reply()).toContain('Flow instance ID');
    expect(await outcome()).toMatchObject({ outcome: 'triggered' });
  });

  it('reports malformed JSON from the trigger as uncertain', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'malformed', execute: true });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(reply()).toContain('may or may not have been triggered');
    expect(reply()).toContain('does not understand');
    expect(await outcome()).toMatchObject({ outcome: 'unknown', error: { code: 'ENOS_MALFORMED' } });
  });

  it('reports malformed JSON from Get Flow as a failure before anything was triggered', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.get', { kind: 'malformed' });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    expect(reply()).toContain(':x: Not triggered.');
    expect(await outcome()).toMatchObject({ outcome: 'failed', error: { code: 'ENOS_MALFORMED' } });
  });

  it('reports a connection reset after the trigger was sent as uncertain, without resending', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'drop', when: 'after-body' });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    // The fake carried it out: the thread must not claim that nothing started.
    expect(t.enos.triggers[0]!.code).toBe(0);
    expect(reply()).toContain('may or may not have been triggered');
    expect(await outcome()).toMatchObject({ outcome: 'unknown', error: { code: 'ENOS_CONNECTION' } });
  });

  it('gets a new token when the token expires between runs, and triggers once', async () => {
    t = await startTestApp();
    await t.command('3377 REPLACE=one');
    expect(t.enos.tokenFetches.get).toBe(1);
    t.enos.expireTokens();
    t.clock.advance(120_000);
    await t.command('3377 REPLACE=two');
    expect(t.enos.tokenFetches.get + t.enos.tokenFetches.refresh).toBe(2);
    expect(t.enos.triggers.map((tr) => [tr.code, tr.parameters])).toEqual([
      [0, [{ key: 'REPLACE', value: 'one' }]],
      [0, [{ key: 'REPLACE', value: 'two' }]],
    ]);
  });
});

describe('the store', () => {
  let redis: SpawnedRedisServer;
  beforeEach(async () => {
    redis = await spawnRedisServer();
  });
  afterEach(async () => {
    await t?.stop();
    // biome-ignore lint/suspicious/noExplicitAny: let the outer afterEach see it stopped
    t = undefined as any;
    await redis.stop();
  });

  it('tells the user when Redis is down, triggers nothing, and recovers when it is back', async () => {
    t = await startTestApp({ storeUrl: redis.url, keyPrefix: redis.keyPrefix });
    await redis.stop();
    const down = await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
    // The request cannot become a job in the store, so it is not accepted: the ack itself says so.
    expect(down.body).toContain('could not read or write its store, so nothing was triggered');
    expect(t.slack.responsesOf(down.responseUrlId)).toEqual([]);

    await redis.restart();
    // The client reconnects by itself; no restart of the app.
    await waitFor(() => t.store.ping().then(() => true), {
      timeoutMs: 5000,
      description: 'Redis to be back',
    });
    // This test server keeps nothing on disk, so the link is gone with the restart.
    await t.link(ALICE);
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(await outcome()).toMatchObject({ outcome: 'triggered', slackUserId: ALICE.slackUserId });
  });
});

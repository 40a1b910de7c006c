/**
 * What /healthz reports, without a server: the store's ping with a deadline, the Socket Mode
 * socket, and one ping at a time however many ask.
 */
import { createHealthCheck } from '../src/create-health-check';

it('is healthy when the store answers (and, in Socket Mode, the socket is up)', async () => {
  const check = createHealthCheck({ pingStore: async () => undefined, socketConnected: () => true });
  expect(await check()).toEqual({ ok: true, problems: [] });
});

it('names each problem: a store that fails, and a socket that is down', async () => {
  const check = createHealthCheck({
    pingStore: async () => {
      throw new Error('connect ECONNREFUSED redis://:secret@10.0.0.5:6379');
    },
    socketConnected: () => false,
  });
  const health = await check();
  expect(health).toEqual({
    ok: false,
    problems: [
      'the store does not answer: check STORE_URL and that the database is up',
      'the Socket Mode connection to Slack is down (reconnecting)',
    ],
  });
  // The store's own error (which can hold its address and password) is not repeated.
  expect(JSON.stringify(health)).not.toContain('secret');
});

it('counts a store that does not answer within the deadline as down', async () => {
  const check = createHealthCheck({ pingStore: () => new Promise(() => {}), timeoutMs: 20 });
  expect(await check()).toEqual({ ok: false, problems: ['the store did not answer within 20 ms'] });
});

it('shares one ping between checks made at the same time, and pings again afterwards', async () => {
  let pings = 0;
  let answer: () => void = () => {};
  const check = createHealthCheck({
    pingStore: () => {
      pings += 1;
      return new Promise<void>((resolve) => {
        answer = resolve;
      });
    },
  });
  const checks = Promise.all(Array.from({ length: 50 }, () => check()));
  answer();
  expect((await checks).every((h) => h.ok)).toBe(true);
  expect(pings).toBe(1);
  const next = check();
  answer();
  await next;
  expect(pings).toBe(2);
});

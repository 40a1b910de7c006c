/**
 * Secrets that only exist at run time (the EnOS access token, each request's signature, the token
 * request's encryption) never reach the log or Slack, even when an EnOS error body echoes the
 * request's headers back, as some gateways do.
 */
import { startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Everything the app sent to Slack: API calls and response_url posts. */
function sentToSlack(): string {
  return [
    ...t.slack.calls.map((c) => c.rawBody),
    ...t.slack.responses.map((r) => JSON.stringify(r.body)),
  ].join('\n');
}

function expectNowhere(secret: string): void {
  expect(secret.length).toBeGreaterThan(10);
  expect(t.logs.join('\n')).not.toContain(secret);
  expect(sentToSlack()).not.toContain(secret);
  expect(sentToSlack()).not.toContain(encodeURIComponent(secret));
}

describe('secrets learnt at run time', () => {
  it('an EnOS error whose msg echoes the request shows neither the token nor the signature', async () => {
    t = await startTestApp();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'enos-error', code: 99999, echo: true });
    await t.command('3377');

    const request = t.enos.requestsOf('flows.updateAndTrigger')[0]!;
    const token = String(request.headers['apim-accesstoken']);
    const signature = String(request.headers['apim-signature']);
    // The gateway really echoed them: without scrubbing they would be in the reply.
    expect(request.answerBody).toContain(token);
    expect(request.answerBody).toContain(signature);

    const reply = t.slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined)!;
    expect(JSON.stringify(reply.args.blocks)).toContain('EnOS code 99999: scripted error 99999 request:');
    expect(JSON.stringify(reply.args.blocks)).toContain('[Redacted]');
    expectNowhere(token);
    expectNowhere(signature);
  });
});

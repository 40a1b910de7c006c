/**
 * Socket Mode (SLACK_APP_TOKEN set): the same app over a WebSocket to a fake Socket Mode server,
 * including the redelivery that Socket Mode makes when it thinks an envelope was lost.
 */
import { TRIGGER_MODAL_CALLBACK } from '../../src/slack/ids';
import { viewSubmissionPayload } from '../helpers/slack-requests';
import { ALICE, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

it('connects with the app-level token, serves /healthz, and triggers a flow from a slash command', async () => {
  t = await startTestApp({ socketMode: true });
  expect(t.slack.callsOf('apps.connections.open')).toHaveLength(1);
  expect(t.slack.callsOf('apps.connections.open')[0]!.token).toBe('xapp-1-A0FAKE001-test-app-token');
  const health = await fetch(`${t.baseUrl}/healthz`);
  expect(health.status).toBe(200);

  await t.command('3377 at 14:00 REPLACE=ddee');
  expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
    {
      flowId: 3377,
      triggerTime: Date.UTC(2026, 10, 27, 13, 0),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    },
  ]);
  expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.query.userId).toBe(ALICE.userId);
  expect(t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined)).toHaveLength(1);
});

it('acks a usage error in the envelope ack, privately', async () => {
  t = await startTestApp({ socketMode: true });
  const res = await t.command('3377 REPLACE');
  expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral' });
  expect(res.body).toContain('REPLACE');
  expect(t.enos.requests).toHaveLength(0);
});

it('triggers once when Socket Mode redelivers the same envelope', async () => {
  t = await startTestApp({ socketMode: true });
  const ack = await t.socket!.sendSlashCommand({ text: '3377 REPLACE=ddee', user_id: ALICE.slackUserId });
  await t.settle();
  await t.socket!.redeliver(ack.envelope_id, { retry_attempt: 1, retry_reason: 'timeout' });
  await t.settle();
  expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
  expect(t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
});

it('acks and drops a payload of an unexpected shape before any listener, and keeps serving', async () => {
  t = await startTestApp({ socketMode: true });
  const submission = viewSubmissionPayload({
    user_id: ALICE.slackUserId,
    callback_id: TRIGGER_MODAL_CALLBACK,
    values: {},
  });
  const ack = await t.socket!.sendInteractive({
    ...submission,
    view: { ...(submission.view as Record<string, unknown>), private_metadata: 42 },
  });
  await t.settle();
  expect(ack.payload ?? {}).toEqual({});
  expect(t.logs.some((l) => l.includes('dropped a Socket Mode payload of an unexpected shape'))).toBe(true);
  expect(t.logs.some((l) => l.includes('unhandled error in a Slack listener'))).toBe(false);

  await t.command('3377 REPLACE=ddee');
  expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
});

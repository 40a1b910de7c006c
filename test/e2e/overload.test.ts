/**
 * More triggers than the app takes at once (TRIGGER_CONCURRENCY, TRIGGER_QUEUE_LIMIT): beyond the
 * queue the caller is told at once that nothing was triggered, nothing is claimed or stored, and a
 * later attempt works; a queued trigger that never got its turn before shutdown is not dropped
 * silently.
 */
import { currentForm, submitForm } from '../helpers/modal-requests';
import { DEFAULT_TEAM_ID, sendSlashCommand } from '../helpers/slack-requests';
import { ALICE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const BUSY =
  'flow-trigger is busy: 0 triggers are waiting for their turn, so it takes no more for now. Nothing was triggered.';

let sent = 0;
/** Sends `/flow-trigger <text>` as Alice without waiting for the work after the ack. */
function send(text: string) {
  const responseUrlId = `overload-${++sent}`;
  const response = sendSlashCommand(t.baseUrl, SIGNING_SECRET, {
    text,
    user_id: ALICE.slackUserId,
    response_url: t.slack.responseUrl(responseUrlId),
  });
  return { responseUrlId, response };
}

/** Triggers 3377 and holds EnOS's answer to Update And Trigger for `ms`: the one slot stays taken. */
async function occupyTheSlot(ms: number) {
  t.enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms });
  const first = send('3377 REPLACE=first');
  expect((await first.response).body).toBe('');
  await t.enos.waitForRequest('flows.updateAndTrigger');
  return first;
}

const privateTexts = (responseUrlId: string) =>
  t.slack.responsesOf(responseUrlId).map((r) => textOf({ args: r.body as Record<string, unknown> }));

beforeEach(() => {
  sent = 0;
});

describe('a full trigger queue', () => {
  it('answers a command in its ack that nothing was triggered, claims nothing, and takes it later', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 0 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    await occupyTheSlot(600);

    const refused = send('4400 REPLACE=second');
    const ack = await refused.response;
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf({ args: ack.json as Record<string, unknown> })).toBe(
      `:hourglass: ${BUSY} Try again in a minute; if this keeps happening, tell the flow-trigger maintainers.`,
    );

    await t.settle();
    // Only the first reached EnOS, the channel and the store.
    expect(
      t.enos.requestsOf('flows.updateAndTrigger').map((r) => (r.body as { flowId: number }).flowId),
    ).toEqual([3377]);
    expect(t.enos.requestsOf('flows.get')).toHaveLength(1);
    const records = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 });
    expect(records.map((r) => [r.flowId, r.outcome])).toEqual([[3377, 'triggered']]);
    expect(t.slack.responsesOf(refused.responseUrlId)).toEqual([]);

    // The same request a moment later is neither a duplicate nor refused.
    const again = await t.command('4400 REPLACE=second');
    expect(again.body).toBe('');
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: expect.any(Number), parameters: [{ key: 'REPLACE', value: 'first' }] },
      { flowId: 4400, triggerTime: expect.any(Number), parameters: [{ key: 'REPLACE', value: 'second' }] },
    ]);
  });

  it('keeps the form open with the reason inline when a submission finds the queue full', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 0 } });
    await t.command('');
    const form = currentForm(t);
    await occupyTheSlot(400);

    const res = await submitForm(
      t,
      { flow: { id: 3377 }, parameters: { REPLACE: 'from form' } },
      { view: form },
    );
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        flow: `${BUSY} Try again in a minute; if this keeps happening, tell the flow-trigger maintainers.`,
      },
    });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    // Submitted again once the queue has room, the same form triggers.
    const retry = await submitForm(
      t,
      { flow: { id: 3377 }, parameters: { REPLACE: 'from form' } },
      { view: form },
    );
    expect(retry.body).toBe('');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(2);
  });

  it('runs queued triggers one after the other within the concurrency, each reported', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 5 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    t.enos.addFlow({ flowId: 4401, flowName: 'nightly load', owner: 'alice' });
    const first = await occupyTheSlot(300);
    const queued = [send('4400'), send('4401')];
    for (const q of queued) expect((await q.response).body).toBe('');
    // While the first holds the slot, the others have not even looked up the flow.
    expect(t.enos.requestsOf('flows.get')).toHaveLength(1);
    await t.settle();
    expect(
      t.enos.requestsOf('flows.updateAndTrigger').map((r) => (r.body as { flowId: number }).flowId),
    ).toEqual([3377, 4400, 4401]);
    const replies = t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
    expect(replies.map((r) => textOf(r))).toEqual([
      expect.stringContaining('Triggered flow *3377*'),
      expect.stringContaining('Triggered flow *4400*'),
      expect.stringContaining('Triggered flow *4401*'),
    ]);
    expect(t.slack.responsesOf(first.responseUrlId)).toEqual([]);
  });
});

describe('shutdown with triggers still queued', () => {
  it('tells each caller whose trigger never started that nothing was triggered', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 5 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    await occupyTheSlot(500);
    const queued = [send('4400 REPLACE=a'), send('4400 REPLACE=b')];
    for (const q of queued) expect((await q.response).body).toBe('');

    // What app.stop() does once the receiver is closed, with a grace shorter than the first trigger.
    await expect(t.inFlight.drain(50)).resolves.toBe(false);
    for (const q of queued) {
      expect(privateTexts(q.responseUrlId)).toEqual([
        ':x: flow-trigger was restarting before your trigger of flow *4400* got its turn, so nothing was triggered. Try again.',
      ]);
    }
    await t.settle();
    // The one that had started finished and was reported; the others never reached EnOS.
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const records = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 });
    expect(records.map((r) => [r.flowId, r.outcome])).toEqual([[3377, 'triggered']]);
  });
});

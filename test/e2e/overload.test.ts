/**
 * More triggers than the app takes at once (TRIGGER_CONCURRENCY, TRIGGER_QUEUE_LIMIT): beyond the
 * queue the caller is told at once that nothing was triggered, nothing is claimed or stored, and a
 * later attempt works; a queued trigger that never got its turn before shutdown is not dropped
 * silently.
 */

import { RUN_ACTION, RUN_ACTIONS_BLOCK } from '../../src/slack/ids';
import { currentForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_TEAM_ID,
  sendInteraction,
  sendSlashCommand,
} from '../helpers/slack-requests';
import { ALICE, NOW, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const BUSY = 'flow-trigger is busy with other triggers and takes no more for now. Nothing was triggered.';

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
    // One after the other: "the order they came" is the order their jobs were accepted, which two
    // requests sent at once do not fix (each reads the link and writes its job before its ack).
    for (const flowId of ['4400', '4401']) expect((await send(flowId).response).body).toBe('');
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

  it('says how many wait when it refuses a command', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 1 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    await occupyTheSlot(400);
    expect((await send('4400 REPLACE=queued').response).body).toBe('');
    const ack = await send('4400 REPLACE=refused').response;
    expect(textOf({ args: ack.json as Record<string, unknown> })).toContain(
      'flow-trigger is busy with other triggers (1 waiting for their turn) and takes no more for now.',
    );
    await t.settle();
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      expect.objectContaining({ flowId: 3377 }),
      expect.objectContaining({ flowId: 4400, parameters: [{ key: 'REPLACE', value: 'queued' }] }),
    ]);
  });

  it('answers a Run again click privately that nothing was triggered, and takes the next click', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 0 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    // At a time, so that Run again (now) is not the same request for the one-minute duplicate guard.
    await t.command('4400 at 14:00 REPLACE=ddee');
    const reply = t.slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined)!;
    const attemptId = (await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 1 }))[0]!.id;
    // Later than EnOS's minute between two triggers of a flow.
    t.clock.advance(5 * 60_000);
    const clickRunAgain = (responseUrlId: string) =>
      sendInteraction(
        t.baseUrl,
        SIGNING_SECRET,
        blockActionsPayload({
          user_id: ALICE.slackUserId,
          actions: [{ action_id: RUN_ACTION.again, value: attemptId, block_id: RUN_ACTIONS_BLOCK }],
          thread_ts: String(reply.args.thread_ts),
          response_url: t.slack.responseUrl(responseUrlId),
        }),
      );

    await occupyTheSlot(400);
    expect((await clickRunAgain('click-busy')).status).toBe(200);
    await t.settle();
    expect(privateTexts('click-busy')).toEqual([
      `:hourglass: ${BUSY} Try again in a minute; if this keeps happening, tell the flow-trigger maintainers.`,
    ]);
    expect(
      t.enos.requestsOf('flows.updateAndTrigger').map((r) => (r.body as { flowId: number }).flowId),
    ).toEqual([4400, 3377]);

    await clickRunAgain('click-later');
    await t.settle();
    expect(
      t.enos.requestsOf('flows.updateAndTrigger').map((r) => (r.body as { flowId: number }).flowId),
    ).toEqual([4400, 3377, 4400]);
    expect(privateTexts('click-later')).toEqual([]);
  });
});

describe('shutdown with triggers still queued', () => {
  it('keeps each trigger that never started in the store, where recovery runs it', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 5 } });
    t.enos.addFlow({ flowId: 4400, flowName: 'hourly load', owner: 'alice' });
    t.enos.addFlow({ flowId: 4401, flowName: 'daily sums', owner: 'alice' });
    await occupyTheSlot(500);
    const queued = [send('4400 REPLACE=a'), send('4401 REPLACE=b')];
    for (const q of queued) expect((await q.response).body).toBe('');

    // What app.stop() does once the receiver is closed, with a grace shorter than the first trigger.
    await expect(t.inFlight.drain(50)).resolves.toBe(false);
    await t.settle();
    // Acknowledged, so not dropped: nobody was told "nothing was triggered", the jobs wait in the store.
    for (const q of queued) expect(privateTexts(q.responseUrlId)).toEqual([]);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const left = await t.store.jobs.listDue(t.clock() + 3_600_000, 10);
    expect(left.map((j) => [j.command.flowId, j.state.step]).sort()).toEqual([
      [4400, 'accepted'],
      [4401, 'accepted'],
    ]);

    // Once their lease would have lapsed, recovery (here, or on any replica) runs them.
    t.clock.advance(6000);
    const pass = await t.recover();
    expect(pass).toMatchObject({ accepted: 2, outcomes: { triggered: 2 } });
    const sent = t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body);
    expect(sent.slice(1)).toEqual(
      expect.arrayContaining([
        { flowId: 4400, triggerTime: NOW, parameters: [{ key: 'REPLACE', value: 'a' }] },
        { flowId: 4401, triggerTime: NOW, parameters: [{ key: 'REPLACE', value: 'b' }] },
      ]),
    );
    expect(await t.store.jobs.listDue(t.clock() + 3_600_000, 10)).toEqual([]);
    const records = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 });
    expect(records.map((r) => [r.flowId, r.outcome]).sort()).toEqual([
      [3377, 'triggered'],
      [4400, 'triggered'],
      [4401, 'triggered'],
    ]);
  });
});

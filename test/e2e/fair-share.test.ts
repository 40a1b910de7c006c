/**
 * One user cannot crowd out the others (docs/product.md, "Promises under faults"): each caller has a
 * share of the trigger queue (TRIGGER_QUEUE_PER_USER), callers take turns, and a caller with no
 * link is answered before the queue. Floods of 300 triggers from one linked user and of 3,000 from
 * an unlinked one leave another user's trigger accepted and run.
 *
 * The slots are held by work the test releases (the app's own queue, not a stand-in): a flood
 * then meets a queue whose slots are all busy, whatever the speed of the machine.
 */

import { MODAL_BLOCK, RUN_ACTION, RUN_ACTIONS_BLOCK } from '../../src/slack/ids';
import { currentForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_TEAM_ID,
  type SlackHttpResponse,
  sendInteraction,
  sendSlashCommand,
} from '../helpers/slack-requests';
import {
  ALICE,
  CAROL,
  DAVE,
  NOW,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';
import { waitFor } from '../helpers/wait-for';

jest.setTimeout(120_000);

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Flows 6000… owned by Alice, so that none of her triggers meets EnOS's one-minute rule. */
const ALICE_FLOW = 6000;
/** Carol's own flow. */
const CAROL_FLOW = 5500;

function addFlows(aliceFlows: number) {
  for (let i = 0; i < aliceFlows; i += 1) {
    t.enos.addFlow({ flowId: ALICE_FLOW + i, flowName: `alice load ${i}`, owner: 'alice' });
  }
  t.enos.addFlow({ flowId: CAROL_FLOW, flowName: 'carol load', owner: 'carol' });
}

/** Takes `slots` trigger slots with work that runs until `release()`. */
async function holdSlots(slots: number) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  for (let i = 0; i < slots; i += 1) {
    expect(t.inFlight.enqueue(() => released, { owner: 'test:slot-holder' }).queued).toBe(true);
  }
  // Started on the next turn of the event loop: from then on nothing else runs, everything waits.
  while (t.inFlight.waiting > 0) await new Promise((resolve) => setImmediate(resolve));
  return release;
}

/** Sends `/flow-trigger <text>` as `user`, without waiting for the work after the ack. */
function send(user: string, text: string, responseUrlId: string): Promise<SlackHttpResponse> {
  return sendSlashCommand(t.baseUrl, SIGNING_SECRET, {
    text,
    user_id: user,
    response_url: t.slack.responseUrl(responseUrlId),
  });
}

/** Sends `count` commands, `batch` at a time (a flood, without thousands of sockets at once). */
async function flood(count: number, batch: number, request: (i: number) => Promise<SlackHttpResponse>) {
  const acks: SlackHttpResponse[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    acks.push(...(await Promise.all(Array.from({ length: size }, (_, j) => request(start + j)))));
  }
  return acks;
}

const ackText = (res: SlackHttpResponse) =>
  res.body === '' ? '' : textOf({ args: res.json as Record<string, unknown> });

const SHARE_FULL =
  ':hourglass: You already have 20 triggers waiting for their turn: your whole share of flow-trigger’s queue, ' +
  'so I took no more from you for now. Nothing was triggered. Try again once some of yours have run.';

const triggersOf = () =>
  t.enos.requestsOf('flows.updateAndTrigger').map((r) => ({
    userId: r.query.userId,
    ...(r.body as { flowId: number; triggerTime: number; parameters: unknown[] }),
  }));

/** What the run watcher and the thread say about Carol's trigger, and what the store kept. */
async function expectCarolTriggered() {
  expect(triggersOf().filter((r) => r.flowId === CAROL_FLOW)).toEqual([
    {
      userId: CAROL.userId,
      flowId: CAROL_FLOW,
      triggerTime: NOW,
      parameters: [{ key: 'NOTE', value: 'not crowded out' }],
    },
  ]);
  const reply = t.slack
    .callsOf('chat.postMessage')
    .find((c) => c.args.thread_ts !== undefined && textOf(c).includes(`flow *${CAROL_FLOW}*`));
  expect(textOf(reply)).toContain(
    `:white_check_mark: Triggered flow *${CAROL_FLOW}* · carol load. Flow instance ID:`,
  );
  const records = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { flowId: CAROL_FLOW, limit: 10 });
  expect(records.map((r) => [r.slackUserId, r.outcome, r.source])).toEqual([
    [CAROL.slackUserId, 'triggered', 'command'],
  ]);
}

describe('a flood from one linked user', () => {
  it('takes 20 of 300 into the queue, refuses the rest with their own share, and runs another user’s trigger', async () => {
    t = await startTestApp(); // production defaults: 16 at once, 200 waiting, 20 per user
    addFlows(300);
    const release = await holdSlots(16);

    const acks = await flood(300, 50, (i) =>
      send(ALICE.slackUserId, `${ALICE_FLOW + i} RUN=${i}`, `alice-${i}`),
    );
    const accepted = acks.flatMap((a, i) => (ackText(a) === '' ? [i] : []));
    expect(accepted).toHaveLength(20);
    expect(acks.filter((a) => ackText(a) === SHARE_FULL)).toHaveLength(280);
    expect(acks.every((a) => a.status === 200)).toBe(true);
    expect(t.inFlight.waiting).toBe(20);

    // Carol's trigger is taken although Alice's 300 came first: the queue is not full.
    const carol = await send(CAROL.slackUserId, `${CAROL_FLOW} NOTE="not crowded out"`, 'carol');
    expect(carol.body).toBe('');
    expect(t.inFlight.waiting).toBe(21);
    // The operator hears once about Alice's flood, not 280 times, and not about a full queue.
    const shareLines = () => t.logs.filter((l) => l.includes('share of the trigger queue'));
    expect(shareLines().map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ owner: `${DEFAULT_TEAM_ID}:${ALICE.slackUserId}`, full: true, waiting: 20 }),
    ]);
    expect(t.logs.filter((l) => l.includes('trigger queue full'))).toEqual([]);

    release();
    await t.settle();
    await expectCarolTriggered();
    // Alice's accepted triggers ran, each as asked; her refused ones reached nobody.
    expect(
      triggersOf()
        .filter((r) => r.flowId !== CAROL_FLOW)
        .map((r) => r.flowId)
        .sort((a, b) => a - b),
    ).toEqual(accepted.map((i) => ALICE_FLOW + i));
    for (const i of accepted) expect(t.slack.responsesOf(`alice-${i}`)).toEqual([]);
    const refusedIds = acks.flatMap((_, i) => (accepted.includes(i) ? [] : [`alice-${i}`]));
    expect(refusedIds.flatMap((id) => t.slack.responsesOf(id))).toEqual([]);
    const records = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 100 });
    expect(records).toHaveLength(21);
    expect(shareLines().map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ full: true, waiting: 20 }),
      expect.objectContaining({ full: false, waiting: 10, refused: 280 }),
    ]);

    // Once hers have run, Alice is served again.
    expect((await t.command(`${ALICE_FLOW + 299} RUN=later`)).body).toBe('');
    expect(triggersOf().at(-1)).toMatchObject({ flowId: ALICE_FLOW + 299, userId: ALICE.userId });
  });

  it('gives the next turn to another caller, not to the flooder’s next trigger', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 200, queuePerUser: 20 } });
    addFlows(5);
    const release = await holdSlots(1);
    for (let i = 0; i < 5; i += 1) {
      expect((await send(ALICE.slackUserId, `${ALICE_FLOW + i} RUN=${i}`, `alice-${i}`)).body).toBe('');
    }
    expect((await send(CAROL.slackUserId, `${CAROL_FLOW} NOTE="not crowded out"`, 'carol')).body).toBe('');
    release();
    await t.settle();
    expect(triggersOf().map((r) => r.flowId)).toEqual([
      ALICE_FLOW,
      CAROL_FLOW,
      ALICE_FLOW + 1,
      ALICE_FLOW + 2,
      ALICE_FLOW + 3,
      ALICE_FLOW + 4,
    ]);
    await expectCarolTriggered();
  });

  it('keeps the form open with the share’s reason inline when the caller’s share is full', async () => {
    t = await startTestApp({ triggers: { concurrency: 1, queueLimit: 200, queuePerUser: 1 } });
    addFlows(2);
    await t.command('');
    const form = currentForm(t);
    const release = await holdSlots(1);
    expect((await send(ALICE.slackUserId, `${ALICE_FLOW} RUN=0`, 'alice-0')).body).toBe('');
    // submitForm waits for the app to settle, so the slot is released once the refusal is logged
    // (the queue logs a caller's first refusal as it refuses, before the answer goes out).
    const submitted = submitForm(t, { flow: { id: ALICE_FLOW + 1 } }, { view: form });
    while (!t.logs.some((l) => l.includes('share of the trigger queue is full'))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    release();
    const res = await submitted;
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        [MODAL_BLOCK.flow]:
          'You already have 1 trigger waiting for their turn: your whole share of flow-trigger’s queue, so I took ' +
          'no more from you for now. Nothing was triggered. Try again once some of yours have run.',
      },
    });
    await t.settle();
    expect(triggersOf().map((r) => r.flowId)).toEqual([ALICE_FLOW]);
  });
});

describe('a flood from an unlinked user', () => {
  it('answers 3,000 commands in their acks without queueing any, and runs another user’s trigger', async () => {
    t = await startTestApp();
    addFlows(0);
    const release = await holdSlots(16);

    const acks = await flood(3000, 50, (i) => send(DAVE.slackUserId, `3377 RUN=${i}`, 'dave'));
    const notLinked =
      ':link: Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. ' +
      'Ask an admin (<@U0ADMIN01>) to link you with `/flow-trigger link @you <enosUserId> <enosUserName>`.';
    expect(acks.filter((a) => a.status === 200 && ackText(a) === notLinked)).toHaveLength(3000);
    expect(acks.every((a) => (a.json as { response_type?: string }).response_type === 'ephemeral')).toBe(
      true,
    );
    // None of them waits for a turn, or was answered later, or cost a Slack or EnOS call.
    expect(t.inFlight.waiting).toBe(0);
    expect(t.inFlight.size).toBe(16);
    expect(t.slack.responsesOf('dave')).toEqual([]);
    expect(t.slack.callsOf('users.info')).toEqual([]);
    expect(t.enos.requests).toEqual([]);
    // Nor 3,000 log lines: an unlinked flood is logged at debug level only.
    expect(
      t.logs.filter((l) => l.includes(DAVE.slackUserId) && (JSON.parse(l) as { level: number }).level >= 30),
    ).toEqual([]);

    const carol = await send(CAROL.slackUserId, `${CAROL_FLOW} NOTE="not crowded out"`, 'carol');
    expect(carol.body).toBe('');
    expect(t.inFlight.waiting).toBe(1);
    release();
    await t.settle();
    await expectCarolTriggered();
    expect(await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 })).toHaveLength(1);
  });

  it('answers a form submitted by a caller whose link is gone inline, and queues nothing', async () => {
    t = await startTestApp();
    await t.command('');
    const form = currentForm(t);
    await t.store.links.remove(DEFAULT_TEAM_ID, ALICE.slackUserId);
    const res = await submitForm(t, { flow: { id: 3377 }, parameters: { REPLACE: 'x' } }, { view: form });
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        [MODAL_BLOCK.flow]:
          'Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. Nothing was ' +
          'triggered. “/flow-trigger whoami” names the admins who can link you.',
      },
    });
    await t.settle();
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
    expect(await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 })).toEqual([]);
  });

  it('answers a Run again click by a caller with no link privately, and queues nothing', async () => {
    t = await startTestApp();
    await t.command('3377 at 14:00 REPLACE=ddee');
    const reply = t.slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined)!;
    const attemptId = (await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 1 }))[0]!.id;
    // Every slot busy: a click that went to the queue would not be answered until they are free.
    const release = await holdSlots(16);
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: DAVE.slackUserId,
        actions: [{ action_id: RUN_ACTION.again, value: attemptId, block_id: RUN_ACTIONS_BLOCK }],
        thread_ts: String(reply.args.thread_ts),
        response_url: t.slack.responseUrl('dave-click'),
      }),
    );
    expect(res.status).toBe(200);
    await waitFor(() => t.slack.responsesOf('dave-click').length > 0, {
      description: 'the answer to the click while every slot is busy',
    });
    expect(t.inFlight.waiting).toBe(0);
    release();
    await t.settle();
    expect(
      t.slack.responsesOf('dave-click').map((r) => textOf({ args: r.body as Record<string, unknown> })),
    ).toEqual([
      ':link: Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. ' +
        'Ask an admin (<@U0ADMIN01>) to link you with `/flow-trigger link @you <enosUserId> <enosUserName>`.',
    ]);
    expect(t.slack.responsesOf('dave-click')[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 10 })).toHaveLength(1);
  });
});

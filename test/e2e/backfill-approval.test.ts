/**
 * A backfill whose policy rule requires approval (docs/product.md, "Backfill": one approval covers
 * the whole range), end to end: the preview says who must approve and its button asks; the click
 * posts one request for the range and nothing runs; an approver's Approve checks the plan again as
 * the requester and starts it (parent message, progress reply, its first run reaching EnOS); a
 * Reject, a Withdraw or the timeout starts nothing, ever.
 */
import type { ApprovalRequest } from '../../src/core/approval-request';
import {
  APPROVAL_ACTION,
  APPROVAL_ACTIONS_BLOCK,
  APPROVAL_REASON_ACTION,
  APPROVAL_REASON_BLOCK,
  APPROVAL_REJECT_MODAL_CALLBACK,
  BACKFILL_START_ACTION,
  MODAL_ACTION,
} from '../../src/slack/ids';
import type { StoredMessage } from '../fakes/fake-slack-api';
import { applyViewUpdate, blocksOf, changeForm, clickInView, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { ALICE, CAROL, NOW, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp | undefined;
afterEach(async () => {
  t?.slack.assertNoUnhandled();
  await t?.stop();
  t = undefined;
});

/** An approver with no link: approvers decide, they do not trigger. */
const BOB = 'U0BOBBY01';
const LEADS = { id: 'S0LEADS01', handle: 'data-leads', members: [ALICE.slackUserId, BOB, CAROL.slackUserId] };
const directory = { userGroups: [LEADS] };
const POLICY = `rules:
  - name: production loads need a second person
    flows: [3377]
    require_approval: { approvers: ["@data-leads"], count: 1, timeout: 30m }
`;
const SUMMARY =
  'Policy rule "production loads need a second person" needs 1 approval from <!subteam^S0LEADS01> (not from the requester) within 30 minutes.';
const DAY = 86_400_000;
/** The fake flow's cron: daily at 01:00 server time (UTC); `${cal_dt}` is the trigger date minus one day. */
const triggerTimeOf = (businessDate: string) => Date.parse(`${businessDate}T01:00:00Z`) + DAY;

function app(): TestApp {
  if (!t) throw new Error('no test app');
  return t;
}
const triggers = () => app().enos.requestsOf('flows.updateAndTrigger');
const posts = () => app().slack.callsOf('chat.postMessage');
const stored = (id: string): Promise<ApprovalRequest | undefined> => app().store.approvals.get(id);
const active = () => app().store.backfills.listActive(DEFAULT_TEAM_ID, 10);
const shown = (m: StoredMessage) => textOf({ args: { blocks: m.blocks } });
const thread = (ts: string) =>
  posts()
    .filter((c) => c.args.thread_ts === ts)
    .map(textOf);

type Block = {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id: string; value: string; text?: { text: string } }>;
};

/** Runs the backfill command as Alice; returns its private preview and its button. */
async function preview(text: string) {
  const res = await app().command(`backfill ${text}`);
  const [answer] = app()
    .slack.responsesOf(res.responseUrlId)
    .map((r) => r.body as { blocks: Block[] });
  const button = answer?.blocks
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === BACKFILL_START_ACTION);
  return { text: textOf({ args: answer as unknown as Record<string, unknown> }), button };
}

let clicks = 0;
/** Clicks the preview's button as `user`; resolves with what they were told privately. */
async function clickStart(value: string, user = ALICE.slackUserId): Promise<string[]> {
  const responseUrlId = `start-${++clicks}`;
  const res = await sendInteraction(
    app().baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: BACKFILL_START_ACTION, value }],
      channel_id: DEFAULT_CHANNEL_ID,
      response_url: app().slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  await app().settle();
  await app().backfills.tick();
  return app()
    .slack.responsesOf(responseUrlId)
    .map((r) => textOf({ args: r.body as Record<string, unknown> }));
}

/** The approval request as the channel shows it now (chat.update applied). */
function requestMessage(): StoredMessage {
  const message = app().slack.messages.find(
    (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes('asks to'),
  );
  if (!message) throw new Error('no approval request was posted');
  return message;
}
function requestIdOf(message: StoredMessage): string {
  const match = /request `([^`]+)`/.exec(shown(message));
  if (!match) throw new Error('no request id on the message');
  return match[1]!;
}

/** Clicks a button of the request message as `user`; resolves with what they were told privately. */
async function decide(actionId: string, user: string): Promise<string[]> {
  const message = requestMessage();
  const responseUrlId = `decide-${++clicks}`;
  const res = await sendInteraction(
    app().baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value: requestIdOf(message), block_id: APPROVAL_ACTIONS_BLOCK }],
      channel_id: message.channel,
      message_ts: message.ts,
      response_url: app().slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  await app().settle();
  await app().backfills.tick();
  return app()
    .slack.responsesOf(responseUrlId)
    .map((r) => textOf({ args: r.body as Record<string, unknown> }));
}

/** Asks for approval of a 3-day backfill from its preview; resolves with the request's id. */
async function ask(): Promise<string> {
  const { button } = await preview('3377 2026-11-20 to 2026-11-22 REPLACE=ddee');
  expect(button?.text?.text).toBe('Ask for approval (3 runs)');
  await clickStart(button!.value);
  return requestIdOf(requestMessage());
}

/** Nothing runs, now or later: EnOS received no trigger and no backfill is active, after a day. */
async function expectNothingEverStarts() {
  expect(triggers()).toEqual([]);
  app().clock.advance(DAY);
  await app().backfills.tick();
  await app().expireApprovals();
  await app().tick();
  await app().settle();
  expect(triggers()).toEqual([]);
  expect(await active()).toEqual([]);
  expect(posts().filter((c) => textOf(c).includes('started a backfill'))).toEqual([]);
}

describe('a backfill whose rule requires approval', () => {
  it('previews with who must approve, asks once for the whole range, and starts on one approval', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const { text, button } = await preview('3377 2026-11-20 to 2026-11-22 REPLACE=ddee');
    // Not refused: the preview says who must approve, and its button asks them.
    expect(text).toContain('3 runs for business dates 2026-11-20 … 2026-11-22');
    expect(text).not.toContain(':no_entry:');
    expect(text).toContain(
      `:raised_hand: ${SUMMARY} *Ask for approval* posts one request for the whole range in this conversation; ` +
        'nothing runs before it is approved, then the backfill starts.',
    );
    expect(button?.text?.text).toBe('Ask for approval (3 runs)');

    // The click posts the request, mentions who may approve, and tells Alice privately; nothing runs.
    const told = await clickStart(button!.value);
    expect(triggers()).toEqual([]);
    expect(await active()).toEqual([]);
    const message = requestMessage();
    expect(message.channel).toBe(DEFAULT_CHANNEL_ID);
    expect(shown(message)).toContain(
      `:raised_hand: <@${ALICE.slackUserId}> asks to backfill flow *3377* · daily load: 3 runs, 2026-11-20 … 2026-11-22`,
    );
    expect(shown(message)).toContain('Parameters: `REPLACE=ddee`');
    expect(shown(message)).toContain(SUMMARY);
    expect(shown(message)).toContain(`Can approve: <@${BOB}>, <@${CAROL.slackUserId}>`);
    const id = requestIdOf(message);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(
      `:raised_hand: Approval asked for the backfill of flow *3377* · daily load (3 runs): ${SUMMARY} ` +
        `Asked: <@${BOB}>, <@${CAROL.slackUserId}>. Nothing runs before it is approved`,
    );
    expect(told[0]).toContain(`/archives/${DEFAULT_CHANNEL_ID}/p${message.ts.replace('.', '')}`);
    const request = await stored(id);
    expect(request).toMatchObject({
      state: 'pending',
      requesterId: ALICE.slackUserId,
      channelId: DEFAULT_CHANNEL_ID,
      approvers: [BOB, CAROL.slackUserId],
      count: 1,
      deadline: NOW + 30 * 60_000,
      payload: {
        kind: 'backfill',
        flowId: 3377,
        flowName: 'daily load',
        runs: 3,
        range: '2026-11-20 … 2026-11-22',
        parameters: [{ key: 'REPLACE', value: 'ddee' }],
        details: {
          teamId: DEFAULT_TEAM_ID,
          slackUserId: ALICE.slackUserId,
          channelId: DEFAULT_CHANNEL_ID,
          flowId: 3377,
          order: 'oldest-first',
          onFailure: 'stop',
          parameters: [{ key: 'REPLACE', value: 'ddee' }],
          runs: [
            expect.objectContaining({ businessDate: '2026-11-20', triggerTime: triggerTimeOf('2026-11-20') }),
            expect.objectContaining({ businessDate: '2026-11-21', triggerTime: triggerTimeOf('2026-11-21') }),
            expect.objectContaining({ businessDate: '2026-11-22', triggerTime: triggerTimeOf('2026-11-22') }),
          ],
        },
      },
    });

    // A second click on the same preview does not ask twice.
    const again = await clickStart(button!.value);
    expect(again[0]).toContain('Approval for this backfill was already asked for from this preview.');
    expect(posts().filter((c) => textOf(c).includes('asks to backfill'))).toHaveLength(1);

    // Carol approves: the backfill starts as Alice's, its outcome in the request's thread.
    await decide(APPROVAL_ACTION.approve, CAROL.slackUserId);
    const said = thread(message.ts);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain(`<@${CAROL.slackUserId}> approved. Approved by <@${CAROL.slackUserId}>`);
    expect(said[0]).toContain('starting the backfill of flow *3377* · daily load.');
    expect(said[1]).toContain(
      ':white_check_mark: Backfill started: 3 runs of flow *3377* · daily load, one at a time.',
    );
    // The backfill's own parent message and progress reply, in the conversation.
    const parent = posts().find((c) => textOf(c).includes('started a backfill'));
    expect(parent?.args.channel).toBe(DEFAULT_CHANNEL_ID);
    expect(textOf(parent)).toContain(
      `:repeat: <@${ALICE.slackUserId}> started a backfill of flow *3377* · daily load: 3 runs for business dates`,
    );
    const parentTs = app().slack.messages.find((m) => m.text?.includes('started a backfill'))!.ts;
    expect(said[1]).toContain(`p${parentTs.replace('.', '')}`);
    expect(textOf(posts().find((c) => c.args.thread_ts === parentTs))).toContain(
      '0/3 done · 0 running · 0 failed',
    );
    expect(textOf(app().slack.callsOf('chat.update').at(-1))).toContain(
      '0/3 done · 1 running (2026-11-20) · 0 failed',
    );
    // Its first run reached EnOS as Alice, with every field.
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.query).toEqual({
      action: 'updateAndTrigger',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-20'),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    const [record] = await active();
    expect(record).toMatchObject({
      slackUserId: ALICE.slackUserId,
      flowId: 3377,
      threadTs: parentTs,
      approvalId: id,
    });
    // Its next run needs no approval of its own: the one approval covers the whole range.
    const first = app().enos.triggers.at(-1)!.instanceId!;
    app().enos.setInstanceStatus(first, 1);
    app().clock.advance(15_000);
    await app().tick();
    app().clock.advance(61_000);
    await app().backfills.tick();
    expect(triggers()).toHaveLength(2);
    expect(triggers()[1]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-21'),
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    expect(posts().filter((c) => textOf(c).includes('asks to'))).toHaveLength(1);
    // What the approval keeps says who approved.
    expect(await stored(id)).toMatchObject({
      state: 'approved',
      approvedBy: [{ userId: CAROL.slackUserId, at: NOW }],
    });
    expect(shown(requestMessage())).toContain(`:white_check_mark: *Approved* by <@${CAROL.slackUserId}>`);
  });

  it('the requester cannot approve their own', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const id = await ask();
    expect(await decide(APPROVAL_ACTION.approve, ALICE.slackUserId)).toEqual([
      ':no_entry: You asked for this, so you cannot approve or reject it: another approver must. You can withdraw it with *Withdraw*.',
    ]);
    expect(await stored(id)).toMatchObject({ state: 'pending', approvedBy: [] });
    await expectNothingEverStarts();
  });

  it('a Reject starts nothing, ever', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const id = await ask();
    await decide(APPROVAL_ACTION.reject, BOB);
    const res = await sendInteraction(
      app().baseUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user_id: BOB,
        callback_id: APPROVAL_REJECT_MODAL_CALLBACK,
        private_metadata: id,
        values: {
          [APPROVAL_REASON_BLOCK]: {
            [APPROVAL_REASON_ACTION]: { type: 'plain_text_input', value: 'not this week' },
          },
        },
      }),
    );
    expect(res.status).toBe(200);
    await app().settle();
    expect(await stored(id)).toMatchObject({
      state: 'rejected',
      rejectedBy: { userId: BOB, reason: 'not this week' },
    });
    expect(thread(requestMessage().ts).at(-1)).toContain(`<@${BOB}> rejected this request: “not this week”`);
    // A late Approve counts for nothing.
    await decide(APPROVAL_ACTION.approve, CAROL.slackUserId);
    await expectNothingEverStarts();
  });

  it('a Withdraw, or the timeout, starts nothing', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const first = await ask();
    await decide(APPROVAL_ACTION.withdraw, ALICE.slackUserId);
    expect(await stored(first)).toMatchObject({ state: 'withdrawn' });
    await expectNothingEverStarts();

    // A fresh preview (the first plan's button has expired by now), left to time out.
    const { button } = await preview('3377 2026-11-20 to 2026-11-22 REPLACE=ddee');
    await clickStart(button!.value);
    const requests = app().slack.messages.filter(
      (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes('asks to'),
    );
    expect(requests).toHaveLength(2);
    const second = requestIdOf(requests[1]!);
    expect(second).not.toBe(first);
    app().clock.advance(31 * 60_000);
    expect(await app().expireApprovals()).toBe(1);
    expect(await stored(second)).toMatchObject({ state: 'expired' });
    await expectNothingEverStarts();
  });

  it('an approval that the checks at start refuse says why in the request’s thread', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const id = await ask();
    // Meanwhile the policy file denies the flow: the approved start checks again, as Alice.
    await app().setPolicy(`rules:
  - name: frozen
    flows: [3377]
    deny: "Month-end freeze."
`);
    await decide(APPROVAL_ACTION.approve, BOB);
    expect(await stored(id)).toMatchObject({ state: 'approved', approvedBy: [{ userId: BOB }] });
    const said = thread(requestMessage().ts);
    expect(said.at(-1)).toContain(
      `<@${ALICE.slackUserId}> :no_entry: Approved, but the backfill of flow *3377* · daily load did not start: :no_entry: Policy rule "frozen"`,
    );
    expect(said.at(-1)).toContain('Month-end freeze.');
    await expectNothingEverStarts();
  });

  it('from the form: the preview in place asks, the request goes to the form’s conversation, and starts there', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const OPS = 'C0OPS0001';
    const opened = await app().command('');
    expect(opened.status).toBe(200);
    await changeForm(app(), MODAL_ACTION.flow, { flow: { id: 3377 } });
    await changeForm(app(), MODAL_ACTION.when, { when: 'backfill' });
    const res = await submitForm(app(), {
      backfill: { from: '2026-11-20', to: '2026-11-21' },
      conversation: OPS,
    });
    const shownView = applyViewUpdate(app(), res);
    expect(textOf({ args: shownView.view })).toContain(`:raised_hand: ${SUMMARY} *Ask for approval*`);
    const button = blocksOf(shownView)
      .filter((b) => b.type === 'actions')
      .flatMap(
        (b) =>
          (b as unknown as { elements: Array<{ action_id: string; value: string; text: { text: string } }> })
            .elements,
      )
      .find((e) => e.action_id === BACKFILL_START_ACTION);
    expect(button?.text.text).toBe('Ask for approval (2 runs)');

    // From a modal: no conversation, no response_url; the request goes where the form said.
    expect((await clickInView(app(), BACKFILL_START_ACTION, button!.value)).status).toBe(200);
    const message = requestMessage();
    expect(message.channel).toBe(OPS);
    expect(shown(message)).toContain(
      'asks to backfill flow *3377* · daily load: 2 runs, 2026-11-20 … 2026-11-21',
    );
    const [told] = app().slack.callsOf('chat.postEphemeral');
    expect(told?.args).toMatchObject({ channel: OPS, user: ALICE.slackUserId });
    expect(textOf(told)).toContain('Approval asked for the backfill of flow *3377* · daily load (2 runs)');
    expect(triggers()).toEqual([]);

    await decide(APPROVAL_ACTION.approve, BOB);
    expect(thread(message.ts).at(-1)).toContain(':white_check_mark: Backfill started: 2 runs of flow *3377*');
    expect(posts().find((c) => textOf(c).includes('started a backfill'))?.args.channel).toBe(OPS);
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.query).toEqual({
      action: 'updateAndTrigger',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: triggerTimeOf('2026-11-20'),
      parameters: [],
    });
  });
});

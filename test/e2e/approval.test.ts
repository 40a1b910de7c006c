/**
 * Approval by a second person (docs/product.md, "Guardrails: policy file and approval"), end to
 * end: a rule with require_approval turns a trigger into a request posted in the channel, with who
 * must approve and Approve / Reject / Withdraw; only listed approvers other than the requester
 * decide; the last approval needed runs the checks again and triggers in the request's thread;
 * one Reject, a Withdraw or the timeout ends it. What EnOS received, what the channel shows and
 * what the store keeps are asserted for each.
 */

import pino from 'pino';
import type { ApprovalRequest } from '../../src/core/approval-request';
import type { AuditRecord } from '../../src/core/ports';
import { newTriggerJob } from '../../src/core/trigger-job';
import {
  APPROVAL_ACTION,
  APPROVAL_ACTIONS_BLOCK,
  APPROVAL_REASON_ACTION,
  APPROVAL_REASON_BLOCK,
  APPROVAL_REJECT_MODAL_CALLBACK,
  MODAL_ACTION,
  MODAL_BLOCK,
  PREVIEW_TRIGGER_ACTION,
  RUN_ACTION,
} from '../../src/slack/ids';
import { openApprovalRequest } from '../../src/slack/open-approval-request';
import type { StoredMessage } from '../fakes/fake-slack-api';
import { changeForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
  viewSubmissionPayload,
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

function policy(count = 1, timeout = '30m'): string {
  return `rules:
  - name: production loads need a second person
    flows: [3377]
    require_approval: { approvers: ["@data-leads"], count: ${count}, timeout: ${timeout} }
`;
}

function app(): TestApp {
  if (!t) throw new Error('no test app');
  return t;
}

const thread = (ts: string) =>
  app()
    .slack.callsOf('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts);
const privately = (id: string) =>
  app()
    .slack.responsesOf(id)
    .map((r) => textOf({ args: r.body as Record<string, unknown> }));
const triggers = () => app().enos.requestsOf('flows.updateAndTrigger');
const audit = (id: string): Promise<AuditRecord | undefined> => app().store.audit.get(DEFAULT_TEAM_ID, id);
const stored = (id: string): Promise<ApprovalRequest | undefined> => app().store.approvals.get(id);

/** The request message as the channel shows it now (chat.update applied). */
function requestMessage(): StoredMessage {
  const message = app().slack.messages.find(
    (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes('asks to'),
  );
  if (!message) throw new Error('no approval request was posted');
  return message;
}
const shown = (m: StoredMessage) => textOf({ args: { blocks: m.blocks } });
const buttonsOf = (m: StoredMessage) =>
  ((m.blocks ?? []) as Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string }> }>)
    .filter((b) => b.type === 'actions' && b.block_id === APPROVAL_ACTIONS_BLOCK)
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.action_id);

let clicks = 0;
/** Clicks a button of the request message as `user`; resolves with the response URL id of the answer. */
async function click(actionId: string, user: string, settle = true): Promise<string> {
  const message = requestMessage();
  const responseUrlId = `click-${++clicks}`;
  const res = await sendInteraction(
    app().baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value: attemptIdOf(message), block_id: APPROVAL_ACTIONS_BLOCK }],
      channel_id: message.channel,
      message_ts: message.ts,
      response_url: app().slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  if (settle) await app().settle();
  return responseUrlId;
}

function attemptIdOf(message: StoredMessage): string {
  const blocks = (message.blocks ?? []) as Array<{ type: string; elements?: Array<{ value?: string }> }>;
  const value = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value;
  if (value) return value;
  // Decided: the buttons are gone; the request id is in the context line.
  const match = /request `([^`]+)`/.exec(shown(message));
  if (!match) throw new Error('no request id on the message');
  return match[1]!;
}

/** Submits the Reject modal (as Slack does after views.open) with `reason`. */
async function submitReject(user: string, requestId: string, reason: string): Promise<void> {
  const res = await sendInteraction(
    app().baseUrl,
    SIGNING_SECRET,
    viewSubmissionPayload({
      user_id: user,
      callback_id: APPROVAL_REJECT_MODAL_CALLBACK,
      private_metadata: requestId,
      values: {
        [APPROVAL_REASON_BLOCK]: { [APPROVAL_REASON_ACTION]: { type: 'plain_text_input', value: reason } },
      },
    }),
  );
  expect(res.status).toBe(200);
  await app().settle();
}

describe('a trigger that needs approval', () => {
  it('is posted with mentions and buttons, triggers on approval in its thread, and audits who approved', async () => {
    t = await startTestApp({ directory, policy: policy() });
    const res = await t.command('3377 REPLACE=ddee');

    // Nothing sent yet; the request is in the channel, with who must approve, until when, and the buttons.
    expect(triggers()).toEqual([]);
    expect(privately(res.responseUrlId)).toEqual([]);
    const message = requestMessage();
    expect(message.channel).toBe(DEFAULT_CHANNEL_ID);
    const text = shown(message);
    expect(text).toContain(
      `:raised_hand: <@${ALICE.slackUserId}> asks to trigger flow *3377* · daily load now`,
    );
    expect(text).toContain('Parameters: `REPLACE=ddee`');
    expect(text).toContain(
      'Policy rule "production loads need a second person" needs 1 approval from <!subteam^S0LEADS01> (not from the requester) within 30 minutes.',
    );
    expect(text).toContain(`Can approve: <@${BOB}>, <@${CAROL.slackUserId}>`);
    expect(text).toContain('*Approvals: 0 of 1*');
    expect(text).toContain(`expires <!date^${Math.floor((NOW + 30 * 60_000) / 1000)}^`);
    expect(buttonsOf(message)).toEqual([
      APPROVAL_ACTION.approve,
      APPROVAL_ACTION.reject,
      APPROVAL_ACTION.withdraw,
    ]);
    const id = attemptIdOf(message);
    expect(await audit(id)).toMatchObject({
      outcome: 'pending',
      flowName: 'daily load',
      threadTs: message.ts,
      approval: { requested: new Date(NOW).toISOString(), approvedBy: [] },
    });
    expect(await stored(id)).toMatchObject({
      state: 'pending',
      approvers: [BOB, CAROL.slackUserId],
      count: 1,
    });

    t.clock.advance(60_000);
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);

    // EnOS got exactly the request, as Alice, at the moment of the approval ("now").
    const sent = triggers();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: NOW + 60_000,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    expect(sent[0]!.query).toMatchObject({ userId: ALICE.userId, orgId: ALICE.orgId });
    // The checks ran again as Alice before the send.
    expect(t.enos.requestsOf('flows.get').map((r) => r.query.userId)).toEqual([ALICE.userId, ALICE.userId]);

    // The thread (the request is its parent) says who approved, then the outcome.
    const said = thread(message.ts).map(textOf);
    expect(said[0]).toBe(
      `:white_check_mark: <@${CAROL.slackUserId}> approved. Approved by <@${CAROL.slackUserId}>: checking flow *3377* · daily load again as <@${ALICE.slackUserId}> and triggering it.`,
    );
    const instanceId = t.enos.triggers.at(-1)!.instanceId!;
    expect(said[1]).toContain(instanceId);
    // No second parent message: the request is the announcement.
    expect(t.slack.messages.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    // The request shows the decision, its buttons gone.
    expect(buttonsOf(requestMessage())).toEqual([]);
    expect(shown(requestMessage())).toContain(`:white_check_mark: *Approved* by <@${CAROL.slackUserId}>`);

    expect(await audit(id)).toMatchObject({
      outcome: 'triggered',
      instanceId,
      channelId: DEFAULT_CHANNEL_ID,
      threadTs: message.ts,
      approval: {
        requested: new Date(NOW).toISOString(),
        approvedBy: [CAROL.slackUserId],
        at: new Date(NOW + 60_000).toISOString(),
      },
    });
    expect(await stored(id)).toMatchObject({
      state: 'approved',
      approvedBy: [{ userId: CAROL.slackUserId }],
    });
    expect(await t.store.jobs.listDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('refuses Approve from someone who is not an approver, privately, and counts nothing', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('3377');
    const answer = await click(APPROVAL_ACTION.approve, DAVE.slackUserId);
    expect(privately(answer)).toEqual([
      `:no_entry: Only <@${BOB}>, <@${CAROL.slackUserId}> can approve or reject this request (policy rule "production loads need a second person"). Nothing was counted.`,
    ]);
    expect(triggers()).toEqual([]);
    expect(await stored(attemptIdOf(requestMessage()))).toMatchObject({ state: 'pending', approvedBy: [] });
    expect(thread(requestMessage().ts)).toEqual([]);
  });

  it('a click from another workspace finds no request there, and decides nothing', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('3377');
    const message = requestMessage();
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: CAROL.slackUserId,
        team_id: 'T0OTHER01',
        actions: [
          {
            action_id: APPROVAL_ACTION.approve,
            value: attemptIdOf(message),
            block_id: APPROVAL_ACTIONS_BLOCK,
          },
        ],
        channel_id: message.channel,
        message_ts: message.ts,
        response_url: t.slack.responseUrl('other-team'),
      }),
    );
    expect(res.status).toBe(200);
    await t.settle();
    expect(privately('other-team')).toEqual([
      ':grey_question: I no longer have this approval request, so nothing was decided. Ask again to start a new one.',
    ]);
    expect(await stored(attemptIdOf(message))).toMatchObject({ state: 'pending', approvedBy: [] });
  });

  it('refuses Approve and Reject from the requester, even one in the approvers’ group', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('3377');
    const approve = await click(APPROVAL_ACTION.approve, ALICE.slackUserId);
    const reject = await click(APPROVAL_ACTION.reject, ALICE.slackUserId);
    for (const answer of [approve, reject]) {
      expect(privately(answer)).toEqual([
        ':no_entry: You asked for this, so you cannot approve or reject it: another approver must. You can withdraw it with *Withdraw*.',
      ]);
    }
    // No modal for a Reject that may not be made.
    expect(t.slack.callsOf('views.open')).toEqual([]);
    expect(triggers()).toEqual([]);
    expect(await stored(attemptIdOf(requestMessage()))).toMatchObject({ state: 'pending', approvedBy: [] });
  });

  it('counts a double click once; with count 2 the second approver triggers it, once', async () => {
    t = await startTestApp({ directory, policy: policy(2) });
    await t.command('3377');
    // Two clicks of the same approver, at the same moment.
    const [first, second] = await Promise.all([
      click(APPROVAL_ACTION.approve, CAROL.slackUserId, false),
      click(APPROVAL_ACTION.approve, CAROL.slackUserId, false),
    ]);
    await t.settle();
    const answers = [...privately(first), ...privately(second)];
    expect(answers).toEqual([
      ':information_source: You already approved this request; each approver counts once. Waiting for 1 more approval.',
    ]);
    const id = attemptIdOf(requestMessage());
    expect((await stored(id))?.approvedBy.map((a) => a.userId)).toEqual([CAROL.slackUserId]);
    expect(triggers()).toEqual([]);
    expect(thread(requestMessage().ts).map(textOf)).toEqual([
      `:ballot_box_with_check: <@${CAROL.slackUserId}> approved (1 of 2).`,
    ]);
    expect(shown(requestMessage())).toContain(`*Approvals: 1 of 2* (<@${CAROL.slackUserId}>)`);

    await click(APPROVAL_ACTION.approve, BOB);
    expect(triggers()).toHaveLength(1);
    expect((await audit(id))?.approval?.approvedBy).toEqual([CAROL.slackUserId, BOB]);
  });

  it('a Reject asks for a reason, ends the request, and shows the reason inert', async () => {
    t = await startTestApp({ directory, policy: policy(2) });
    await t.command('3377');
    const id = attemptIdOf(requestMessage());
    await click(APPROVAL_ACTION.reject, BOB);
    const [opened] = t.slack.callsOf('views.open');
    expect(opened?.args.view).toMatchObject({
      callback_id: APPROVAL_REJECT_MODAL_CALLBACK,
      private_metadata: id,
    });
    // Nothing is decided before the reason is submitted.
    expect(await stored(id)).toMatchObject({ state: 'pending' });

    await submitReject(BOB, id, '<!channel> *not now* <@U0CAROL01>');
    const said = thread(requestMessage().ts).map(textOf);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`<@${ALICE.slackUserId}> :x: <@${BOB}> rejected this request: “`);
    expect(said[0]).toContain('Flow *3377* · daily load was not triggered.');
    expect(said[0]).not.toContain('<!channel>');
    expect(said[0]).not.toContain('<@U0CAROL01>');
    expect(said[0]).toContain('&lt;!channel&gt;');
    expect(buttonsOf(requestMessage())).toEqual([]);
    expect(shown(requestMessage())).toContain(`:x: *Rejected* by <@${BOB}>`);
    expect(await audit(id)).toMatchObject({
      outcome: 'refused',
      error: { code: 'approval-rejected' },
      approval: { approvedBy: [], rejectedBy: BOB, reason: '<!channel> *not now* <@U0CAROL01>' },
    });
    // One Reject ends it: a later Approve counts for nothing.
    const late = await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(privately(late)).toEqual([
      ':information_source: This request was already rejected; nothing changed.',
    ]);
    expect(triggers()).toEqual([]);
  });

  it('Withdraw is for the requester only, and ends the request', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('3377');
    const id = attemptIdOf(requestMessage());
    const other = await click(APPROVAL_ACTION.withdraw, CAROL.slackUserId);
    expect(privately(other)).toEqual([
      `:no_entry: Only <@${ALICE.slackUserId}>, who asked for it, can withdraw this request.`,
    ]);
    expect(await stored(id)).toMatchObject({ state: 'pending' });

    await click(APPROVAL_ACTION.withdraw, ALICE.slackUserId);
    expect(thread(requestMessage().ts).map(textOf)).toEqual([
      `:leftwards_arrow_with_hook: <@${ALICE.slackUserId}> withdrew this request. Flow *3377* · daily load was not triggered.`,
    ]);
    expect(buttonsOf(requestMessage())).toEqual([]);
    expect(await audit(id)).toMatchObject({
      outcome: 'refused',
      error: { code: 'approval-withdrawn' },
      approval: { withdrawn: true },
    });
    const late = await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(privately(late)).toEqual([
      ':information_source: This request was already withdrawn; nothing changed.',
    ]);
    expect(triggers()).toEqual([]);
  });

  it('expires after the timeout: the buttons go, the thread tells the requester, and a late click counts for nothing', async () => {
    t = await startTestApp({ directory, policy: policy(1, '10m') });
    await t.command('3377');
    const id = attemptIdOf(requestMessage());
    t.clock.advance(9 * 60_000);
    expect(await t.expireApprovals()).toBe(0);
    t.clock.advance(60_000);
    expect(await t.expireApprovals()).toBe(1);
    expect(thread(requestMessage().ts).map(textOf)).toEqual([
      `<@${ALICE.slackUserId}> :hourglass: Nobody decided within 10 minutes: the request expired and flow *3377* · daily load was not triggered. Ask again to start a new request.`,
    ]);
    expect(buttonsOf(requestMessage())).toEqual([]);
    expect(shown(requestMessage())).toContain(':hourglass: *Expired*');
    expect(await audit(id)).toMatchObject({ outcome: 'refused', error: { code: 'approval-expired' } });
    expect(await t.expireApprovals()).toBe(0);
    const late = await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(privately(late)).toEqual([
      ':information_source: This request was already expired; nothing changed.',
    ]);
    expect(triggers()).toEqual([]);
  });

  it('a click after the deadline, before the expiry pass, expires it instead of approving', async () => {
    t = await startTestApp({ directory, policy: policy(1, '10m') });
    await t.command('3377');
    t.clock.advance(10 * 60_000);
    const late = await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(privately(late)).toEqual([
      ':hourglass: This request expired before your decision; nothing was triggered.',
    ]);
    expect(triggers()).toEqual([]);
    expect(await stored(attemptIdOf(requestMessage()))).toMatchObject({ state: 'expired' });
  });

  it('a scheduled time that passed while waiting is not triggered, with a way to request it again for now', async () => {
    t = await startTestApp({ directory, policy: policy(1, '2h') });
    // 10:00 in Berlin now; asked for 10:30.
    await t.command('3377 at 10:30');
    const id = attemptIdOf(requestMessage());
    expect(shown(requestMessage())).toContain('asks to trigger flow *3377* · daily load at <!date^');
    t.clock.advance(45 * 60_000);
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(triggers()).toEqual([]);
    const [passed] = thread(requestMessage().ts).slice(-1);
    expect(textOf(passed)).toContain(
      'passed while the request waited, so flow *3377* · daily load was not triggered',
    );
    expect(JSON.stringify(passed?.args.blocks)).toContain(RUN_ACTION.runNow);
    expect(await audit(id)).toMatchObject({
      outcome: 'refused',
      error: { code: 'approval-time-passed' },
      approval: { approvedBy: [CAROL.slackUserId] },
    });
    expect(await t.store.jobs.listDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);

    // The way out: a new request for now, through the checks and the approval again.
    const value = (passed!.args.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).find(
      (b) => b.type === 'actions',
    )!.elements![0]!.value;
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: RUN_ACTION.runNow, value, block_id: 'approval_way_out' }],
        channel_id: DEFAULT_CHANNEL_ID,
        response_url: t.slack.responseUrl('way-out'),
      }),
    );
    expect(res.status).toBe(200);
    await t.settle();
    expect(triggers()).toEqual([]);
    const requests = t.slack.messages.filter(
      (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes('asks to'),
    );
    expect(requests).toHaveLength(2);
    expect(shown(requests[1]!)).toContain('asks to trigger flow *3377* · daily load now');
  });

  it('a scheduled time still ahead at the approval is sent as asked', async () => {
    t = await startTestApp({ directory, policy: policy(1, '2h') });
    await t.command('3377 at 11:00');
    t.clock.advance(10 * 60_000);
    await click(APPROVAL_ACTION.approve, BOB);
    expect(triggers().map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: Date.UTC(2026, 10, 27, 10, 0, 0), parameters: [] },
    ]);
  });

  it('a request that would fail its checks (not an owner) is refused privately, never put to the approvers', async () => {
    t = await startTestApp({ directory, policy: policy() });
    const res = await t.command('3377', { user_id: CAROL.slackUserId });
    const [said] = privately(res.responseUrlId);
    expect(said).toContain('Your EnOS user `carol` is not an owner of flow *3377* · daily load');
    expect(triggers()).toEqual([]);
    expect(t.slack.messages.filter((m) => m.thread_ts === undefined)).toEqual([]);
    const [record] = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 5 });
    expect(record).toMatchObject({ outcome: 'refused', error: { code: 'not-owner' } });
    expect(await stored(record!.id)).toBeUndefined();
  });

  it('where the bot cannot post, the request is refused privately: nobody could approve it', async () => {
    t = await startTestApp({ directory, policy: policy() });
    t.slack.setBotNotInChannel(DEFAULT_CHANNEL_ID);
    const res = await t.command('3377');
    const [said] = privately(res.responseUrlId);
    expect(said).toContain(
      'flow-trigger cannot post in this conversation, so nobody could see the request to approve it.',
    );
    expect(said).toContain('/invite @flow-trigger');
    expect(triggers()).toEqual([]);
    const [record] = await t.store.audit.listRecent(DEFAULT_TEAM_ID, { limit: 5 });
    expect(record).toMatchObject({ outcome: 'refused', error: { code: 'APPROVAL_NOT_POSSIBLE' } });
    expect(await stored(record!.id)).toBeUndefined();
  });

  it('keeps every message within Slack’s limits with long names, parameters and approver lists', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `U0LONG${String(i).padStart(4, '0')}`);
    t = await startTestApp({
      directory: { userGroups: [{ ...LEADS, members: [...LEADS.members, ...many] }] },
      policy: `rules:
  - name: "${'a very long rule name '.repeat(4).trim()}"
    flows: ["*"]
    require_approval: { approvers: ["@data-leads"], count: 2 }
`,
    });
    t.enos.addFlow({ flowId: 4242, flowName: `${'long name '.repeat(300)}<!channel>`, owner: 'alice' });
    const params = Array.from({ length: 10 }, (_, i) => `K${i}=${'v'.repeat(280)}`).join(' ');
    const res = await t.command(`4242 ${params}`);
    expect(res.json).toBeUndefined();
    expect(privately(res.responseUrlId)).toEqual([]);
    const message = requestMessage();
    expect(shown(message)).toContain('… and');
    expect(shown(message)).not.toContain('<!channel>');
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    await click(APPROVAL_ACTION.reject, BOB);
    await submitReject(BOB, attemptIdOf(message), 'x'.repeat(3000));
    // The fake Slack refuses any message or view beyond the limits (assertNoUnhandled in afterEach).
    expect(thread(message.ts)).toHaveLength(2);
    expect(triggers()).toEqual([]);
  });
});

describe('the checks run again at the approval', () => {
  it('a policy that now denies the flow stops it: the requester is told why, the thread that it did not run', async () => {
    t = await startTestApp({ directory, policy: policy() });
    const res = await t.command('3377');
    await t.setPolicy(`rules:
  - name: frozen
    flows: [3377]
    deny: "Change freeze."
`);
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(triggers()).toEqual([]);
    expect(thread(requestMessage().ts).map(textOf).at(-1)).toBe(
      `:no_entry: Approved, but flow *3377* was not triggered: the checks, run again as <@${ALICE.slackUserId}>, stopped it. <@${ALICE.slackUserId}> was told why privately.`,
    );
    const told = t.slack.callsOf('chat.postEphemeral').map(textOf);
    expect(told.join('\n')).toContain(
      'Policy rule "frozen" does not let anyone run flow 3377: Change freeze.',
    );
    expect(privately(res.responseUrlId)).toEqual([]);
    expect(await audit(attemptIdOf(requestMessage()))).toMatchObject({
      outcome: 'refused',
      error: { code: 'POLICY_REFUSED' },
      approval: { approvedBy: [CAROL.slackUserId] },
    });
  });
});

describe('recovery', () => {
  it('a job announced before its flow could be read, resumed after a crash, is not sent without approval', async () => {
    t = await startTestApp({ directory, policy: policy() });
    const threadTs = '1700000000.000100';
    const job = {
      ...newTriggerJob(
        'job-resumed',
        {
          teamId: DEFAULT_TEAM_ID,
          slackUserId: ALICE.slackUserId,
          channelId: DEFAULT_CHANNEL_ID,
          deliveryKey: 'command:resumed',
          source: 'command' as const,
        },
        { flowId: 3377, when: { kind: 'now' }, parameters: [] },
        NOW,
        5000,
      ),
      state: {
        step: 'announced' as const,
        identity: { userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId },
        time: {
          epochMs: NOW,
          zone: 'Europe/Berlin',
          local: '2026-11-27 10:00',
          immediate: true,
          backdated: false,
        },
        thread: { channelId: DEFAULT_CHANNEL_ID, threadTs, private: false },
      },
    };
    await t.store.jobs.put(job);
    t.clock.advance(6000);
    await t.recover();
    expect(triggers()).toEqual([]);
    const [reply] = thread(threadTs);
    expect(textOf(reply)).toContain(
      'Not triggered. Policy rule "production loads need a second person" needs 1 approval',
    );
    expect(await audit('job-resumed')).toMatchObject({
      outcome: 'failed',
      error: { code: 'POLICY_REFUSED' },
    });
  });
});

describe('other surfaces', () => {
  it('the form: says early that approval will be needed, and Submit posts the request', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('');
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
    const updates = t.slack.callsOf('views.update');
    const view = updates.at(-1)!.args.view as {
      blocks: Array<{ block_id?: string; text?: { text: string } }>;
    };
    expect(view.blocks.find((b) => b.block_id === MODAL_BLOCK.flowNotice)?.text?.text).toBe(
      ':warning: Policy rule "production loads need a second person" needs 1 approval from <!subteam^S0LEADS01> ' +
        '(not from the requester) within 30 minutes. Submit posts the request for them in the conversation; ' +
        'nothing runs before it is approved.',
    );
    const res = await submitForm(t, { conversation: DEFAULT_CHANNEL_ID });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(triggers()).toEqual([]);
    expect(requestMessage().channel).toBe(DEFAULT_CHANNEL_ID);
    await click(APPROVAL_ACTION.approve, BOB);
    expect(triggers()).toHaveLength(1);
  });

  it('a preview is shown, and its Trigger asks for approval', async () => {
    t = await startTestApp({ directory, policy: policy() });
    const res = await t.command('preview 3377 REPLACE=x');
    const [answer] = t.slack.responsesOf(res.responseUrlId);
    const body = answer!.body as {
      blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    };
    const button = body.blocks
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === PREVIEW_TRIGGER_ACTION);
    expect(button).toBeDefined();
    expect(textOf({ args: body as unknown as Record<string, unknown> })).toContain(
      ':raised_hand: Policy rule "production loads need a second person" needs 1 approval from <!subteam^S0LEADS01> ' +
        '(not from the requester) within 30 minutes. *Trigger* posts the request for them in this conversation',
    );
    const clicked = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: PREVIEW_TRIGGER_ACTION, value: button!.value }],
        channel_id: DEFAULT_CHANNEL_ID,
        response_url: t.slack.responseUrl('preview-trigger'),
      }),
    );
    expect(clicked.status).toBe(200);
    await t.settle();
    expect(triggers()).toEqual([]);
    expect(shown(requestMessage())).toContain('Parameters: `REPLACE=x`');
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(triggers().map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: expect.any(Number), parameters: [{ key: 'REPLACE', value: 'x' }] },
    ]);
  });

  it('Run again of an approved run asks for approval again', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await t.command('3377');
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(triggers()).toHaveLength(1);
    const reply = thread(requestMessage().ts).at(-1)!;
    const id = attemptIdOf(requestMessage());
    // Past the duplicate guard's minute: a new request, not "already triggered".
    t.clock.advance(2 * 60_000);
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: RUN_ACTION.again, value: id, block_id: 'run_actions' }],
        channel_id: DEFAULT_CHANNEL_ID,
        message_ts: String(reply.args.ts ?? '1.1'),
        response_url: t.slack.responseUrl('again'),
      }),
    );
    expect(res.status).toBe(200);
    await t.settle();
    expect(triggers()).toHaveLength(1);
    const requests = t.slack.messages.filter(
      (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes('asks to'),
    );
    expect(requests).toHaveLength(2);
  });
});

describe('a backfill approval request', () => {
  const backfillRequest = (id: string): ApprovalRequest => ({
    id,
    teamId: DEFAULT_TEAM_ID,
    requesterId: ALICE.slackUserId,
    channelId: DEFAULT_CHANNEL_ID,
    source: 'command',
    payload: {
      kind: 'backfill',
      flowId: 3377,
      flowName: 'daily load',
      runs: 3,
      range: '2026-11-01 to 2026-11-03',
      parameters: [{ key: 'REPLACE', value: 'x' }],
      details: { from: '2026-11-01', to: '2026-11-03' },
    },
    rule: { index: 0, name: 'production loads need a second person' },
    summary: 'Policy rule "production loads need a second person" needs 1 approval.',
    approvers: [BOB, CAROL.slackUserId],
    count: 1,
    requestedAt: NOW,
    deadline: NOW + 30 * 60_000,
    state: 'pending',
    approvedBy: [],
  });
  const open = (request: ApprovalRequest) =>
    openApprovalRequest(
      {
        approvals: app().store.approvals,
        claims: app().store.claims,
        clock: app().clock,
        slackClient: app().app.app.client,
        logger: pino({ level: 'silent' }),
      },
      request,
    );

  it('one approval covers the range: the backfill engine gets the payload and the approvers', async () => {
    const started: Array<{ payload: unknown; approvers: string[] }> = [];
    t = await startTestApp({
      directory,
      policy: policy(),
      onBackfillApproved: async (payload, approvers) => {
        started.push({ payload, approvers });
      },
    });
    const opened = await open(backfillRequest('bf-1'));
    expect(opened?.message?.ts).toBe(requestMessage().ts);
    expect(shown(requestMessage())).toContain(
      'asks to backfill flow *3377* · daily load: 3 runs, 2026-11-01 to 2026-11-03',
    );
    await click(APPROVAL_ACTION.approve, CAROL.slackUserId);
    expect(started).toEqual([{ payload: backfillRequest('bf-1').payload, approvers: [CAROL.slackUserId] }]);
    expect(triggers()).toEqual([]);
  });

  it('an approved request without a readable plan says in its thread that it did not start', async () => {
    t = await startTestApp({ directory, policy: policy() });
    await open(backfillRequest('bf-2'));
    await click(APPROVAL_ACTION.approve, BOB);
    expect(thread(requestMessage().ts).map(textOf).at(-1)).toContain(
      `<@${ALICE.slackUserId}> :no_entry: Approved, but the backfill of flow *3377* · daily load did not start: ` +
        'the request does not hold a backfill plan this flow-trigger can read.',
    );
    expect(triggers()).toEqual([]);
    expect(await t.store.backfills.listActive(DEFAULT_TEAM_ID, 5)).toEqual([]);
  });

  it('where the bot cannot post, it is not opened', async () => {
    t = await startTestApp({ directory, policy: policy() });
    t.slack.setBotNotInChannel(DEFAULT_CHANNEL_ID);
    expect(await open(backfillRequest('bf-3'))).toBeUndefined();
    expect(await stored('bf-3')).toBeUndefined();
  });
});

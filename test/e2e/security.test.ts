/**
 * The security review, written as tests: who may change links, and who acts as whom. Every Slack
 * surface (the command, the form, the buttons, the App Home tab) is tried by people who must not
 * change anything, and the store and EnOS are checked afterwards.
 */
import type { Link } from '../../src/core/ports';
import { HOME_TRIGGER_ACTION, RUN_ACTION, TRIGGER_MODAL_CALLBACK } from '../../src/slack/ids';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import {
  ADMIN,
  ALICE,
  CAROL,
  DAVE,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const links = (): Promise<Link[]> => t.store.links.list(DEFAULT_TEAM_ID);

/** The record id that Alice's run buttons carry. */
async function aliceRun(): Promise<string> {
  await t.command('3377 REPLACE=ddee');
  const reply = t.slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts !== undefined)!;
  const actions = (reply.args.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).find(
    (b) => b.type === 'actions',
  );
  return actions!.elements![0]!.value;
}

function click(user: string, actionId: string, value: string) {
  return sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: actionId, value, block_id: 'run_actions' }],
      channel_id: DEFAULT_CHANNEL_ID,
      response_url: t.slack.responseUrl(`click-${user}-${actionId}`),
    }),
  );
}

it('lets no one but an admin change links, through any path', async () => {
  t = await startTestApp();
  const recordId = await aliceRun();
  const before = await links();
  expect(before.map((l) => l.slackUserId).sort()).toEqual([ALICE.slackUserId, CAROL.slackUserId].sort());

  for (const user of [CAROL.slackUserId, DAVE.slackUserId]) {
    // The command, every link form.
    await t.command(`link <@${user}> u15426865866599 mallory`, { user_id: user });
    await t.command(`link <@${ALICE.slackUserId}> u15426865866599 mallory o15578227985571`, {
      user_id: user,
    });
    await t.command(`unlink <@${ALICE.slackUserId}>`, { user_id: user });
    await t.command('link me', { user_id: user });
    // The buttons on Alice's run, and the App Home button.
    for (const action of Object.values(RUN_ACTION)) await click(user, action, recordId);
    await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: user,
        actions: [{ action_id: HOME_TRIGGER_ACTION, value: 'x' }],
        view: { id: 'VHOME0001', type: 'home', callback_id: '' },
      }),
    );
    // A forged form submission.
    await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({ user_id: user, callback_id: TRIGGER_MODAL_CALLBACK, values: {} }),
    );
    await t.settle();
  }

  expect(await links()).toEqual(before);
  // Only the admin can: the same command from them works.
  await t.command(`link <@${DAVE.slackUserId}> u15426865866573 dave`, { user_id: ADMIN.slackUserId });
  expect((await links()).map((l) => l.slackUserId)).toContain(DAVE.slackUserId);
});

it('never cancels or triggers as someone else: every EnOS call carries the clicker’s own identity', async () => {
  t = await startTestApp();
  const recordId = await aliceRun();
  for (const action of Object.values(RUN_ACTION)) {
    await click(CAROL.slackUserId, action, recordId);
    await click(DAVE.slackUserId, action, recordId);
  }
  await t.settle();

  // Carol is not an owner and not the caller: no cancel, no trigger on her behalf.
  expect(t.enos.requestsOf('flowInstances.cancel')).toHaveLength(0);
  const triggers = t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.query.userId);
  expect(triggers).toEqual([ALICE.userId]);
  // Whatever EnOS was asked after Alice's own run, it was asked as Carol, never as Alice; Dave,
  // unlinked, caused no EnOS call at all.
  const afterRun = t.enos.requests.filter(
    (r) => r.action?.startsWith('flows') || r.action?.startsWith('flowInstances'),
  );
  const asSomeoneElse = afterRun.slice(2).filter((r) => r.query.userId !== CAROL.userId);
  expect(asSomeoneElse.map((r) => `${r.action} as ${r.query.userId}`)).toEqual([]);
});

/**
 * `/flow-trigger history` and the Home tab show a caller their own attempts and those announced
 * in the conversation they are in, never other people's private threads; an unlinked caller sees
 * none; the Home tab asks EnOS as the caller's current link.
 */
import { DEFAULT_TEAM_ID, eventCallbackBody, sendEvent } from '../helpers/slack-requests';
import {
  ADMIN,
  ALICE,
  CAROL,
  DAVE,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const privately = (id: string) =>
  t.slack.responsesOf(id).map((r) => textOf({ args: r.body as Record<string, unknown> }));

const PRIVATE_CHANNEL = 'C0SECRET1';

describe('history', () => {
  it('shows the caller’s own attempts and this conversation’s, not another user’s private channel', async () => {
    t = await startTestApp();
    t.enos.addFlow({ flowId: 4000, flowName: 'nightly', owner: 'carol' });
    t.enos.addFlow({ flowId: 5000, flowName: 'secret flow', owner: 'carol' });
    t.enos.addFlow({ flowId: 6000, flowName: 'alice elsewhere', owner: 'alice' });
    await t.command('3377'); // Alice, here
    t.clock.advance(60_000);
    await t.command('4000', { user_id: CAROL.slackUserId }); // Carol, here
    t.clock.advance(60_000);
    await t.command('5000', { user_id: CAROL.slackUserId, channel_id: PRIVATE_CHANNEL }); // Carol, private channel
    t.clock.advance(60_000);
    await t.command('6000', { channel_id: PRIVATE_CHANNEL }); // Alice, in the private channel too

    const res = await t.command('history');
    const [said] = privately(res.responseUrlId);
    expect(said).toContain('flow *6000* · alice elsewhere');
    expect(said).toContain('flow *4000* · nightly by <@U0CAROL01>');
    expect(said).toContain('flow *3377* · daily load by <@U0ALICE01>');
    expect(said).not.toContain('*5000*');
    expect(said).not.toContain('secret flow');
    expect(said).toContain('*The last 3 trigger attempts*');

    // In the private channel, its members see what was announced there.
    const there = await t.command('history', { user_id: CAROL.slackUserId, channel_id: PRIVATE_CHANNEL });
    const [carolSees] = privately(there.responseUrlId);
    expect(carolSees).toContain('secret flow');
    expect(carolSees).toContain('alice elsewhere');
    expect(carolSees).toContain('nightly');
    expect(carolSees).not.toContain('daily load');
  });

  it('an unlinked caller sees no one’s attempts', async () => {
    t = await startTestApp();
    await t.command('3377');
    const res = await t.command('history', { user_id: DAVE.slackUserId });
    const [said] = privately(res.responseUrlId);
    expect(said).toContain('History is shown to people linked to an EnOS user, and you are not linked yet.');
    expect(said).toContain(`<@${ADMIN.slackUserId}>`);
    expect(said).not.toContain('3377');
  });
});

describe('the Home tab', () => {
  async function openHome(user: string) {
    const res = await sendEvent(
      t.baseUrl,
      SIGNING_SECRET,
      eventCallbackBody({ type: 'app_home_opened', user, channel: 'D0HOME001', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await t.settle();
  }

  it('asks EnOS as the caller’s current link, and not at all after unlink', async () => {
    t = await startTestApp();
    await t.command('3377');
    const instanceId = t.enos.triggers[0]!.instanceId!;
    t.enos.setInstanceStatus(instanceId, 2);

    // Relinked to Carol's EnOS user: the live status is asked as Carol's user now.
    const link = (await t.store.links.get(DEFAULT_TEAM_ID, ALICE.slackUserId))!;
    await t.store.links.put({ ...link, userId: CAROL.userId, userName: 'carol' });
    await openHome(ALICE.slackUserId);
    expect(t.enos.requestsOf('flowInstances.get').map((r) => r.query.userId)).toEqual([CAROL.userId]);

    await t.store.links.remove(DEFAULT_TEAM_ID, ALICE.slackUserId);
    await openHome(ALICE.slackUserId);
    expect(t.enos.requestsOf('flowInstances.get')).toHaveLength(1);
    const view = JSON.stringify(t.slack.callsOf('views.publish').at(-1)!.args.view);
    expect(view).toContain('You are not linked to an EnOS user yet');
    // The stored attempt is still listed, with its recorded status.
    expect(view).toContain('flow *3377* · daily load');
  });
});

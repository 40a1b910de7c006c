/**
 * The App Home tab: published (views.publish) when its user opens it, with their EnOS link, a
 * "Trigger a flow" button that opens the form, and their last triggers with live status.
 */
import { HOME_TRIGGER_ACTION } from '../../src/slack/ids';
import {
  blockActionsPayload,
  eventCallbackBody,
  sendEvent,
  sendInteraction,
} from '../helpers/slack-requests';
import { ALICE, DAVE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

async function openHome(user: string, tab = 'home') {
  const res = await sendEvent(
    t.baseUrl,
    SIGNING_SECRET,
    eventCallbackBody({ type: 'app_home_opened', user, channel: 'D0HOME001', tab }),
  );
  expect(res.status).toBe(200);
  await t.settle();
}

it('publishes the caller’s link, the trigger button and their last triggers with live status', async () => {
  t = await startTestApp();
  t.enos.addFlow({ flowId: 4000, flowName: 'nightly', owner: 'bob' });
  await t.command('3377 REPLACE=ddee');
  const running = t.enos.triggers[0]!.instanceId!;
  t.enos.setInstanceStatus(running, 2);
  t.clock.advance(60_000);
  await t.command('4000');

  await openHome(ALICE.slackUserId);
  const publish = t.slack.callsOf('views.publish');
  expect(publish).toHaveLength(1);
  expect(publish[0]!.args.user_id).toBe(ALICE.slackUserId);
  // The live status came from EnOS, asked as Alice.
  expect(t.enos.requestsOf('flowInstances.get').at(-1)!.query).toMatchObject({
    flowInstId: running,
    userId: ALICE.userId,
  });
  expect(publish[0]!.args.view).toMatchInlineSnapshot(`
{
  "blocks": [
    {
      "text": {
        "text": "flow-trigger",
        "type": "plain_text",
      },
      "type": "header",
    },
    {
      "text": {
        "text": ":link: You trigger flows as EnOS user \`alice\` (\`u15426865866571\`, org \`o15578227985571\`).",
        "type": "mrkdwn",
      },
      "type": "section",
    },
    {
      "elements": [
        {
          "action_id": "home_trigger_flow",
          "style": "primary",
          "text": {
            "text": "Trigger a flow",
            "type": "plain_text",
          },
          "type": "button",
        },
      ],
      "type": "actions",
    },
    {
      "type": "divider",
    },
    {
      "text": {
        "text": "*Your last triggers*",
        "type": "mrkdwn",
      },
      "type": "section",
    },
    {
      "text": {
        "text": ":no_entry: *Refused* (not-owner) · flow *4000* · nightly · <!date^1795770060^{date_short_pretty} at {time}|2026-11-27 09:01 UTC>
<https://slack.com/archives/C0FAKE001/p1764250000000300|thread>",
        "type": "mrkdwn",
      },
      "type": "section",
    },
    {
      "text": {
        "text": ":arrows_counterclockwise: *Running* · flow *3377* · daily load · <!date^1795770000^{date_short_pretty} at {time}|2026-11-27 09:00 UTC>
instance \`3377-20261127090000\` · <https://slack.com/archives/C0FAKE001/p1764250000000100|thread>",
        "type": "mrkdwn",
      },
      "type": "section",
    },
    {
      "elements": [
        {
          "text": "Statuses as of <!date^1795770060^{date_short_pretty} at {time}|2026-11-27 09:01 UTC>. Open the tab again to refresh them.",
          "type": "mrkdwn",
        },
      ],
      "type": "context",
    },
  ],
  "type": "home",
}
`);
});

it('falls back to the stored outcome when EnOS does not answer', async () => {
  t = await startTestApp();
  await t.command('3377');
  t.enos.failNext('flowInstances.get', { kind: 'http', status: 502 });
  await openHome(ALICE.slackUserId);
  const view = t.slack.callsOf('views.publish')[0]!.args.view as {
    blocks: Array<{ text?: { text: string } }>;
  };
  expect(view.blocks[5]!.text!.text).toContain(':white_check_mark: *Triggered* · flow *3377* · daily load');
});

it('tells an unlinked user how to get linked, and ignores the Messages tab', async () => {
  t = await startTestApp();
  await openHome(DAVE.slackUserId, 'messages');
  expect(t.slack.callsOf('views.publish')).toHaveLength(0);
  await openHome(DAVE.slackUserId);
  const view = t.slack.callsOf('views.publish')[0]!.args.view as {
    blocks: Array<{ text?: { text: string } }>;
  };
  expect(view.blocks[1]!.text!.text).toContain('You are not linked to an EnOS user yet');
  expect(JSON.stringify(view)).toContain('You have not triggered a flow yet.');
});

it('opens the trigger form from the “Trigger a flow” button', async () => {
  t = await startTestApp();
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: ALICE.slackUserId,
      actions: [{ action_id: HOME_TRIGGER_ACTION }],
      view: { id: 'VHOME0001', type: 'home', callback_id: '' },
    }),
  );
  expect(res.status).toBe(200);
  await t.settle();
  expect(t.slack.callsOf('views.open')).toHaveLength(1);
  const form = t.slack.callsOf('views.update').at(-1)!.args.view as { callback_id: string };
  expect(form.callback_id).toBe('trigger_flow_modal');
});

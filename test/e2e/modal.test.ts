/**
 * The trigger form end to end: `/flow-trigger` with no text and the "Trigger a flow" shortcut open
 * it; the flow select's options, the changes that rebuild it, and its submission are signed
 * requests into the real Bolt app, against the fake Slack Web API, the fake EnOS gateway and a real
 * SQLite store. Each test checks the views Slack was sent, the inline errors, and what EnOS got.
 */
import type { AuditRecord } from '../../src/core/ports';
import { MODAL_ACTION, MODAL_BLOCK, TRIGGER_SHORTCUT_CALLBACK } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import {
  blocksOf,
  changeForm,
  currentForm,
  type FormFill,
  formState,
  submitForm,
  suggestFlows,
} from '../helpers/modal-requests';
import {
  blockSuggestionPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
  shortcutPayload,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { ALICE, CAROL, DAVE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Another channel to post in. */
const OPS_CHANNEL = 'C0OPS0001';

/** Flow 3377 with global parameters, plus two more flows of Alice's. */
async function startWithFlows(): Promise<TestApp> {
  const app = await startTestApp();
  app.enos.flow(3377)!.parameters = [
    { key: 'REPLACE', value: 'aabb' },
    { key: 'DAY', value: '${cal_dt}' },
    { key: 'MODE', value: 'full' },
  ];
  app.enos.addFlow({ flowId: 4242, flowName: 'weekly report', owner: 'alice' });
  app.enos.addFlow({ flowId: 5150, flowName: 'daily export 33', owner: 'bob', visitor: 'alice' });
  return app;
}

/** Opens the form as `user` with `/flow-trigger` and no text. */
async function openForm(user = ALICE.slackUserId): Promise<void> {
  const res = await t.command('', { user_id: user });
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
}

/** Opens the form and chooses flow 3377, as Alice. */
async function openWithFlow(flow = 3377, user = ALICE.slackUserId): Promise<void> {
  await openForm(user);
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: flow } }, { user });
}

const updates = () => t.slack.callsOf('views.update');
const lastUpdate = () => updates()[updates().length - 1]!;
const viewOf = (call: RecordedCall) => call.args.view as { blocks: Array<Record<string, unknown>> };
const blockIds = (call: RecordedCall) => viewOf(call).blocks.map((b) => b.block_id);
const posts = () => t.slack.callsOf('chat.postMessage');
const parentOf = () => posts().find((c) => c.args.thread_ts === undefined);
const repliesOf = () => posts().filter((c) => c.args.thread_ts !== undefined);
const triggers = () => t.enos.requestsOf('flows.updateAndTrigger');

async function auditRecords(slackUserId = ALICE.slackUserId): Promise<AuditRecord[]> {
  return t.store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId, limit: 20 });
}

/** 14:00 on 2026-11-28 in Berlin (UTC+1 in November). */
const BERLIN_TOMORROW_14 = Date.UTC(2026, 10, 28, 13, 0);

describe('opening the form', () => {
  it('opens a loading view at once with the command’s trigger_id, then fills in the form', async () => {
    t = await startWithFlows();
    await openForm();

    const [open] = t.slack.callsOf('views.open');
    expect(open!.args.trigger_id).toEqual(expect.any(String));
    // views.open is the first Web API call: nothing slow may come before it.
    expect(t.slack.calls.filter((c) => c.method !== 'auth.test')[0]!.method).toBe('views.open');
    expect(open!.args.view).toMatchInlineSnapshot(`
{
  "blocks": [
    {
      "text": {
        "text": ":hourglass_flowing_sand: Loading the form…",
        "type": "mrkdwn",
      },
      "type": "section",
    },
  ],
  "callback_id": "trigger_flow_modal_loading",
  "close": {
    "emoji": true,
    "text": "Cancel",
    "type": "plain_text",
  },
  "title": {
    "emoji": true,
    "text": "Trigger a flow",
    "type": "plain_text",
  },
  "type": "modal",
}
`);

    expect(updates()).toHaveLength(1);
    const [update] = updates();
    expect(update!.args.view_id).toBe(currentForm(t).id);
    expect(update!.args.hash).toEqual(expect.any(String));
    expect(update!.args.view).toMatchInlineSnapshot(`
{
  "blocks": [
    {
      "block_id": "flow",
      "dispatch_action": true,
      "element": {
        "action_id": "flow_select",
        "min_query_length": 0,
        "placeholder": {
          "emoji": true,
          "text": "Type part of its name, or its id",
          "type": "plain_text",
        },
        "type": "external_select",
      },
      "hint": {
        "emoji": true,
        "text": "Your EnOS flows: the ones you own, and the ones you may view.",
        "type": "plain_text",
      },
      "label": {
        "emoji": true,
        "text": "Flow",
        "type": "plain_text",
      },
      "type": "input",
    },
    {
      "block_id": "when",
      "dispatch_action": true,
      "element": {
        "action_id": "when_choice",
        "initial_option": {
          "text": {
            "emoji": true,
            "text": "Now",
            "type": "plain_text",
          },
          "value": "now",
        },
        "options": [
          {
            "text": {
              "emoji": true,
              "text": "Now",
              "type": "plain_text",
            },
            "value": "now",
          },
          {
            "text": {
              "emoji": true,
              "text": "At a date and time",
              "type": "plain_text",
            },
            "value": "at",
          },
          {
            "text": {
              "emoji": true,
              "text": "Backfill a date range",
              "type": "plain_text",
            },
            "value": "backfill",
          },
        ],
        "type": "radio_buttons",
      },
      "label": {
        "emoji": true,
        "text": "When",
        "type": "plain_text",
      },
      "type": "input",
    },
    {
      "block_id": "zone",
      "elements": [
        {
          "text": ":earth_africa: Times are in \`Europe/Berlin\`, your Slack time zone: it is 10:00 on 2026-11-27 there now.",
          "type": "mrkdwn",
        },
      ],
      "type": "context",
    },
    {
      "block_id": "extra_parameters",
      "element": {
        "action_id": "lines",
        "multiline": true,
        "placeholder": {
          "emoji": true,
          "text": "KEY=VALUE, one per line",
          "type": "plain_text",
        },
        "type": "plain_text_input",
      },
      "hint": {
        "emoji": true,
        "text": "For this run only, one KEY=VALUE per line. Values reach EnOS as typed (\${cal_dt} included); quotes around a whole value are removed. A parameter changed in its field above cannot be repeated here. At most 50 parameters per run.",
        "type": "plain_text",
      },
      "label": {
        "emoji": true,
        "text": "More parameters",
        "type": "plain_text",
      },
      "optional": true,
      "type": "input",
    },
    {
      "block_id": "post_in",
      "element": {
        "action_id": "conversation",
        "filter": {
          "exclude_bot_users": true,
          "include": [
            "public",
            "private",
            "im",
            "mpim",
          ],
        },
        "initial_conversation": "C0FAKE001",
        "placeholder": {
          "emoji": true,
          "text": "Choose a conversation",
          "type": "plain_text",
        },
        "response_url_enabled": true,
        "type": "conversations_select",
      },
      "hint": {
        "emoji": true,
        "text": "The request and its result are posted here, in a thread: the team’s audit trail. If I am not a member, the result comes to you privately.",
        "type": "plain_text",
      },
      "label": {
        "emoji": true,
        "text": "Post in",
        "type": "plain_text",
      },
      "type": "input",
    },
    {
      "block_id": "mode",
      "dispatch_action": true,
      "element": {
        "action_id": "mode_choice",
        "initial_option": {
          "text": {
            "emoji": true,
            "text": "Trigger",
            "type": "plain_text",
          },
          "value": "trigger",
        },
        "options": [
          {
            "text": {
              "emoji": true,
              "text": "Trigger",
              "type": "plain_text",
            },
            "value": "trigger",
          },
          {
            "text": {
              "emoji": true,
              "text": "Preview",
              "type": "plain_text",
            },
            "value": "preview",
          },
        ],
        "type": "radio_buttons",
      },
      "label": {
        "emoji": true,
        "text": "On submit",
        "type": "plain_text",
      },
      "type": "input",
    },
  ],
  "callback_id": "trigger_flow_modal",
  "close": {
    "emoji": true,
    "text": "Cancel",
    "type": "plain_text",
  },
  "private_metadata": "{"v":1,"z":"Europe/Berlin","c":"C0FAKE001"}",
  "submit": {
    "emoji": true,
    "text": "Trigger",
    "type": "plain_text",
  },
  "title": {
    "emoji": true,
    "text": "Trigger a flow",
    "type": "plain_text",
  },
  "type": "modal",
}
`);
  });

  it('shows an unlinked caller how to get linked, with no way to submit', async () => {
    t = await startWithFlows();
    await openForm(DAVE.slackUserId);
    const view = lastUpdate().args.view as Record<string, unknown>;
    expect(view.submit).toBeUndefined();
    expect(view).toMatchInlineSnapshot(`
{
  "blocks": [
    {
      "text": {
        "text": ":link: Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. Ask an admin (<@U0ADMIN01>) to link you with \`/flow-trigger link @you <enosUserId> <enosUserName>\`.",
        "type": "mrkdwn",
      },
      "type": "section",
    },
  ],
  "callback_id": "trigger_flow_modal_notice",
  "close": {
    "emoji": true,
    "text": "Close",
    "type": "plain_text",
  },
  "title": {
    "emoji": true,
    "text": "Trigger a flow",
    "type": "plain_text",
  },
  "type": "modal",
}
`);
    expect(t.enos.requests).toHaveLength(0);
  });

  it('opens the same form from the global shortcut, posting by default in the current conversation', async () => {
    t = await startWithFlows();
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      shortcutPayload({ user_id: ALICE.slackUserId, callback_id: TRIGGER_SHORTCUT_CALLBACK }),
    );
    await t.settle();
    expect(res.status).toBe(200);
    expect(t.slack.callsOf('views.open')).toHaveLength(1);
    const view = viewOf(lastUpdate());
    expect(blockIds(lastUpdate())).toEqual([
      MODAL_BLOCK.flow,
      MODAL_BLOCK.when,
      MODAL_BLOCK.zone,
      MODAL_BLOCK.extra,
      MODAL_BLOCK.postIn,
      MODAL_BLOCK.mode,
    ]);
    expect(view.blocks.find((b) => b.block_id === MODAL_BLOCK.postIn)!.element).toMatchObject({
      type: 'conversations_select',
      default_to_current_conversation: true,
    });
  });

  it('opens nothing for a redelivered command: its trigger_id is spent', async () => {
    t = await startWithFlows();
    const fields = { trigger_id: '1234.5678.abcdef' };
    await t.command('', fields);
    await t.command('', fields, { retryNum: 1, retryReason: 'http_timeout' });
    expect(t.slack.callsOf('views.open')).toHaveLength(2);
    expect(updates()).toHaveLength(1);
    expect(t.logs.some((l) => l.includes('trigger_id already used or expired'))).toBe(true);
  });
});

describe('the flow select’s options', () => {
  it('lists the caller’s flows from Get My Flow, searched by name, as the caller', async () => {
    t = await startWithFlows();
    await openForm();
    const res = await suggestFlows(t, 'daily');
    expect(res.status).toBe(200);
    expect(res.json).toMatchInlineSnapshot(`
{
  "options": [
    {
      "text": {
        "emoji": true,
        "text": "3377 · daily load",
        "type": "plain_text",
      },
      "value": "3377",
    },
    {
      "text": {
        "emoji": true,
        "text": "5150 · daily export 33",
        "type": "plain_text",
      },
      "value": "5150",
    },
  ],
}
`);
    expect(t.enos.requestsOf('flows.getMyFlow').map((r) => r.query)).toEqual([
      { action: 'getMyFlow', expression: 'daily', userId: ALICE.userId, orgId: ALICE.orgId },
    ]);
  });

  it('matches a flow id: the whole list is read and filtered, ids first', async () => {
    t = await startWithFlows();
    await openForm();
    const res = await suggestFlows(t, '33');
    expect(res.json).toEqual({
      options: [
        { text: { type: 'plain_text', text: '3377 · daily load', emoji: true }, value: '3377' },
        { text: { type: 'plain_text', text: '5150 · daily export 33', emoji: true }, value: '5150' },
      ],
    });
    expect(t.enos.requestsOf('flows.getMyFlow').map((r) => r.query)).toEqual([
      { action: 'getMyFlow', userId: ALICE.userId, orgId: ALICE.orgId },
    ]);
  });

  it('lists every flow when nothing is typed yet, at most 100', async () => {
    t = await startWithFlows();
    for (let id = 6000; id < 6120; id += 1)
      t.enos.addFlow({ flowId: id, flowName: `bulk ${id}`, owner: 'alice' });
    await openForm();
    const res = await suggestFlows(t, '');
    const options = (res.json as { options: Array<{ value: string }> }).options;
    expect(options).toHaveLength(100);
    expect(options.slice(0, 3).map((o) => o.value)).toEqual(['3377', '4242', '5150']);
  });

  it('offers nothing to an unlinked caller, and never asks EnOS', async () => {
    t = await startWithFlows();
    await openForm();
    const res = await suggestFlows(t, 'daily', { user: DAVE.slackUserId });
    expect(res.json).toEqual({ options: [] });
    expect(t.enos.requestsOf('flows.getMyFlow')).toHaveLength(0);
  });

  it('offers nothing when EnOS fails, and logs it', async () => {
    t = await startWithFlows();
    await openForm();
    t.enos.failNext('flows.getMyFlow', { kind: 'enos-error', code: 99500, msg: 'boom' });
    const res = await suggestFlows(t, 'daily');
    expect(res.json).toEqual({ options: [] });
    expect(t.logs.some((l) => l.includes('could not list the caller’s flows'))).toBe(true);
  });

  it('answers within Slack’s 3 s even when Get My Flow is slow', async () => {
    t = await startTestApp({ enosRequestTimeoutMs: 5000 });
    await openForm();
    await t.enosClient.getMyFlows(ALICE); // a token, so only Get My Flow itself is slow
    t.enos.failNext('flows.getMyFlow', { kind: 'delay', ms: 2600 });
    const started = Date.now();
    const res = await suggestFlows(t, 'daily');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(res.json).toEqual({ options: [] });
    expect(t.logs.some((l) => l.includes('Get My Flow too slow'))).toBe(true);
  });
});

describe('choosing a flow', () => {
  it('shows the flow’s parameters prefilled, with the view’s hash', async () => {
    t = await startWithFlows();
    await openForm();
    const before = currentForm(t).hash;
    await openWithFlowChosen();
    expect(lastUpdate().args.hash).toBe(before);
    expect(t.enos.requestsOf('flows.get').map((r) => r.query)).toEqual([
      { action: 'get', flowId: '3377', userId: ALICE.userId, orgId: ALICE.orgId },
    ]);
    expect(viewOf(lastUpdate()).blocks.slice(0, 8)).toMatchInlineSnapshot(`
[
  {
    "block_id": "flow",
    "dispatch_action": true,
    "element": {
      "action_id": "flow_select",
      "initial_option": {
        "text": {
          "emoji": true,
          "text": "3377 · daily load",
          "type": "plain_text",
        },
        "value": "3377",
      },
      "min_query_length": 0,
      "placeholder": {
        "emoji": true,
        "text": "Type part of its name, or its id",
        "type": "plain_text",
      },
      "type": "external_select",
    },
    "hint": {
      "emoji": true,
      "text": "Your EnOS flows: the ones you own, and the ones you may view.",
      "type": "plain_text",
    },
    "label": {
      "emoji": true,
      "text": "Flow",
      "type": "plain_text",
    },
    "type": "input",
  },
  {
    "block_id": "when",
    "dispatch_action": true,
    "element": {
      "action_id": "when_choice",
      "initial_option": {
        "text": {
          "emoji": true,
          "text": "Now",
          "type": "plain_text",
        },
        "value": "now",
      },
      "options": [
        {
          "text": {
            "emoji": true,
            "text": "Now",
            "type": "plain_text",
          },
          "value": "now",
        },
        {
          "text": {
            "emoji": true,
            "text": "At a date and time",
            "type": "plain_text",
          },
          "value": "at",
        },
        {
          "text": {
            "emoji": true,
            "text": "Backfill a date range",
            "type": "plain_text",
          },
          "value": "backfill",
        },
      ],
      "type": "radio_buttons",
    },
    "label": {
      "emoji": true,
      "text": "When",
      "type": "plain_text",
    },
    "type": "input",
  },
  {
    "block_id": "zone",
    "elements": [
      {
        "text": ":earth_africa: Times are in \`Europe/Berlin\`, your Slack time zone: it is 10:00 on 2026-11-27 there now.",
        "type": "mrkdwn",
      },
    ],
    "type": "context",
  },
  {
    "block_id": "parameters",
    "text": {
      "text": "*Parameters* of flow *3377* · daily load
Prefilled with the flow’s current values. Only the values you change are sent, for this run only: the flow keeps its own.",
      "type": "mrkdwn",
    },
    "type": "section",
  },
  {
    "block_id": "param:3377:0:1304405eb8",
    "element": {
      "action_id": "value",
      "initial_value": "aabb",
      "type": "plain_text_input",
    },
    "label": {
      "emoji": true,
      "text": "REPLACE",
      "type": "plain_text",
    },
    "optional": true,
    "type": "input",
  },
  {
    "block_id": "param:3377:1:c7c4003b4f",
    "element": {
      "action_id": "value",
      "initial_value": "\${cal_dt}",
      "type": "plain_text_input",
    },
    "label": {
      "emoji": true,
      "text": "DAY",
      "type": "plain_text",
    },
    "optional": true,
    "type": "input",
  },
  {
    "block_id": "param:3377:2:e640ccbd5a",
    "element": {
      "action_id": "value",
      "initial_value": "full",
      "type": "plain_text_input",
    },
    "label": {
      "emoji": true,
      "text": "MODE",
      "type": "plain_text",
    },
    "optional": true,
    "type": "input",
  },
  {
    "block_id": "extra_parameters",
    "element": {
      "action_id": "lines",
      "multiline": true,
      "placeholder": {
        "emoji": true,
        "text": "KEY=VALUE, one per line",
        "type": "plain_text",
      },
      "type": "plain_text_input",
    },
    "hint": {
      "emoji": true,
      "text": "For this run only, one KEY=VALUE per line. Values reach EnOS as typed (\${cal_dt} included); quotes around a whole value are removed. A parameter changed in its field above cannot be repeated here. At most 50 parameters per run.",
      "type": "plain_text",
    },
    "label": {
      "emoji": true,
      "text": "More parameters",
      "type": "plain_text",
    },
    "optional": true,
    "type": "input",
  },
]
`);
    expect(
      JSON.parse(String((lastUpdate().args.view as { private_metadata: string }).private_metadata)),
    ).toEqual({
      v: 1,
      c: DEFAULT_CHANNEL_ID,
      z: 'Europe/Berlin',
      f: {
        id: 3377,
        p: [
          ['REPLACE', 'aabb'],
          ['DAY', '${cal_dt}'],
          ['MODE', 'full'],
        ],
      },
    });
  });

  it('warns a caller who is not an owner, before any submission', async () => {
    t = await startWithFlows();
    await openWithFlow(3377, CAROL.slackUserId);
    const notice = viewOf(lastUpdate()).blocks.find((b) => b.block_id === MODAL_BLOCK.flowNotice);
    expect(notice).toMatchInlineSnapshot(`
{
  "block_id": "flow_notice",
  "text": {
    "text": ":warning: Your EnOS user \`carol\` is not an owner of flow *3377* · daily load, so a trigger would be refused. Its owners: \`alice\`, \`bob\`. Ask one of them to add you, or pick another flow.",
    "type": "mrkdwn",
  },
  "type": "section",
}
`);
    expect(triggers()).toHaveLength(0);
  });

  it.each([
    [
      'a locked flow',
      () => {
        t.enos.flow(3377)!.locked = true;
      },
      'is locked in EnOS',
    ],
    [
      'a locked user',
      () => {
        t.enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId, locked: true });
      },
      'Your EnOS account `alice` is locked',
    ],
    [
      'a flow without tasks',
      () => {
        t.enos.flow(3377)!.tasks = [];
      },
      'has no task',
    ],
    [
      'EnOS failing to answer',
      () => t.enos.failNext('flows.get', { kind: 'http', status: 502 }),
      'I could not check flow *3377* in EnOS',
    ],
  ])('warns about %s', async (_name, arrange, says) => {
    t = await startWithFlows();
    arrange();
    await openWithFlow();
    const notice = viewOf(lastUpdate()).blocks.find((b) => b.block_id === MODAL_BLOCK.flowNotice);
    expect((notice as { text: { text: string } }).text.text).toContain(says);
  });

  it('lets the user pick another flow: the warning and the old flow’s inputs go', async () => {
    t = await startWithFlows();
    await openWithFlow(5150);
    expect(blockIds(lastUpdate())).toContain(MODAL_BLOCK.flowNotice);
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
    const ids = blockIds(lastUpdate());
    expect(ids).not.toContain(MODAL_BLOCK.flowNotice);
    expect(ids.filter((id) => String(id).startsWith('param:'))).toHaveLength(3);
    expect(ids.every((id) => !String(id).startsWith('param:5150'))).toBe(true);
  });

  it('shows the date and time pickers, in the caller’s zone, for “At a date and time”', async () => {
    t = await startWithFlows();
    await openForm();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    const blocks = viewOf(lastUpdate()).blocks;
    expect(
      blocks.filter(
        (b) => String(b.block_id).startsWith('when') || b.block_id === 'backdate' || b.block_id === 'zone',
      ),
    ).toMatchInlineSnapshot(`
[
  {
    "block_id": "when",
    "dispatch_action": true,
    "element": {
      "action_id": "when_choice",
      "initial_option": {
        "text": {
          "emoji": true,
          "text": "At a date and time",
          "type": "plain_text",
        },
        "value": "at",
      },
      "options": [
        {
          "text": {
            "emoji": true,
            "text": "Now",
            "type": "plain_text",
          },
          "value": "now",
        },
        {
          "text": {
            "emoji": true,
            "text": "At a date and time",
            "type": "plain_text",
          },
          "value": "at",
        },
        {
          "text": {
            "emoji": true,
            "text": "Backfill a date range",
            "type": "plain_text",
          },
          "value": "backfill",
        },
      ],
      "type": "radio_buttons",
    },
    "label": {
      "emoji": true,
      "text": "When",
      "type": "plain_text",
    },
    "type": "input",
  },
  {
    "block_id": "when_date",
    "element": {
      "action_id": "date",
      "initial_date": "2026-11-27",
      "type": "datepicker",
    },
    "label": {
      "emoji": true,
      "text": "Date",
      "type": "plain_text",
    },
    "type": "input",
  },
  {
    "block_id": "when_time",
    "element": {
      "action_id": "time",
      "placeholder": {
        "emoji": true,
        "text": "HH:MM",
        "type": "plain_text",
      },
      "timezone": "Europe/Berlin",
      "type": "timepicker",
    },
    "label": {
      "emoji": true,
      "text": "Time",
      "type": "plain_text",
    },
    "type": "input",
  },
  {
    "block_id": "backdate",
    "element": {
      "action_id": "backdate_confirm",
      "options": [
        {
          "description": {
            "text": "EnOS starts it at once, computing \${cal_dt} & co. from that time.",
            "type": "plain_text",
          },
          "text": {
            "text": "Back-date the run if that time has passed",
            "type": "plain_text",
          },
          "value": "confirmed",
        },
      ],
      "type": "checkboxes",
    },
    "label": {
      "emoji": true,
      "text": "Back-dating",
      "type": "plain_text",
    },
    "optional": true,
    "type": "input",
  },
  {
    "block_id": "zone",
    "elements": [
      {
        "text": ":earth_africa: Times are in \`Europe/Berlin\`, your Slack time zone: it is 10:00 on 2026-11-27 there now.",
        "type": "mrkdwn",
      },
    ],
    "type": "context",
  },
]
`);
    await changeForm(t, MODAL_ACTION.when, { when: 'now' });
    expect(blockIds(lastUpdate())).not.toContain(MODAL_BLOCK.date);
  });

  it('leaves the form to a newer change when the view changed meanwhile (hash conflict)', async () => {
    t = await startWithFlows();
    await openForm();
    // The fake changes its stored view in place: keep the view as the second change saw it.
    const stale = { ...currentForm(t) };
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } }, { view: stale });
    expect(lastUpdate().args.hash).toBe(stale.hash);
    expect(blocksOf(currentForm(t)).map((b) => b.block_id)).toContain(MODAL_BLOCK.date);
    expect(t.logs.some((l) => l.includes('the update for the newer change wins'))).toBe(true);
  });
});

/** Opens the form as Alice and chooses flow 3377 (the form the submission tests fill). */
async function openWithFlowChosen(): Promise<void> {
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
}

describe('inline errors', () => {
  const cases: Array<[string, FormFill, Record<string, string>]> = [
    [
      'no flow chosen',
      { flow: null },
      { [MODAL_BLOCK.flow]: 'Choose a flow: type part of its name or its id.' },
    ],
    [
      'a time already past, without back-dating',
      { when: 'at', date: '2026-11-27', time: '09:00' },
      {
        [MODAL_BLOCK.time]:
          '2026-11-27 09:00 (Europe/Berlin) has already passed (it is now 10:00). Pick a later time, choose “Now”, or tick “Back-date” to run the flow as of that time.',
      },
    ],
    [
      'a bad key',
      { extra: 'NOTE=fine\n1BAD=x' },
      {
        [MODAL_BLOCK.extra]:
          'Line 2: “1BAD” is not a valid parameter name: a name starts with a letter or _ and continues with letters, digits, _, . or -. Expected KEY=VALUE, like REPLACE=ddee.',
      },
    ],
    [
      'a key changed above and repeated below',
      { parameters: { REPLACE: 'ccdd' }, extra: 'REPLACE=eeff' },
      {
        [MODAL_BLOCK.extra]:
          'The parameter “REPLACE” is changed in its own field above and given here too: give each parameter once.',
      },
    ],
    [
      'a key repeated in the lines',
      { extra: 'NOTE=a\nNOTE=b' },
      { [MODAL_BLOCK.extra]: 'Line 2: The parameter “NOTE” is given twice: give each parameter once.' },
    ],
    [
      'no conversation',
      { conversation: null },
      { [MODAL_BLOCK.postIn]: 'Choose the conversation to post the request and its result in.' },
    ],
  ];
  it.each(cases)('refuses %s on its block, before anything runs', async (_name, fill, errors) => {
    t = await startWithFlows();
    await openForm();
    if (fill.when === 'at') await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    await openWithFlowChosen();
    const getsBefore = t.enos.requests.length;
    const res = await submitForm(t, { flow: { id: 3377 }, ...fill });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_action: 'errors', errors });
    expect(t.enos.requests).toHaveLength(getsBefore);
    expect(triggers()).toHaveLength(0);
    expect(posts()).toHaveLength(0);
    expect(await auditRecords()).toEqual([]);
  });

  it('refuses a value that is too long on the parameter’s own field', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    const res = await submitForm(t, { flow: { id: 3377 }, parameters: { MODE: 'x'.repeat(2001) } });
    const replaceBlock = blocksOf(currentForm(t)).find((b) => b.label?.text === 'MODE')!.block_id!;
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: {
        [replaceBlock]:
          'The value of “MODE” is too long (2,001 characters; the limit is 2,000). Shorten the value.',
      },
    });
    expect(triggers()).toHaveLength(0);
  });

  it('reports every wrong field at once', async () => {
    t = await startWithFlows();
    await openForm();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    const res = await submitForm(t, {
      flow: null,
      when: 'at',
      date: '2026-11-27',
      time: '08:00',
      extra: 'oops',
    });
    expect(Object.keys((res.json as { errors: object }).errors).sort()).toEqual(
      [MODAL_BLOCK.extra, MODAL_BLOCK.flow, MODAL_BLOCK.time].sort(),
    );
  });
});

describe('submitting', () => {
  it('triggers through the same path as the command: only changed and added parameters, in the chosen channel', async () => {
    t = await startWithFlows();
    await openForm();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    await openWithFlowChosen();
    const res = await submitForm(t, {
      flow: { id: 3377 },
      when: 'at',
      date: '2026-11-28',
      time: '14:00',
      parameters: { REPLACE: 'ccdd' },
      extra: 'NOTE="two words"\n\nLIMIT = 10',
      conversation: OPS_CHANNEL,
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    // What EnOS received: one signed trigger, with only what changed or was added.
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]!.signatureValid).toBe(true);
    expect(triggers()[0]!.query).toEqual({
      action: 'updateAndTrigger',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: BERLIN_TOMORROW_14,
      parameters: [
        { key: 'REPLACE', value: 'ccdd' },
        { key: 'NOTE', value: 'two words' },
        { key: 'LIMIT', value: '10' },
      ],
    });
    const instanceId = t.enos.triggers[0]!.instanceId!;

    // The parent message in the chosen channel, the instance in its thread.
    const parent = parentOf()!;
    expect(parent.args.channel).toBe(OPS_CHANNEL);
    expect(textOf(parent)).toMatchInlineSnapshot(`
"<@U0ALICE01> is triggering flow *3377* · daily load at <!date^1795870800^{date_short_pretty} at {time}|2026-11-28 14:00 Europe/Berlin> (2026-11-28 14:00 \`Europe/Berlin\`)
Parameters for this run: \`REPLACE=ccdd\` \`NOTE=two words\` \`LIMIT=10\`
EnOS user \`alice\` (\`u15426865866571\`, org \`o15578227985571\`)"
`);
    expect(repliesOf()).toHaveLength(1);
    expect(repliesOf()[0]!.args.channel).toBe(OPS_CHANNEL);
    expect(textOf(repliesOf()[0])).toContain(`Flow instance ID: \`${instanceId}\``);

    const [record] = await auditRecords();
    expect(record).toMatchObject({
      source: 'modal',
      flowId: 3377,
      flowName: 'daily load',
      channelId: OPS_CHANNEL,
      threadTs: parent.args.channel === OPS_CHANNEL ? repliesOf()[0]!.args.thread_ts : undefined,
      triggerTime: BERLIN_TOMORROW_14,
      zone: 'Europe/Berlin',
      outcome: 'triggered',
      instanceId,
      parameters: [
        { key: 'REPLACE', value: 'ccdd' },
        { key: 'NOTE', value: 'two words' },
        { key: 'LIMIT', value: '10' },
      ],
    });
  });

  it('sends no parameters when none changed, and runs now by default where the form was opened', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 } });
    expect(triggers()[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: Date.UTC(2026, 10, 27, 9, 0),
      parameters: [],
    });
    expect(parentOf()!.args.channel).toBe(DEFAULT_CHANNEL_ID);
  });

  it('sends an emptied field as an empty value', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 }, parameters: { MODE: '' } });
    expect(triggers()[0]!.body).toMatchObject({ parameters: [{ key: 'MODE', value: '' }] });
  });

  it('lets a line set a parameter whose field was left as it was', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 }, extra: 'MODE=delta' });
    expect(triggers()[0]!.body).toMatchObject({ parameters: [{ key: 'MODE', value: 'delta' }] });
  });

  it('back-dates a past time once back-dating is ticked', async () => {
    t = await startWithFlows();
    await openForm();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    await submitForm(t, {
      flow: { id: 3377 },
      when: 'at',
      date: '2026-11-01',
      time: '00:00',
      backdate: true,
    });
    expect(triggers()[0]!.body).toMatchObject({ triggerTime: Date.UTC(2026, 9, 31, 23, 0) });
    expect(textOf(parentOf())).toContain('Back-dated');
  });

  it('triggers once when Submit is clicked twice', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    const fill: FormFill = { flow: { id: 3377 }, parameters: { REPLACE: 'ccdd' } };
    const [first, second] = await Promise.all([submitForm(t, fill), submitForm(t, fill)]);
    expect([first.body, second.body]).toEqual(['', '']);
    expect(triggers()).toHaveLength(1);
    expect(posts().filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
    expect(await auditRecords()).toHaveLength(1);
    expect(t.logs.some((l) => l.includes('the same form was submitted again'))).toBe(true);
  });

  it('runs the prerequisite checks again on submission: a warned-about refusal goes to the thread', async () => {
    t = await startWithFlows();
    await openWithFlow(3377, CAROL.slackUserId);
    await submitForm(t, { flow: { id: 3377 } }, { user: CAROL.slackUserId });
    expect(triggers()).toHaveLength(0);
    expect(textOf(repliesOf()[0])).toContain('is not an owner of flow');
    expect((await auditRecords(CAROL.slackUserId))[0]).toMatchObject({ source: 'modal', outcome: 'refused' });
  });

  it('answers privately through the form’s response_url where the bot cannot post', async () => {
    t = await startWithFlows();
    t.slack.setBotNotInChannel(OPS_CHANNEL);
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 }, conversation: OPS_CHANNEL }, { responseUrlId: 'form' });
    expect(triggers()).toHaveLength(1);
    const said = t.slack.responsesOf('form').map((r) => textOf({ args: r.body as Record<string, unknown> }));
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('/invite @flow-trigger');
    expect(said[1]).toContain(t.enos.triggers[0]!.instanceId!);
  });

  it('tells the caller of the duplicate guard privately for the same request from a second form', async () => {
    t = await startWithFlows();
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 } }, { responseUrlId: 'first' });
    await openForm();
    await openWithFlowChosen();
    await submitForm(t, { flow: { id: 3377 } }, { responseUrlId: 'second' });
    expect(triggers()).toHaveLength(1);
    const said = t.slack
      .responsesOf('second')
      .map((r) => textOf({ args: r.body as Record<string, unknown> }));
    expect(said[0]).toContain('already triggered flow *3377*');
  });

  describe('a flow whose parameters do not fit in the form’s metadata', () => {
    async function startWithBigFlow(): Promise<void> {
      t = await startWithFlows();
      t.enos.flow(3377)!.parameters = Array.from({ length: 30 }, (_, i) => ({
        key: `P${i}`,
        value: `${i}`.padStart(100, 'v'),
      }));
      await openForm();
      await openWithFlowChosen();
      const metadata = JSON.parse(String(currentForm(t).view.private_metadata));
      // 30 values of 100 characters exceed Slack's 3,000: they are read again on submission.
      expect(metadata.f).toEqual({ id: 3377, p: null });
    }

    it('reads them again on submission and still sends only what changed', async () => {
      await startWithBigFlow();
      const reads = t.enos.requestsOf('flows.get').length;
      await submitForm(t, { flow: { id: 3377 }, parameters: { P7: 'changed' } });
      // Once before the ack (to compare), once in the trigger's own checks.
      expect(t.enos.requestsOf('flows.get')).toHaveLength(reads + 2);
      expect(triggers()[0]!.body).toMatchObject({ parameters: [{ key: 'P7', value: 'changed' }] });
    });

    it('refuses on the flow field when the flow’s values changed in EnOS meanwhile', async () => {
      await startWithBigFlow();
      t.enos.flow(3377)!.parameters[3]!.value = 'edited in EnOS';
      const res = await submitForm(t, { flow: { id: 3377 }, parameters: { P7: 'changed' } });
      expect(res.json).toEqual({
        response_action: 'errors',
        errors: {
          [MODAL_BLOCK.flow]:
            'This flow’s parameters were changed in EnOS while the form was open, so I cannot tell which ones you changed. Close the form and open it again to see the current values.',
        },
      });
      expect(triggers()).toHaveLength(0);
    });
  });
});

describe('in Socket Mode', () => {
  it('opens the form, answers the options and refuses a bad form in the envelope acks', async () => {
    t = await startTestApp({ socketMode: true });
    await openForm();
    expect(updates()).toHaveLength(1);
    const view = currentForm(t);
    const options = await t.socket!.sendInteractive(
      blockSuggestionPayload({
        user_id: ALICE.slackUserId,
        action_id: MODAL_ACTION.flow,
        block_id: MODAL_BLOCK.flow,
        value: 'daily',
        view: { id: view.id, private_metadata: view.view.private_metadata },
      }),
    );
    expect(options.payload).toEqual({
      options: [{ text: { type: 'plain_text', text: '3377 · daily load', emoji: true }, value: '3377' }],
    });
    const refused = await t.socket!.sendInteractive(
      viewSubmissionPayload({
        user_id: ALICE.slackUserId,
        callback_id: String(view.view.callback_id),
        values: formState(view, { extra: 'no equals sign' }),
        private_metadata: String(view.view.private_metadata),
        view_id: view.id,
      }),
    );
    expect(refused.payload).toMatchObject({
      response_action: 'errors',
      errors: { [MODAL_BLOCK.flow]: expect.any(String), [MODAL_BLOCK.extra]: expect.any(String) },
    });
    await t.settle();
    expect(triggers()).toHaveLength(0);
  });
});

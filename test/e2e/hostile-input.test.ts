/**
 * Hostile and maximal input end to end: whatever EnOS or a user hands the app, every message and
 * view it sends is inert (no ping, no disguised link, no layout change, no hidden character) and
 * within Slack's limits. The fake Slack refuses any payload beyond the limits (invalid_blocks) and
 * `t.stop()` fails the test on it, so each test below checks the limits of everything it caused.
 */
import { MODAL_ACTION, RUN_ACTION } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import { blocksOf, changeForm, currentForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  eventCallbackBody,
  sendEvent,
  sendInteraction,
} from '../helpers/slack-requests';
import { ADMIN, ALICE, CAROL, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Pings, a disguised link, layout breakers and hidden characters, all in one name. */
const HOSTILE =
  '<!channel> <!here> <@U0CAROL01> <!subteam^S0TEAM|@oncall> <https://evil.example|https://enos.example> ' +
  '*bold* `tick` ~strike~\n> quoted \u202Eevil\u200B';

/**
 * Everything the app sent to Slack (API calls and response_url posts), as text and blocks JSON.
 * plain_text objects are left out: Slack shows them literally, so `<!channel>` there pings no one
 * (it is how option texts and labels stay inert).
 */
function everythingSent(): string[] {
  const calls = t.slack.calls.filter((c) => /^(chat|views)\./.test(c.method));
  const withoutPlainText = (json: string) =>
    json.replace(/"type":"plain_text","text":"(?:[^"\\]|\\.)*"/g, '');
  return [
    ...calls.map((c) =>
      withoutPlainText(`${String(c.args.text ?? '')}\n${JSON.stringify(c.args.blocks ?? c.args.view ?? '')}`),
    ),
    ...t.slack.responses.map((r) => withoutPlainText(JSON.stringify(r.body))),
  ];
}

function expectNothingHostileSent(): void {
  const sent = everythingSent();
  expect(sent.length).toBeGreaterThan(0);
  for (const text of sent) {
    for (const token of ['<!channel>', '<!here>', '<@U0CAROL01>', '<!subteam', '<https://evil']) {
      expect(text).not.toContain(token);
    }
    // Formatting characters are inert inside a code span; outside one they must be look-alikes.
    const outsideCode = text.replace(/`[^`]*`/g, '');
    for (const token of ['*bold*', '~strike~']) expect(outsideCode).not.toContain(token);
    expect(text).not.toMatch(/[\u202E\u200B]/);
    expect(text).not.toContain('\\n> quoted');
  }
}

const posts = () => t.slack.callsOf('chat.postMessage');
const parentOf = () => posts().find((c) => c.args.thread_ts === undefined);
const repliesOf = () => posts().filter((c) => c.args.thread_ts !== undefined);
const privately = (id: string) =>
  t.slack.responsesOf(id).map((r) => textOf({ args: r.body as Record<string, unknown> }));

describe('hostile names and values', () => {
  it('a hostile flow name and parameter value ping no one, in the text and the blocks', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.flowName = HOSTILE;
    // Slack sends a typed `<` as `&lt;`: once unescaped, the value is `<!channel> …`.
    await t.command('3377 REPLACE="&lt;!channel&gt; *x* \u202Eevil" DAY=`a`');

    // EnOS got the value exactly as typed: only what Slack shows is made inert.
    expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.body).toMatchObject({
      parameters: [
        { key: 'REPLACE', value: '<!channel> *x* \u202Eevil' },
        { key: 'DAY', value: '`a`' },
      ],
    });
    const parent = parentOf()!;
    expect(parent.args.text).toBe(
      '<@U0ALICE01> is triggering EnOS flow 3377 (&lt;!channel&gt; &lt;!here&gt; &lt;@U0CAROL01&gt; ' +
        '&lt;!subteam^S0TEAM|@oncall&gt; &lt;https://evil.example|https://enos.example&gt; ∗bold∗ ˋtickˋ ' +
        '∼strike∼ ⏎ &gt; quoted ‹U+202E›evil‹U+200B›)',
    );
    expect(textOf(parent)).toContain('`REPLACE=&lt;!channel&gt; *x* ‹U+202E›evil` `DAY=ˋaˋ`');
    expect(repliesOf()).toHaveLength(1);
    expectNothingHostileSent();
  });

  it('hostile owners and EnOS error messages stay inert in a refusal and a failure', async () => {
    t = await startTestApp();
    t.enos.addFlow({ flowId: 4000, flowName: HOSTILE, owner: `bob;<!channel>;*x*;<@U0CAROL01>` });
    await t.command('4000');
    expect(repliesOf()[0]!.args.text).toContain(
      'Its owners: `bob`, `&lt;!channel&gt;`, `*x*`, `&lt;@U0CAROL01&gt;`.',
    );
    t.enos.failNext('flows.updateAndTrigger', {
      kind: 'enos-error',
      code: 99999,
      msg: `${HOSTILE} ${'m'.repeat(5000)}`,
    });
    await t.command('3377');
    const replies = repliesOf();
    expect(replies).toHaveLength(2);
    const failure = replies[1]!;
    const contextText = JSON.stringify(failure.args.blocks);
    expect(contextText).toContain('EnOS code 99999: &lt;!channel&gt;');
    expectNothingHostileSent();
  });
});

describe('a hostile flow name in every message kind', () => {
  it('stays inert in the run watcher’s updates, the final message, history, the Home tab and the form', async () => {
    t = await startTestApp();
    t.enos.addFlow({
      flowId: 4000,
      flowName: HOSTILE,
      owner: 'alice;<!here>',
      tasks: [{ taskName: HOSTILE, taskId: '400001' }],
    });
    await t.command('4000');
    const instanceId = t.enos.triggers.at(-1)!.instanceId!;
    // The watcher's edit of the reply, then the final message of a failed run.
    t.enos.setInstanceStatus(instanceId, 2);
    let watch = await t.store.watches.get(instanceId);
    t.clock.set(Math.max(t.clock(), watch!.nextPollAt));
    await t.tick();
    t.enos.setInstanceStatus(instanceId, -1, [{ status: 'FAIL' }]);
    watch = await t.store.watches.get(instanceId);
    t.clock.set(Math.max(t.clock(), watch!.nextPollAt));
    await t.tick();
    expect(t.slack.callsOf('chat.update').length).toBeGreaterThan(0);
    expect(repliesOf().length).toBeGreaterThan(1);

    await t.command('history');
    await t.command(`status ${instanceId}`);
    await sendEvent(
      t.baseUrl,
      SIGNING_SECRET,
      eventCallbackBody({
        type: 'app_home_opened',
        user: ALICE.slackUserId,
        channel: 'D0HOME001',
        tab: 'home',
      }),
    );
    await t.settle();
    expect(t.slack.callsOf('views.publish')).toHaveLength(1);
    // Carol is no owner: the form warns, naming the flow and its owners.
    await t.command('', { user_id: CAROL.slackUserId });
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 4000 } }, { user: CAROL.slackUserId });
    expect(JSON.stringify(blocksOf(currentForm(t)))).toContain('is not an owner of flow');
    expectNothingHostileSent();
  });
});

describe('maximal input fits Slack', () => {
  it('the longest command the parser accepts gives a parent message within the limits', async () => {
    t = await startTestApp();
    // 3,000 characters: the parser's limit; 30 parameters of about 95 characters.
    const parameters = Array.from(
      { length: 30 },
      (_, i) => `K${String(i).padStart(2, '0')}=${'v'.repeat(94)}`,
    );
    const base = `3377 ${parameters.join(' ')}`;
    const text = base + 'v'.repeat(3000 - base.length);
    expect(text.length).toBe(3000);
    await t.command(text);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const parent = parentOf()!;
    const section = (parent.args.blocks as Array<{ text?: { text: string } }>)[0]!.text!.text;
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/… and \d+ more/);
  });

  it('100 links are all listed, over several sections', async () => {
    t = await startTestApp();
    for (let i = 0; i < 100; i++) {
      await t.store.links.put({
        teamId: DEFAULT_TEAM_ID,
        slackUserId: `U${String(i).padStart(8, '0')}`,
        userId: `u${'9'.repeat(12)}${i}`,
        userName: `engineer-with-a-rather-long-name-${i}`,
        orgId: 'o15578227985571',
        linkedBy: ADMIN.slackUserId,
        linkedAt: '2026-11-27T09:00:00.000Z',
      });
    }
    const res = await t.command('links', { user_id: ADMIN.slackUserId });
    const [said] = privately(res.responseUrlId);
    for (let i = 0; i < 100; i++) expect(said).toContain(`<@U${String(i).padStart(8, '0')}>`);
    const blocks = (t.slack.responsesOf(res.responseUrlId)[0]!.body as { blocks: unknown[] }).blocks;
    expect(blocks.length).toBeGreaterThan(2);
  });

  it('hundreds of owners in a refusal end in "… and N more"', async () => {
    t = await startTestApp();
    const owners = Array.from({ length: 400 }, (_, i) => `owner-number-${i}`);
    t.enos.addFlow({ flowId: 4000, flowName: 'f'.repeat(3000), owner: owners.join(';') });
    await t.command('4000');
    const said = textOf(repliesOf()[0]);
    expect(said).toContain(':no_entry: Not triggered.');
    expect(said).toContain('`owner-number-0`');
    expect(said).toMatch(/… and \d+ more\. Ask one of them/);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
  });

  it('ten failed tasks with long names fit the status answer', async () => {
    t = await startTestApp();
    t.enos.addFlow({
      flowId: 4000,
      flowName: 'n'.repeat(2000),
      owner: 'alice',
      tasks: Array.from({ length: 10 }, (_, i) => ({
        taskName: `${HOSTILE} ${'t'.repeat(600)} ${i}`,
        taskId: `40000${i}`,
      })),
    });
    await t.command('4000');
    const instanceId = t.enos.triggers.at(-1)!.instanceId!;
    t.enos.setInstanceStatus(
      instanceId,
      -1,
      Array.from({ length: 10 }, () => ({ status: 'FAIL' })),
    );
    const res = await t.command(`status ${instanceId}`);
    const [said] = privately(res.responseUrlId);
    expect(said).toContain('*Failed tasks:*');
    expect(said?.match(/` \(FAIL\)/g)).toHaveLength(10);
    expectNothingHostileSent();
  });

  it('a flow with 60 parameters of 3,000+ characters: the form fits, a too-long value is read-only and kept', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.parameters = Array.from({ length: 60 }, (_, i) => ({
      key: `PARAM_${i}`,
      value: (i === 0 ? 'L' : 'v').repeat(i === 0 ? 3500 : 3000),
    }));
    await t.command('');
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
    const blocks = blocksOf(currentForm(t));
    expect(blocks.length).toBeLessThanOrEqual(100);
    // PARAM_0 (3,500 characters) has no input: it is shown read-only.
    expect(blocks.some((b) => b.label?.text === 'PARAM_0')).toBe(false);
    expect(JSON.stringify(blocks)).toContain('read-only here: 3,500 characters');
    expect(blocks.find((b) => b.label?.text === 'PARAM_1')?.element?.initial_value).toBe('v'.repeat(3000));

    await submitForm(t, { parameters: { PARAM_1: 'changed' }, conversation: DEFAULT_CHANNEL_ID });
    // Only the change is sent: the read-only value is left as the flow has it.
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      expect.objectContaining({ parameters: [{ key: 'PARAM_1', value: 'changed' }] }),
    ]);
  });

  it('Edit and run with many left-out keys says so within the limits', async () => {
    t = await startTestApp();
    const key = (i: number) => `K${String(i).padStart(2, '0')}_${'k'.repeat(120)}`;
    t.enos.flow(3377)!.parameters = Array.from({ length: 50 }, (_, i) => ({ key: key(i), value: 'x' }));
    await t.command('');
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
    const changed = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [key(i), 'y'.repeat(1900)]));
    await submitForm(t, { parameters: changed, conversation: DEFAULT_CHANNEL_ID });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const reply = repliesOf().at(-1) as RecordedCall;

    const value = (
      reply.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === RUN_ACTION.edit)?.value;
    await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: RUN_ACTION.edit, value: String(value), block_id: 'run_actions' }],
        channel_id: DEFAULT_CHANNEL_ID,
        thread_ts: String(reply.args.thread_ts),
        response_url: t.slack.responseUrl('edit'),
      }),
    );
    await t.settle();
    const form = JSON.stringify(blocksOf(currentForm(t)));
    expect(form).toContain('did not fit here and are not prefilled');
    expect(form).toMatch(/… and \d+ more/);
  });
});

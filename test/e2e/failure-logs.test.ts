/**
 * When a run fails, the thread says why: the failed tasks' log tails in the final message and in
 * `/flow-trigger status`, secrets masked, inert, within Slack's limits; and the Full log button
 * (file in the thread, or the modal when the upload is refused), for the caller and the owners.
 */
import { FULL_LOG_ACTION, FULL_LOG_MODAL_CALLBACK } from '../../src/slack/ids';
import type { RecordedCall } from '../fakes/fake-slack-api';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  newTriggerId,
  sendInteraction,
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
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const replies = () => t.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);

type Block = {
  type: string;
  text?: { text: string };
  accessory?: { action_id: string; value: string; text: { text: string } };
};
const blocksOf = (call: RecordedCall | undefined) => (call?.args.blocks ?? []) as Block[];

/** Alice triggers flow 3377 now; EnOS then fails it with `tasks`; one poll posts the final message. */
async function failedRun(
  tasks: Array<{ taskName: string; taskInstId: string; status: string }>,
  logs: Record<string, string | null>,
): Promise<{ instanceId: string; final: RecordedCall }> {
  await t.command('3377 REPLACE=ddee');
  const instanceId = t.enos.triggers.at(-1)!.instanceId!;
  t.enos.setInstanceStatus(instanceId, -1, tasks);
  for (const [id, log] of Object.entries(logs)) t.enos.setTaskLog(id, log);
  const watch = await t.store.watches.get(instanceId);
  t.clock.set(watch!.nextPollAt);
  await t.tick();
  expect(await t.store.watches.get(instanceId)).toBeUndefined();
  return { instanceId, final: replies().at(-1)! };
}

const numbered = (n: number, line = (i: number) => `row ${i} loaded`) =>
  Array.from({ length: n }, (_, i) => line(i + 1)).join('\n');

/** Every byte the app sent to Slack, and every log line: where a secret must not be. */
function everythingSent(): string {
  return [
    ...t.slack.calls.map((c) => c.rawBody),
    ...t.slack.responses.map((r) => JSON.stringify(r.body)),
    ...t.logs,
  ].join('\n');
}

describe('the final message of a failed run', () => {
  it('shows each failed task’s name, status and last 30 lines, masked and inert, with a Full log button', async () => {
    t = await startTestApp();
    const log =
      `${numbered(40)}\n` +
      'connecting with password=hunter2 user=etl\n' +
      'aws s3 cp using AKIAIOSFODNN7EXAMPLE\n' +
      'hey <!channel> see ``` and <https://evil.example|click>\n' +
      'ERROR load failed: table sales.daily does not exist\n';
    const { instanceId, final } = await failedRun(
      [
        { taskName: 'extract', taskInstId: 'ti-extract', status: 'SUCCESS' },
        { taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' },
      ],
      { 'ti-load': log },
    );

    // EnOS was asked for the failed task's log only, as the caller, with a 1 MB cap.
    expect(t.enos.requestsOf('taskInstances.getLog').map((r) => [r.query, r.signatureValid])).toEqual([
      [
        {
          action: 'getLog',
          taskInstId: 'ti-load',
          maxLength: '1048576',
          userId: ALICE.userId,
          orgId: ALICE.orgId,
        },
        true,
      ],
    ]);
    expect(final.args.thread_ts).toBe(t.slack.messages.find((m) => m.thread_ts === undefined)!.ts);
    const section = blocksOf(final).find((b) => b.accessory?.action_id === FULL_LOG_ACTION)!;
    expect(section.text!.text).toBe(
      '*`load`* (FAIL) · log of 738 characters, cut: its last 30 lines:\n```\n' +
        `${numbered(40).split('\n').slice(-26).join('\n')}\n` +
        'connecting with password=[masked]\n' +
        'aws s3 cp using AKIA[masked]\n' +
        'hey &lt;!channel&gt; see ˋˋˋ and &lt;https://evil.example|click&gt;\n' +
        'ERROR load failed: table sales.daily does not exist\n```',
    );
    expect(section.accessory).toEqual({
      type: 'button',
      action_id: FULL_LOG_ACTION,
      text: { type: 'plain_text', text: 'Full log' },
      value: JSON.stringify({ i: instanceId, t: 'ti-load', a: 'attempt-1' }),
    });
    expect(textOf(final)).not.toContain('EnOS console');
    expect(everythingSent()).not.toMatch(/hunter2|AKIAIOSFODNN7EXAMPLE/);
  });

  it('keeps a log longer than the 1 MB cap to its end, says "at least 1 MB", and stays within 3,000 characters', async () => {
    t = await startTestApp();
    // 2 MB of 500-character lines: EnOS sends 1 MB, and 30 lines of it are too long for one section.
    const long = numbered(4200, (i) => `${String(i).padStart(6, '0')} ${'x'.repeat(493)}`);
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'TIMEOUT' }], {
      'ti-load': long,
    });
    const text = blocksOf(final).find((b) => b.accessory)!.text!.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.startsWith('*`load`* (TIMEOUT) · log of at least 1 MB, cut: its last 30 lines:\n```\n')).toBe(
      true,
    );
    // The end of the log is kept; its first line, cut, says so.
    expect(text.endsWith(`004200 ${'x'.repeat(493)}\n\`\`\``)).toBe(true);
    expect(text.split('\n')[2]).toMatch(/^…x+$/);
    expect(text.split('\n')[3]).toMatch(/^\d{6} x{493}$/);
  });

  it('explains a task without a log (62109 "No log found"), not as an error, with no Full log button', async () => {
    t = await startTestApp();
    const { final } = await failedRun([{ taskName: 'never-ran', taskInstId: 'ti-none', status: 'FAIL' }], {
      'ti-none': null,
    });
    const section = blocksOf(final).find((b) => b.text?.text.startsWith('*`never-ran`*'))!;
    expect(section.text!.text).toBe(
      '*`never-ran`* (FAIL) · no log: EnOS has none for this task (“No log found”).',
    );
    expect(section.accessory).toBeUndefined();
  });

  it('says the log could not be read when EnOS fails, and still posts the final message', async () => {
    t = await startTestApp();
    t.enos.failNext('taskInstances.getLog', { kind: 'http', status: 502 });
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': 'boom',
    });
    expect(textOf(final)).toMatch(/^<@U0ALICE01> :red_circle: Flow \*3377\* · daily load failed \(FAIL\)/);
    const section = blocksOf(final).find((b) => b.text?.text.startsWith('*`load`*'))!;
    expect(section.text!.text).toBe(
      '*`load`* (FAIL) · the log could not be read: the EnOS gateway answered HTTP 502.',
    );
    // The button lets the clicker try again.
    expect(section.accessory?.action_id).toBe(FULL_LOG_ACTION);
  });

  it('shows five failed tasks at most and counts the others', async () => {
    t = await startTestApp();
    const tasks = Array.from({ length: 7 }, (_, i) => ({
      taskName: `t${i + 1}`,
      taskInstId: `ti-${i + 1}`,
      status: 'FAIL',
    }));
    const { final } = await failedRun(
      tasks,
      Object.fromEntries(tasks.map((task) => [task.taskInstId, `${task.taskName} died`])),
    );
    expect(
      t.enos
        .requestsOf('taskInstances.getLog')
        .map((r) => r.query.taskInstId)
        .sort(),
    ).toEqual(['ti-1', 'ti-2', 'ti-3', 'ti-4', 'ti-5']);
    expect(blocksOf(final).filter((b) => b.accessory?.action_id === FULL_LOG_ACTION)).toHaveLength(5);
    expect(textOf(final)).toContain('2 more failed tasks not shown: their logs are in the EnOS console.');
    expect(blocksOf(final).length).toBeLessThanOrEqual(50);
  });
});

describe('/flow-trigger status of a failed run', () => {
  it('shows the failed tasks’ log tails, read as whoever asks', async () => {
    t = await startTestApp();
    const { instanceId } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': 'start\nsecret: s3cr3t-value\nERROR disk full',
    });
    const res = await t.command(`status ${instanceId}`, { user_id: CAROL.slackUserId });
    expect(t.enos.requestsOf('taskInstances.getLog').at(-1)!.query).toEqual({
      action: 'getLog',
      taskInstId: 'ti-load',
      maxLength: '1048576',
      userId: CAROL.userId,
      orgId: CAROL.orgId,
    });
    const answer = t.slack.responsesOf(res.responseUrlId)[0]!.body as {
      response_type: string;
      blocks: Block[];
    };
    expect(answer.response_type).toBe('ephemeral');
    const section = answer.blocks.find((b) => b.accessory)!;
    expect(section.text!.text).toBe(
      '*`load`* (FAIL) · log of 42 characters, whole: 3 lines:\n```\nstart\nsecret: [masked]\nERROR disk full\n```',
    );
    // No attempt behind a status answer: only the owners may ask for the full log from it.
    expect(JSON.parse(section.accessory!.value)).toEqual({ i: instanceId, t: 'ti-load' });
    expect(everythingSent()).not.toContain('s3cr3t-value');
  });
});

describe('the Full log button', () => {
  const FULL = `${numbered(50)}\npassword=hunter2\nERROR the end`;

  async function clickFullLog(final: RecordedCall, user: string, section = 0): Promise<void> {
    const button = blocksOf(final).filter((b) => b.accessory?.action_id === FULL_LOG_ACTION)[section]!
      .accessory!;
    const message = t.slack.messages.find(
      (m) => m.thread_ts === final.args.thread_ts && m.text === final.args.text,
    )!;
    const res = await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: user,
        trigger_id: newTriggerId(),
        actions: [{ action_id: FULL_LOG_ACTION, value: button.value }],
        channel_id: DEFAULT_CHANNEL_ID,
        message_ts: message.ts,
        thread_ts: String(final.args.thread_ts),
        response_url: t.slack.responseUrl(`full-${user}`),
      }),
    );
    expect(res.status).toBe(200);
    await t.settle();
  }

  /** The modal's texts: what the clicker read last. */
  const modalText = () => {
    const view = [...t.slack.views.values()].find((v) => v.view.callback_id === FULL_LOG_MODAL_CALLBACK)!;
    return (view.view.blocks as Block[]).map((b) => b.text?.text ?? '').join('\n');
  };

  it('posts the whole masked log as a file in the thread for the caller, and says so in the modal', async () => {
    t = await startTestApp();
    const { instanceId, final } = await failedRun(
      [{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }],
      {
        'ti-load': FULL,
      },
    );
    await clickFullLog(final, ALICE.slackUserId);

    // The modal opened at once with the click's trigger_id, before EnOS was asked.
    const opened = t.slack.callsOf('views.open')[0]!;
    expect((opened.args.view as { blocks: Block[] }).blocks[0]!.text!.text).toBe(
      ':hourglass_flowing_sand: Fetching the log…',
    );
    expect(t.slack.calls.indexOf(opened)).toBeLessThan(
      t.slack.calls.indexOf(t.slack.callsOf('files.getUploadURLExternal')[0]!),
    );
    expect(t.enos.requestsOf('taskInstances.getLog').at(-1)!.query).toEqual({
      action: 'getLog',
      taskInstId: 'ti-load',
      maxLength: '10485760',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    const masked = `${numbered(50)}\npassword=[masked]\nERROR the end`;
    expect(t.slack.files).toEqual([
      {
        id: expect.any(String),
        filename: 'load-ti-load.log',
        length: Buffer.byteLength(masked),
        bytes: Buffer.from(masked),
        completed: {
          channel: DEFAULT_CHANNEL_ID,
          threadTs: final.args.thread_ts,
          title: `Log of task load (${instanceId})`,
          initialComment: `<@${ALICE.slackUserId}> asked for the full log of task \`load\` (721 characters), secrets masked.`,
        },
      },
    ]);
    expect(modalText()).toBe(
      ':page_facing_up: The log of task `load` (721 characters) is posted in the thread as a file.',
    );
    expect(everythingSent()).not.toContain('hunter2');
  });

  it('serves an owner of the flow who did not trigger the run', async () => {
    t = await startTestApp();
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': FULL,
    });
    t.enos.flow(3377)!.owner = ' alice ; carol ';
    await clickFullLog(final, CAROL.slackUserId);
    expect(t.enos.requestsOf('flows.get').at(-1)!.query).toMatchObject({
      userId: CAROL.userId,
      flowId: '3377',
    });
    expect(t.enos.requestsOf('taskInstances.getLog').at(-1)!.query).toMatchObject({ userId: CAROL.userId });
    expect(t.slack.files.map((f) => f.completed?.initialComment)).toEqual([
      `<@${CAROL.slackUserId}> asked for the full log of task \`load\` (721 characters), secrets masked.`,
    ]);
  });

  it('refuses anyone else privately, and reads no log for them', async () => {
    t = await startTestApp();
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': FULL,
    });
    const logReads = t.enos.requestsOf('taskInstances.getLog').length;
    await clickFullLog(final, CAROL.slackUserId);
    expect(modalText()).toBe(
      `:no_entry: Only <@${ALICE.slackUserId}>, who triggered this run, or an owner of flow *3377* · daily load ` +
        '(`alice`, `bob`) can read the full log of this run. Your EnOS user `carol` is neither.',
    );
    expect(t.enos.requestsOf('taskInstances.getLog')).toHaveLength(logReads);
    expect(t.slack.files).toEqual([]);
    expect(t.slack.callsOf('files.getUploadURLExternal')).toEqual([]);
  });

  it('shows the log’s end in the modal where Slack refuses the file', async () => {
    t = await startTestApp();
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': FULL,
    });
    t.slack.setBotNotInChannel(DEFAULT_CHANNEL_ID);
    await clickFullLog(final, ALICE.slackUserId);
    expect(t.slack.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(t.slack.files[0]!.completed).toBeUndefined();
    expect(modalText()).toBe(
      ':warning: I could not post the log of task `load` as a file there: the bot is not a member of that ' +
        'conversation. Here is the whole log (of 721 characters).\n' +
        `\`\`\`\n${numbered(50)}\npassword=[masked]\nERROR the end\n\`\`\``,
    );
    expect(everythingSent()).not.toContain('hunter2');
  });

  it('fills the modal with as much of a long log’s end as it holds', async () => {
    t = await startTestApp();
    const long = numbered(2000, (i) => `${String(i).padStart(5, '0')} ${'y'.repeat(90)}`);
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': long,
    });
    t.slack.failNext('files.getUploadURLExternal', { error: 'restricted_action' });
    await clickFullLog(final, ALICE.slackUserId);
    const view = [...t.slack.views.values()].find((v) => v.view.callback_id === FULL_LOG_MODAL_CALLBACK)!;
    const blocks = view.view.blocks as Array<Block & { elements?: Array<{ text: string }> }>;
    expect(blocks[0]!.text!.text).toMatch(
      /^:warning: I could not post the log of task `load` as a file there: the workspace does not allow apps to upload files there\. Here is its last [\d,]+ characters \(of 189\.5 KB\)\.$/,
    );
    const code = blocks.slice(1, -1);
    expect(code).toHaveLength(10);
    for (const b of code) expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    expect(code.at(-1)!.text!.text.endsWith(`02000 ${'y'.repeat(90)}\n\`\`\``)).toBe(true);
    expect(blocks.at(-1)!.elements![0]!.text).toBe('The start of the log is in the EnOS console.');
  });

  it('shows the log in the modal, not in the channel, from a private status answer', async () => {
    t = await startTestApp();
    const { instanceId } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': FULL,
    });
    const res = await t.command(`status ${instanceId}`);
    const answer = t.slack.responsesOf(res.responseUrlId)[0]!.body as { blocks: Block[] };
    const button = answer.blocks.find((b) => b.accessory)!.accessory!;
    await sendInteraction(
      t.baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: FULL_LOG_ACTION, value: button.value }],
        channel_id: DEFAULT_CHANNEL_ID,
        response_url: t.slack.responseUrl('from-status'),
        extra: {
          container: {
            type: 'message',
            message_ts: '1764250000.000900',
            channel_id: DEFAULT_CHANNEL_ID,
            is_ephemeral: true,
          },
        },
      }),
    );
    await t.settle();
    // Alice owns flow 3377: Get Flow as her says so (a status answer names no attempt).
    expect(t.enos.requestsOf('flows.get').at(-1)!.query).toMatchObject({ userId: ALICE.userId });
    expect(t.slack.callsOf('files.getUploadURLExternal')).toEqual([]);
    expect(modalText()).toBe(
      ':warning: I could not post the log of task `load` as a file there: your status answer is visible only ' +
        'to you. Here is the whole log (of 721 characters).\n' +
        `\`\`\`\n${numbered(50)}\npassword=[masked]\nERROR the end\n\`\`\``,
    );
  });

  it('tells an unlinked clicker how to get linked, and asks EnOS nothing for them', async () => {
    t = await startTestApp();
    const { final } = await failedRun([{ taskName: 'load', taskInstId: 'ti-load', status: 'FAIL' }], {
      'ti-load': FULL,
    });
    const asked = t.enos.requests.length;
    await clickFullLog(final, DAVE.slackUserId);
    expect(modalText()).toBe(
      ':link: Your Slack account is not linked to an EnOS user, so I cannot read EnOS logs for you. ' +
        `Ask an admin (<@${ADMIN.slackUserId}>) to link you.`,
    );
    expect(t.enos.requests.length).toBe(asked);
  });
});

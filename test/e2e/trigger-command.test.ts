/**
 * `/flow-trigger <flowId> [when] [KEY=VALUE …]` end to end: signed HTTP requests into the real
 * Bolt app, a fake Slack Web API, a fake EnOS gateway that checks signatures, and a real SQLite
 * store. Each test checks what the user saw, what EnOS received, and what was stored.
 */
import type { AuditRecord } from '../../src/core/ports';
import type { RecordedCall } from '../fakes/fake-slack-api';
import { DEFAULT_CHANNEL_ID, DEFAULT_TEAM_ID, sendSlashCommand } from '../helpers/slack-requests';
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

const posts = () => t.slack.callsOf('chat.postMessage');
const parentOf = () => posts().find((c) => c.args.thread_ts === undefined);
const repliesOf = () => posts().filter((c) => c.args.thread_ts !== undefined);
const privateTo = (id: string) =>
  t.slack.responsesOf(id).map((r) => textOf({ args: r.body as Record<string, unknown> }));

async function auditRecords(slackUserId = ALICE.slackUserId): Promise<AuditRecord[]> {
  return t.store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId, limit: 20 });
}

/** 14:00 on 2026-11-27 in Berlin (UTC+1 in November). */
const BERLIN_14 = Date.UTC(2026, 10, 27, 13, 0);

describe('the mission example', () => {
  it('triggers flow 3377 at 14:00 Berlin time with REPLACE=ddee and reports the instance in a thread', async () => {
    t = await startTestApp();
    const res = await t.command('3377 at 14:00 REPLACE=ddee');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    // What EnOS received: one signed trigger with every field.
    const triggers = t.enos.requestsOf('flows.updateAndTrigger');
    expect(triggers).toHaveLength(1);
    expect(triggers[0]!.signatureValid).toBe(true);
    expect(triggers[0]!.query).toEqual({
      action: 'updateAndTrigger',
      userId: ALICE.userId,
      orgId: ALICE.orgId,
    });
    expect(triggers[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: BERLIN_14,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
    });
    const instanceId = t.enos.triggers[0]!.instanceId!;
    expect(instanceId).toMatch(/^3377-\d{14}$/);
    // The prerequisites were read first, as Alice.
    expect(t.enos.requestsOf('flows.get').map((r) => r.query)).toEqual([
      { action: 'get', flowId: '3377', userId: ALICE.userId, orgId: ALICE.orgId },
    ]);

    // What the channel saw: a parent message, and the instance ID in its thread.
    const parent = parentOf()!;
    expect(parent.args.channel).toBe(DEFAULT_CHANNEL_ID);
    expect(textOf(parent)).toMatchInlineSnapshot(`
"<@U0ALICE01> is triggering flow *3377* · daily load at <!date^1795784400^{date_short_pretty} at {time}|2026-11-27 14:00 Europe/Berlin> (2026-11-27 14:00 \`Europe/Berlin\`)
Parameters for this run: \`REPLACE=ddee\`
EnOS user \`alice\` (\`u15426865866571\`, org \`o15578227985571\`)"
`);
    const replies = repliesOf();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args.thread_ts).toBe(t.slack.messages.find((m) => m.thread_ts === undefined)?.ts);
    expect(textOf(replies[0]).replace(instanceId, '<instance>')).toMatchInlineSnapshot(`
":white_check_mark: Triggered flow *3377* · daily load. Flow instance ID: \`<instance>\`
EnOS will start it <!date^1795784400^{date_short_pretty} at {time}|2026-11-27 14:00 Europe/Berlin>."
`);

    // What was stored.
    const [record] = await auditRecords();
    expect(record).toEqual({
      id: 'attempt-1',
      teamId: DEFAULT_TEAM_ID,
      slackUserId: ALICE.slackUserId,
      enosUserId: ALICE.userId,
      enosUserName: ALICE.userName,
      orgId: ALICE.orgId,
      flowId: 3377,
      flowName: 'daily load',
      triggerTime: BERLIN_14,
      zone: 'Europe/Berlin',
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
      source: 'command',
      requestedAt: '2026-11-27T09:00:00.000Z',
      updatedAt: '2026-11-27T09:00:00.000Z',
      channelId: DEFAULT_CHANNEL_ID,
      threadTs: parent.args.channel === DEFAULT_CHANNEL_ID ? replies[0]!.args.thread_ts : undefined,
      outcome: 'triggered',
      instanceId,
    });
    expect(t.slack.callsOf('users.info').map((c) => c.args.user)).toEqual([ALICE.slackUserId]);
  });
});

describe('refused before the trigger', () => {
  it('tells an unlinked user privately in the ack who the admins are, and triggers nothing', async () => {
    t = await startTestApp();
    const res = await t.command('3377 REPLACE=ddee', { user_id: DAVE.slackUserId });
    expect(res.status).toBe(200);
    // Answered before the trigger queue, in the ack itself: nothing waited for a turn.
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf({ args: res.json as Record<string, unknown> })).toBe(
      ':link: Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. ' +
        `Ask an admin (<@${ADMIN.slackUserId}>) to link you with \`/flow-trigger link @you <enosUserId> <enosUserName>\`.`,
    );
    expect(t.slack.responsesOf(res.responseUrlId)).toEqual([]);
    expect(posts()).toHaveLength(0);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    expect(await auditRecords(DAVE.slackUserId)).toEqual([]);
  });

  it('refuses `link` from a non-admin and changes nothing', async () => {
    t = await startTestApp();
    const res = await t.command(`link <@${DAVE.slackUserId}|dave> u123 dave`, { user_id: CAROL.slackUserId });
    expect(privateTo(res.responseUrlId)[0]).toContain('Only flow-trigger admins can manage links');
    expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toBeUndefined();
  });

  const refusals: Array<[string, () => void, string, string]> = [
    ['a caller who is not an owner', () => {}, CAROL.slackUserId, 'is not an owner of flow'],
    [
      'a locked user',
      () =>
        t.enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId, locked: true }),
      ALICE.slackUserId,
      'Your EnOS account `alice` is locked',
    ],
    [
      'a locked flow',
      () => {
        t.enos.flow(3377)!.locked = true;
      },
      ALICE.slackUserId,
      'is locked in EnOS',
    ],
    [
      'a flow without tasks',
      () => {
        t.enos.flow(3377)!.tasks = [];
      },
      ALICE.slackUserId,
      'has no task',
    ],
  ];
  it.each(refusals)(
    'explains %s in the thread and never calls Update And Trigger',
    async (_name, arrange, user, says) => {
      t = await startTestApp();
      arrange();
      await t.command('3377 REPLACE=ddee', { user_id: user });
      expect(t.enos.requestsOf('flows.get')).toHaveLength(1);
      expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
      expect(parentOf()).toBeDefined();
      const replies = repliesOf();
      expect(replies).toHaveLength(1);
      expect(textOf(replies[0])).toContain(says);
      expect(textOf(replies[0])).toContain('Not triggered');
      const [record] = await auditRecords(user);
      expect(record).toMatchObject({ outcome: 'refused', flowId: 3377 });
      expect(record!.instanceId).toBeUndefined();
    },
  );

  it('names the owners to ask when the caller is not one', async () => {
    t = await startTestApp();
    await t.command('3377', { user_id: CAROL.slackUserId });
    expect(textOf(repliesOf()[0])).toMatchInlineSnapshot(
      `":no_entry: Not triggered. Your EnOS user \`carol\` is not an owner of flow *3377* · daily load, and only owners may trigger it. Its owners: \`alice\`, \`bob\`. Ask one of them to add you as an owner, or to trigger it."`,
    );
  });

  it('explains an unknown flow', async () => {
    t = await startTestApp();
    await t.command('9999 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    expect(textOf(parentOf())).toContain('*9999*');
    expect(textOf(repliesOf()[0])).toMatchInlineSnapshot(`
":no_entry: Not triggered. Flow *9999* was not found in EnOS organization \`o15578227985571\`, or your EnOS user \`alice\` cannot see it. Check the flow id; \`/flow-trigger\` with no text lists the flows you own.
EnOS code 62102: Incorrect parameter"
`);
    expect((await auditRecords())[0]).toMatchObject({
      outcome: 'refused',
      error: { code: 'flow-not-found', enosCode: 62102 },
    });
  });
});

describe('EnOS errors on Update And Trigger', () => {
  const codes: Array<[number, string]> = [
    [62101, 'does not exist or does not belong to the linked organization'],
    [62102, 'triggered within the last minute'],
    [62103, 'has no privilege'],
    [62104, 'has no task'],
    [62105, 'account is locked'],
    [62109, 'internal error. Nothing was started'],
    [99400, 'rejected a parameter'],
    [99403, 'lacks a permission'],
    [99404, 'could not find'],
    [99500, 'internal error'],
    [12345, 'does not know'],
  ];
  it.each(codes)('explains EnOS code %i in the thread, with the code for reference', async (code, says) => {
    t = await startTestApp();
    t.enos.failNext('flows.updateAndTrigger', { kind: 'enos-error', code, msg: `message for ${code}` });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const reply = textOf(repliesOf()[0]);
    expect(reply).toContain(':x: Not triggered.');
    expect(reply).toContain(says);
    expect(reply).toContain(`EnOS code ${code}: message for ${code}`);
    expect((await auditRecords())[0]).toMatchObject({ outcome: 'failed', error: { enosCode: code } });
  });

  it('reports a timeout as uncertain, asks to check EnOS, and never resends', async () => {
    t = await startTestApp({ enosRequestTimeoutMs: 300 });
    t.enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms: 1500 });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const reply = textOf(repliesOf()[0]);
    expect(reply).toContain('may or may not have been triggered');
    expect(reply).toContain('check the flow’s runs in the EnOS console before you try again');
    expect((await auditRecords())[0]).toMatchObject({ outcome: 'unknown', error: { code: 'ENOS_TIMEOUT' } });
  });

  it('says EnOS is unreachable, and that nothing was started', async () => {
    t = await startTestApp({ enosGatewayUrl: 'http://127.0.0.1:9' });
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requests).toHaveLength(0);
    const reply = textOf(repliesOf()[0]);
    expect(reply).toContain('could not reach the EnOS API gateway');
    expect(reply).toContain('never reached EnOS, so nothing was started');
    expect((await auditRecords())[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'ENOS_CONNECTION' },
    });
  });
});

describe('times', () => {
  it('refuses `at HH:MM` that has already passed today, offering the alternatives', async () => {
    t = await startTestApp();
    const res = await t.command('3377 at 09:00 REPLACE=ddee');
    const said = privateTo(res.responseUrlId);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('`now`');
    expect(said[0]).toContain('tomorrow at 09:00');
    expect(said[0]).toContain('2026-11-27');
    expect(posts()).toHaveLength(0);
    expect(t.enos.requests.filter((r) => r.action !== 'token.get')).toHaveLength(0);
  });

  it('back-dates a run to an explicit past date, and says so', async () => {
    t = await startTestApp();
    await t.command('3377 on 2026-11-01 at 00:00 DAY=${cal_dt}');
    expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: Date.UTC(2026, 9, 31, 23, 0),
      parameters: [{ key: 'DAY', value: '${cal_dt}' }],
    });
    expect(textOf(parentOf())).toContain('Back-dated');
    expect(textOf(repliesOf()[0])).toContain('back-dated, so EnOS starts it at once');
  });

  it('resolves a time in the zone named after it', async () => {
    t = await startTestApp();
    await t.command('3377 at 14:00 America/New_York');
    expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.body).toMatchObject({
      triggerTime: Date.UTC(2026, 10, 27, 19, 0),
      parameters: [],
    });
    expect(textOf(parentOf())).toContain('America/New_York');
    expect((await auditRecords())[0]).toMatchObject({ zone: 'America/New_York' });
  });
});

describe('values', () => {
  it('passes quoted, escaped, URL and ${…} values to EnOS verbatim, and shows them safely', async () => {
    t = await startTestApp();
    const text = [
      '3377',
      'NOTE="two words"',
      "SINGLE='it is'",
      'CURLY=“typographic quotes”',
      'URL=<https://example.com/a?b=1&amp;c=2|example.com/a>',
      'AMP=fish&amp;chips',
      'LT=&lt;!channel&gt;',
      'DAY=${cal_dt}',
    ].join(' ');
    await t.command(text);
    expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.body).toEqual({
      flowId: 3377,
      triggerTime: Date.UTC(2026, 10, 27, 9, 0),
      parameters: [
        { key: 'NOTE', value: 'two words' },
        { key: 'SINGLE', value: 'it is' },
        { key: 'CURLY', value: 'typographic quotes' },
        { key: 'URL', value: 'https://example.com/a?b=1&c=2' },
        { key: 'AMP', value: 'fish&chips' },
        { key: 'LT', value: '<!channel>' },
        { key: 'DAY', value: '${cal_dt}' },
      ],
    });
    const parent = textOf(parentOf());
    // Shown escaped: a value can never ping a channel or forge a link.
    expect(parent).toContain('`LT=&lt;!channel&gt;`');
    expect(parent).not.toContain('<!channel>');
    expect(parent).toContain('`AMP=fish&amp;chips`');
  });

  it('answers a usage error privately, naming the offending token, and triggers nothing', async () => {
    t = await startTestApp();
    const res = await t.command('3377 REPLACE=ddee REPLACE=other');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('REPLACE');
    expect(body.text).toContain('/flow-trigger help');
    expect(t.enos.requests).toHaveLength(0);
    expect(posts()).toHaveLength(0);
  });
});

describe('nothing runs twice', () => {
  it('triggers once when Slack delivers the same request twice', async () => {
    t = await startTestApp();
    const fields = { trigger_id: '1234.5678.abcdef' };
    await t.command('3377 REPLACE=ddee', fields);
    await t.command('3377 REPLACE=ddee', fields, { retryNum: 1, retryReason: 'http_timeout' });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(posts().filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
    expect(await auditRecords()).toHaveLength(1);
  });

  it('tells the caller that the same request a moment ago was already triggered, with a link', async () => {
    t = await startTestApp();
    await t.command('3377 at 14:00 REPLACE=ddee');
    t.clock.advance(20_000);
    const second = await t.command('3377 at 14:00 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const said = privateTo(second.responseUrlId);
    expect(said).toHaveLength(1);
    const parentTs = t.slack.messages.find((m) => m.thread_ts === undefined)!.ts.replace('.', '');
    expect(said[0]).toContain(`https://fake-team.slack.com/archives/${DEFAULT_CHANNEL_ID}/p${parentTs}`);
    expect(said[0]).toContain('already triggered flow *3377*');
    const records = await auditRecords();
    expect(records.map((r) => r.outcome).sort()).toEqual(['duplicate', 'triggered']);
  });

  it('lets the caller retry at once after a refusal', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.locked = true;
    await t.command('3377');
    t.enos.flow(3377)!.locked = false;
    await t.command('3377');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(t.enos.triggers[0]!.code).toBe(0);
  });
});

describe('requests that are not from Slack', () => {
  it.each([
    ['unsigned', { unsigned: true }],
    ['badly signed', { badSignature: true }],
    ['stale', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ])('refuses an %s request with 401 and triggers nothing', async (_name, opts) => {
    t = await startTestApp();
    const res = await sendSlashCommand(
      t.baseUrl,
      SIGNING_SECRET,
      { text: '3377 REPLACE=ddee', user_id: ALICE.slackUserId },
      opts,
    );
    expect(res.status).toBe(401);
    await t.settle();
    expect(t.enos.requests).toHaveLength(0);
    expect(posts()).toHaveLength(0);
  });
  it('does nothing more for a replayed request (same body, same signature)', async () => {
    t = await startTestApp();
    const fields = {
      text: '3377 REPLACE=ddee',
      user_id: ALICE.slackUserId,
      trigger_id: '999.888.replayed',
      response_url: t.slack.responseUrl('replay'),
    };
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await sendSlashCommand(t.baseUrl, SIGNING_SECRET, fields, { timestamp });
    const replay = await sendSlashCommand(t.baseUrl, SIGNING_SECRET, fields, { timestamp });
    await t.settle();
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(posts().filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });
});

describe('where the bot cannot post', () => {
  it('sends the whole result privately, with how to invite the bot, and still triggers', async () => {
    t = await startTestApp();
    t.slack.setBotNotInChannel(DEFAULT_CHANNEL_ID);
    const res = await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    const said = privateTo(res.responseUrlId);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('/invite @flow-trigger');
    expect(said[0]).toContain('is triggering flow *3377*');
    expect(said[1]).toContain(t.enos.triggers[0]!.instanceId!);
    expect(posts().filter((c: RecordedCall) => c.args.channel === DEFAULT_CHANNEL_ID)).toHaveLength(1); // the failed attempt
  });
});

describe('help and identity', () => {
  it('shows help only to the caller', async () => {
    t = await startTestApp();
    const res = await t.command('help');
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(res.body).toContain('/flow-trigger <flowId> [when] [KEY=VALUE …]');
    expect(posts()).toHaveLength(0);
  });

  it('lets an admin link a user, who then sees the link with whoami', async () => {
    t = await startTestApp();
    const linked = await t.command(`link <@${DAVE.slackUserId}|dave> u15426865866573 dave`, {
      user_id: ADMIN.slackUserId,
    });
    expect(privateTo(linked.responseUrlId)[0]).toContain(`Linked <@${DAVE.slackUserId}>`);
    expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toEqual({
      teamId: DEFAULT_TEAM_ID,
      slackUserId: DAVE.slackUserId,
      userId: 'u15426865866573',
      userName: 'dave',
      orgId: ALICE.orgId,
      linkedBy: ADMIN.slackUserId,
      linkedAt: '2026-11-27T09:00:00.000Z',
    });
    const who = await t.command('whoami', { user_id: DAVE.slackUserId });
    expect(privateTo(who.responseUrlId)[0]).toContain('`dave` (`u15426865866573`, org `o15578227985571`)');
    const list = await t.command('links', { user_id: ADMIN.slackUserId });
    expect(privateTo(list.responseUrlId)[0]).toContain('3 linked users');
    const unlinked = await t.command(`unlink <@${DAVE.slackUserId}>`, { user_id: ADMIN.slackUserId });
    expect(privateTo(unlinked.responseUrlId)[0]).toContain('Unlinked');
    expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toBeUndefined();
  });
});

describe('secrets', () => {
  it('never writes a token, key or signature into a log line or a Slack message', async () => {
    t = await startTestApp();
    await t.command('3377 at 14:00 REPLACE=ddee');
    await t.command('3377 REPLACE=ddee', { user_id: CAROL.slackUserId });
    t.enos.failNext('flows.updateAndTrigger', { kind: 'enos-error', code: 62109 });
    t.clock.advance(120_000);
    await t.command('3377 in 10m');
    const issued = t.enos.requests.flatMap((r) => [
      r.headers['apim-accesstoken'],
      r.headers['apim-signature'],
    ]);
    const secrets = [
      'xoxb-test-bot-token-0123456789',
      'test-signing-secret-0123456789',
      'test-enos-secret-key-0123456789',
      ...issued.filter((v): v is string => typeof v === 'string'),
    ];
    expect(issued.length).toBeGreaterThan(0);
    expect(t.logs.length).toBeGreaterThan(5);
    const slackText = JSON.stringify(t.slack.calls.map((c) => c.args));
    for (const secret of secrets) {
      expect(t.logs.filter((line) => line.includes(secret))).toEqual([]);
      expect(slackText).not.toContain(secret);
    }
  });
});

describe('Slack trouble', () => {
  it('triggers nothing when the parent message cannot be posted, and says so privately', async () => {
    t = await startTestApp();
    t.slack.failNext('chat.postMessage', { status: 500 });
    const res = await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
    const said = privateTo(res.responseUrlId);
    expect(said).toEqual([expect.stringContaining('I could not post the request for flow *3377* in Slack')]);
    expect((await auditRecords())[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'SLACK_UNREACHABLE' },
    });
    // Nothing was started, so the same request may be sent again at once.
    await t.command('3377 REPLACE=ddee');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
  });

  it('tells the caller privately when the thread reply fails after a trigger', async () => {
    t = await startTestApp();
    t.slack.handle('chat.postMessage', (args) =>
      args.thread_ts
        ? { ok: false, error: 'fatal_error' }
        : { channel: args.channel, ts: '1764250000.000100', message: {} },
    );
    const res = await t.command('3377 REPLACE=ddee');
    const instanceId = t.enos.triggers[0]!.instanceId!;
    expect(privateTo(res.responseUrlId)).toEqual([expect.stringContaining(instanceId)]);
  });

  it('uses the default zone when users.info fails, and asks Slack again next time', async () => {
    t = await startTestApp();
    t.slack.failNext('users.info', { status: 500 });
    await t.command('3377 at 14:00');
    expect(t.enos.requestsOf('flows.updateAndTrigger')[0]!.body).toMatchObject({
      triggerTime: Date.UTC(2026, 10, 27, 14, 0),
    });
    expect((await auditRecords())[0]).toMatchObject({ zone: 'UTC' });
    t.clock.advance(120_000);
    await t.command('3377 at 14:00');
    expect(t.enos.requestsOf('flows.updateAndTrigger')[1]!.body).toMatchObject({ triggerTime: BERLIN_14 });
    await t.command('whoami');
    // Cached after the first answer: two lookups in all, not three.
    expect(t.slack.callsOf('users.info')).toHaveLength(2);
  });
});

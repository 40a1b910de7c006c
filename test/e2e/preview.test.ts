// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` is an EnOS system variable that must pass through verbatim
/**
 * `/flow-trigger preview …` end to end (docs/product.md, "Preview (dry run)"): the real app, the fake
 * Slack and EnOS, a real SQLite store. A preview runs the checks and sends nothing; its Trigger
 * button sends exactly the previewed request, for the previewer only, within 15 minutes.
 */
import { PREVIEW_TRIGGER_ACTION } from '../../src/slack/ids';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
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

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

type Block = { type: string; elements?: Array<{ action_id: string; value: string }> };
interface Answer {
  /** The notification text. */
  notification: string;
  /** What the caller reads: every block's text. */
  text: string;
  blocks: Block[];
}

/** Runs `/flow-trigger preview <text>` as `user` and returns what the caller was shown privately. */
async function preview(text: string, user = ALICE.slackUserId): Promise<Answer> {
  const res = await t.command(`preview ${text}`, { user_id: user });
  expect(res.status).toBe(200);
  const [answer, ...more] = t.slack.responsesOf(res.responseUrlId);
  expect(more).toEqual([]);
  const body = answer!.body as Record<string, unknown>;
  expect(body.response_type).toBe('ephemeral');
  return {
    notification: String(body.text),
    text: textOf({ args: body }),
    blocks: (body.blocks ?? []) as Block[],
  };
}

const triggerButton = (answer: Answer) =>
  answer.blocks
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === PREVIEW_TRIGGER_ACTION);

let clicks = 0;
/** Clicks the preview's Trigger as `user`; returns what the clicker was told privately. */
async function clickTrigger(answer: Answer, user = ALICE.slackUserId): Promise<string[]> {
  const button = triggerButton(answer);
  if (!button) throw new Error('no Trigger button on the preview');
  const responseUrlId = `preview-click-${++clicks}`;
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: PREVIEW_TRIGGER_ACTION, value: button.value }],
      channel_id: DEFAULT_CHANNEL_ID,
      response_url: t.slack.responseUrl(responseUrlId),
    }),
  );
  expect(res.status).toBe(200);
  await t.settle();
  return t.slack.responsesOf(responseUrlId).map((r) => textOf({ args: r.body as Record<string, unknown> }));
}

const sentTriggers = () => t.enos.requestsOf('flows.updateAndTrigger');

/** 23:30 on 2026-11-27 in Berlin: 22:30 UTC, already 06:30 on the 28th in Shanghai. */
const BERLIN_2330 = Date.UTC(2026, 10, 27, 22, 30);

describe('a good request', () => {
  it('shows every field privately, sends nothing, keeps the preview; Trigger sends exactly that request', async () => {
    t = await startTestApp({ enosServerZone: 'Asia/Shanghai' });
    t.enos.flow(3377)!.parameters = [
      { key: 'REPLACE', value: 'old' },
      { key: 'DAY', value: '2026-01-01' },
      { key: 'KEEP', value: '${cal_dt}' },
    ];
    const answer = await preview('3377 on 2026-11-27 at 23:30 REPLACE=ddee DAY=${cal_dt} NEW="a b"');
    expect(answer.notification).toBe('Preview of flow 3377: nothing was sent');
    const shown = answer.text;
    expect(shown).toBe(
      [
        ':mag: *Preview* of flow *3377* · daily load. Nothing was sent to EnOS.',
        `*Trigger time:* \`2026-11-27 23:30 Europe/Berlin\` · \`2026-11-27 22:30 UTC\` · epoch ms \`${BERLIN_2330}\``,
        "*${cal_dt}:* `2026-11-27` (the trigger date in the server's zone `Asia/Shanghai`, minus the offset)",
        '*Parameters given:*',
        '• `REPLACE` = `ddee` replaces `old`',
        '• `DAY` = `${cal_dt}` replaces `2026-01-01`',
        '• `NEW` = `a b` (new: the flow has no such parameter)',
        '*Left as the flow has them:*',
        '• `KEEP` = `${cal_dt}`',
        'EnOS user `alice` · The Trigger button sends exactly this request for 15 minutes; it runs every check again.',
      ].join('\n'),
    );
    // Checked as Alice, nothing triggered, nothing posted, no audit record.
    expect(t.enos.requestsOf('flows.get').map((r) => r.query)).toEqual([
      { action: 'get', flowId: '3377', userId: ALICE.userId, orgId: ALICE.orgId },
    ]);
    expect(sentTriggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
    expect(
      await t.store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId: ALICE.slackUserId, limit: 5 }),
    ).toEqual([]);
    // Kept for the button, which carries only its id.
    const id = triggerButton(answer)!.value;
    expect(await t.store.previews.get(DEFAULT_TEAM_ID, id)).toEqual({
      id,
      teamId: DEFAULT_TEAM_ID,
      slackUserId: ALICE.slackUserId,
      channelId: DEFAULT_CHANNEL_ID,
      flowId: 3377,
      when: { kind: 'date', year: 2026, month: 11, day: 27, hour: 23, minute: 30, zone: 'Europe/Berlin' },
      pinnedEpochMs: BERLIN_2330,
      backdated: false,
      parameters: [
        { key: 'REPLACE', value: 'ddee' },
        { key: 'DAY', value: '${cal_dt}' },
        { key: 'NEW', value: 'a b' },
      ],
      createdAt: NOW,
    });

    // Ten minutes later, the explicit time is kept.
    t.clock.advance(10 * 60_000);
    expect(await clickTrigger(answer)).toEqual([]);
    expect(sentTriggers().map((r) => ({ query: r.query, body: r.body }))).toEqual([
      {
        query: { action: 'updateAndTrigger', userId: ALICE.userId, orgId: ALICE.orgId },
        body: {
          flowId: 3377,
          triggerTime: BERLIN_2330,
          parameters: [
            { key: 'REPLACE', value: 'ddee' },
            { key: 'DAY', value: '${cal_dt}' },
            { key: 'NEW', value: 'a b' },
          ],
        },
      },
    ]);
    // Reported like any trigger: a parent message in the channel and the instance in its thread.
    const posts = t.slack.callsOf('chat.postMessage');
    expect(posts.map((p) => p.args.channel)).toEqual([DEFAULT_CHANNEL_ID, DEFAULT_CHANNEL_ID]);
    expect(textOf(posts[1])).toContain(t.enos.triggers[0]!.instanceId!);
    const [record] = await t.store.audit.listRecent(DEFAULT_TEAM_ID, {
      slackUserId: ALICE.slackUserId,
      limit: 5,
    });
    expect(record).toMatchObject({
      outcome: 'triggered',
      source: 'command',
      triggerTime: BERLIN_2330,
      flowId: 3377,
    });
  });

  it('resolves "now" again at the click', async () => {
    t = await startTestApp();
    const answer = await preview('3377 K=v');
    expect(answer.text).toContain(
      `*Trigger time:* \`2026-11-27 10:00 Europe/Berlin\` · \`2026-11-27 09:00 UTC\` · epoch ms \`${NOW}\` (now: resolved again when you click Trigger)`,
    );
    t.clock.advance(5 * 60_000);
    await clickTrigger(answer);
    expect(sentTriggers().map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: NOW + 5 * 60_000, parameters: [{ key: 'K', value: 'v' }] },
    ]);
  });
});

describe('the Trigger button refuses', () => {
  it("another user's click, privately, and triggers nothing", async () => {
    t = await startTestApp();
    const answer = await preview('3377 K=v');
    const told = await clickTrigger(answer, CAROL.slackUserId);
    expect(told).toEqual([
      `:lock: This is <@${ALICE.slackUserId}>’s preview: only they can trigger it from here, so nothing was triggered. ` +
        'To run the same request as yourself, run `/flow-trigger preview …` with it.',
    ]);
    expect(sentTriggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('an expired preview, saying how to redo it', async () => {
    t = await startTestApp();
    const answer = await preview('3377 K=v');
    t.clock.advance(15 * 60_000 + 1);
    expect(await clickTrigger(answer)).toEqual([
      ':hourglass: This preview has expired (a preview’s Trigger button works for 15 minutes), so nothing was ' +
        'triggered. Run `/flow-trigger preview …` again to see the request as it stands now, then click its Trigger.',
    ]);
    expect(sentTriggers()).toEqual([]);
  });

  it('an explicit time that has passed since, rather than back-dating it', async () => {
    t = await startTestApp();
    const answer = await preview('3377 at 10:05');
    t.clock.advance(10 * 60_000);
    const [told] = await clickTrigger(answer);
    expect(told).toMatch(/^:clock3: The time of this preview has passed since/);
    expect(sentTriggers()).toEqual([]);
  });
});

describe('a preview of a refused request', () => {
  it('tells an unlinked caller how to get linked, and asks EnOS nothing', async () => {
    t = await startTestApp();
    const answer = await preview('3377 K=v', DAVE.slackUserId);
    expect(answer.text).toMatch(/^:link: Your Slack account is not linked to an EnOS user yet/);
    expect(t.enos.requestsOf('flows.get')).toEqual([]);
  });

  it('says a non-owner would be refused, names the owners, and offers no Trigger', async () => {
    t = await startTestApp();
    const answer = await preview('3377 K=v', CAROL.slackUserId);
    const shown = answer.text;
    expect(shown).toContain(
      ':no_entry: It would not be triggered. Your EnOS user `carol` is not an owner of flow *3377* · daily load, ' +
        'and only owners may trigger it. Its owners: `alice`, `bob`.',
    );
    expect(triggerButton(answer)).toBeUndefined();
    expect(sentTriggers()).toEqual([]);
  });

  it('says a locked flow would be refused', async () => {
    t = await startTestApp();
    t.enos.flow(3377)!.locked = true;
    const answer = await preview('3377');
    const shown = answer.text;
    expect(shown).toContain(
      ':no_entry: It would not be triggered. Flow *3377* · daily load is locked in EnOS',
    );
    expect(triggerButton(answer)).toBeUndefined();
  });

  it('says a flow that does not exist would be refused', async () => {
    t = await startTestApp();
    const answer = await preview('9999');
    expect(answer.text).toMatch(/^:no_entry: It would not be triggered. Flow \*9999\* was not found/);
  });

  it('explains a time that cannot be triggered', async () => {
    t = await startTestApp();
    const answer = await preview('3377 at 08:00');
    expect(answer.text).toMatch(
      /^:clock3: 08:00 today \(Europe\/Berlin\) has already passed.* Nothing was previewed or triggered\.$/,
    );
  });

  it('answers a usage error in the ack', async () => {
    t = await startTestApp();
    const res = await t.command('preview help');
    expect(textOf({ args: res.json as Record<string, unknown> })).toMatch(
      /^:warning: `help` is not a flow id/,
    );
  });
});

describe('the duplicate guard', () => {
  it('is read, not claimed: a preview then the trigger triggers; a trigger then a preview says so', async () => {
    t = await startTestApp();
    await preview('3377 REPLACE=ddee');
    await t.command('3377 REPLACE=ddee');
    expect(sentTriggers()).toHaveLength(1);
    const answer = await preview('3377 REPLACE=ddee');
    const shown = answer.text;
    expect(shown).toContain(
      ':repeat: You triggered this same request (flow, time and parameters) less than a minute ago (`2026-11-27T09:00:00.000Z`): ' +
        'triggering it now would be refused as a duplicate.',
    );
    // A different parameter is another request.
    const other = await preview('3377 REPLACE=other');
    expect(other.text).not.toContain(':repeat:');
    expect(sentTriggers()).toHaveLength(1);
  });
});

describe('hostile names and values', () => {
  it('stay inert and within limits', async () => {
    const HOSTILE =
      '<!channel> <@U0CAROL01> <https://evil.example|https://enos.example> *bold* `tick`\n> q \u202Eevil';
    t = await startTestApp();
    t.enos.flow(3377)!.flowName = HOSTILE;
    t.enos.flow(3377)!.parameters = [
      { key: 'K', value: HOSTILE },
      ...Array.from({ length: 200 }, (_, i) => ({ key: `P${i}`, value: 'v'.repeat(400) })),
    ];
    const answer = await preview(`3377 K="<!here> *x*" L=${'w'.repeat(1900)}`);
    const raw = JSON.stringify(answer.blocks);
    expect(raw).not.toMatch(/<!channel>|<!here>|<@U0CAROL01>|<https:|\u202E/);
    expect(raw).toContain('‹U+202E›');
    expect(answer.blocks.length).toBeLessThanOrEqual(50);
    expect(triggerButton(answer)).toBeDefined();
  });
});

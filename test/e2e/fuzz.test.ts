/**
 * Random input through the whole HTTP path: signed requests with random command texts and random
 * interactive payloads. The app never answers 5xx, never crashes, and never calls EnOS to trigger
 * for a text the parser refuses. Bounded in count, so the run stays short and repeatable (seeded).
 */
import fc from 'fast-check';
import { parseCommand } from '../../src/core/parse-command';
import { sendInteraction, sendSignedRequest, sendSlashCommand } from '../helpers/slack-requests';
import { ADMIN, ALICE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

/** Pieces of the grammar mixed with Slack's escaping and plain noise, so that many texts get far. */
const piece = fc.oneof(
  fc.constantFrom(
    '3377',
    '9999',
    '0',
    '-1',
    'at',
    '14:00',
    '25:61',
    'tomorrow',
    'now',
    'on',
    '2026-11-30',
    '2026-02-30',
    'in',
    '1h30m',
    '99999h',
    'UTC',
    'Europe/Berlin',
    'Mars/Base',
    'help',
    'whoami',
    'links',
    'link',
    'unlink',
    'status',
    'history',
    'me',
    `<@${ALICE.slackUserId}|alice>`,
    'u123',
    'o456',
    'REPLACE=ddee',
    'K="a b"',
    'K=“x',
    "K='",
    'K=&lt;!channel&gt;',
    '&amp;',
    '<https://x.y|x.y>',
    '${cal_dt}',
    '=',
    '"',
    '\n',
    '\u00a0',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const noise = fc.array(piece, { maxLength: 10 }).map((parts) => parts.join(' '));
/** Mostly well-formed triggers with random values, some of which Slack would have escaped. */
const parameter = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/),
    fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.string({ maxLength: 10 }).map((v) => `"${v}"`),
    ),
  )
  .map(([k, v]) => `${k}=${v}`);
const trigger = fc
  .tuple(
    fc.constantFrom('3377', '9999', '3377'),
    fc.constantFrom(
      '',
      'now',
      'at 14:00',
      'at 09:00',
      'tomorrow 09:00',
      'in 10m',
      'on 2026-11-01 at 00:00',
      'at 14:00 UTC',
    ),
    fc.array(parameter, { maxLength: 4 }),
  )
  .map(([flow, when, params]) => [flow, when, ...params].filter((p) => p !== '').join(' '));
const commandText = fc.oneof(noise, trigger);

it('answers every random command text without a 5xx, and triggers only what parses', async () => {
  const kinds = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      commandText,
      fc.constantFrom(ALICE.slackUserId, ADMIN.slackUserId),
      async (text, user) => {
        const before = t.enos.requestsOf('flows.updateAndTrigger').length;
        const res = await sendSlashCommand(t.baseUrl, SIGNING_SECRET, {
          text,
          user_id: user,
          response_url: t.slack.responseUrl('fuzz'),
        });
        await t.settle();
        expect(res.status).toBe(200);
        const parsed = parseCommand(text);
        const kind = parsed.ok ? parsed.command.kind : 'usage-error';
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        if (!parsed.ok || parsed.command.kind !== 'trigger') {
          expect(t.enos.requestsOf('flows.updateAndTrigger').length).toBe(before);
        }
        // Keep the fake EnOS's "same flow within a minute" rule out of the way of the next run.
        t.clock.advance(61_000);
      },
    ),
    { numRuns: 150, seed: 20261127 },
  );
  expect(t.slack.unhandled).toEqual([]);
  // The generator reaches deep: usage errors, but also real triggers and other commands.
  expect(kinds.get('usage-error')).toBeGreaterThan(10);
  expect(kinds.get('trigger')).toBeGreaterThan(3);
  expect(t.enos.requestsOf('flows.updateAndTrigger').length).toBeGreaterThan(0);
}, 120_000);

/** Any JSON, and payloads shaped like Slack's with random content. */
const payload = fc.oneof(
  fc.jsonValue(),
  fc.record({
    type: fc.constantFrom(
      'block_actions',
      'view_submission',
      'view_closed',
      'shortcut',
      'block_suggestion',
      'x',
    ),
    user: fc.record({ id: fc.constantFrom(ALICE.slackUserId, 'U0NOBODY1'), name: fc.string() }),
    team: fc.record({ id: fc.constant('T0FAKE001') }),
    trigger_id: fc.string(),
    callback_id: fc.string(),
    action_id: fc.string(),
    value: fc.string(),
    actions: fc.array(fc.record({ action_id: fc.string(), block_id: fc.string(), value: fc.string() }), {
      maxLength: 2,
    }),
    view: fc.record({ id: fc.string(), callback_id: fc.string(), private_metadata: fc.string() }),
  }),
);

it('answers random interactive payloads without a 5xx and without calling EnOS to trigger', async () => {
  const before = t.enos.requestsOf('flows.updateAndTrigger').length;
  const samples = fc.sample(payload, { numRuns: 40, seed: 1127 });
  // Concurrently: a payload no listener acknowledges is answered by Bolt after about 3 s.
  const answers = await Promise.all(
    samples.map((p) => sendInteraction(t.baseUrl, SIGNING_SECRET, p as Record<string, unknown>)),
  );
  await t.settle();
  for (const answer of answers) expect(answer.status).toBeLessThan(500);
  expect(t.enos.requestsOf('flows.updateAndTrigger').length).toBe(before);
  const health = await fetch(`${t.baseUrl}/healthz`);
  expect(health.status).toBe(200);
}, 60_000);

it.each(['null', '42', '"text"', '[1,2]'])(
  'answers a signed payload of %s with 400 at once (Bolt would throw on it and hang the request)',
  async (json) => {
    const res = await sendSignedRequest(
      t.baseUrl,
      SIGNING_SECRET,
      `payload=${encodeURIComponent(json)}`,
      'application/x-www-form-urlencoded',
      { timeoutMs: 2000 },
    );
    expect(res.status).toBe(400);
  },
);

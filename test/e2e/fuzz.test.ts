/**
 * Random input through the whole HTTP path: signed requests with random command texts and random
 * interactive payloads. The app never answers 5xx, never crashes, and never calls EnOS to trigger
 * for a text the parser refuses. Bounded in count, so the run stays short and repeatable (seeded).
 */
import fc from 'fast-check';
import { parseCommand } from '../../src/core/parse-command';
import {
  HOME_TRIGGER_ACTION,
  MODAL_ACTION,
  MODAL_BLOCK,
  RUN_ACTION,
  TRIGGER_MODAL_CALLBACK,
  TRIGGER_SHORTCUT_CALLBACK,
} from '../../src/slack/ids';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallbackBody,
  sendInteraction,
  sendSignedRequest,
  sendSlashCommand,
  shortcutPayload,
  slashCommandForm,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { ADMIN, ALICE, DAVE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';

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

/**
 * 10,000 signed requests: each a valid request of one kind (slash command, block actions from a
 * message, the App Home and the form, form submission, options request, shortcut, App Home event)
 * with one field deleted, replaced by random JSON or repeated, or raw noise. All from Dave, who is
 * not linked, so that nothing may reach EnOS. (No listener takes view_closed: each would be Bolt's
 * 404 after 3 s; its shape is checked in intake.test.ts.)
 */
describe('10,000 signed mutants of valid requests', () => {
  type Json = Record<string, unknown>;
  const FORM = 'application/x-www-form-urlencoded';

  const interactiveBases = (): Json[] => {
    const responseUrl = t.slack.responseUrl('mutants');
    const user = { user_id: DAVE.slackUserId };
    const view = { id: 'V0FAKE0001', callback_id: TRIGGER_MODAL_CALLBACK, private_metadata: '{}' };
    return [
      blockActionsPayload({
        ...user,
        actions: [{ action_id: RUN_ACTION.again, value: 'attempt-x' }],
        response_url: responseUrl,
      }),
      blockActionsPayload({
        ...user,
        actions: [{ action_id: HOME_TRIGGER_ACTION }],
        view: { type: 'home', callback_id: '' },
      }),
      blockActionsPayload({
        ...user,
        actions: [
          {
            action_id: MODAL_ACTION.flow,
            block_id: MODAL_BLOCK.flow,
            type: 'external_select',
            selected_option: { value: '3377' },
          },
        ],
        view,
      }),
      viewSubmissionPayload({
        ...user,
        callback_id: TRIGGER_MODAL_CALLBACK,
        values: {},
        private_metadata: '{}',
      }),
      blockSuggestionPayload({
        ...user,
        action_id: MODAL_ACTION.flow,
        block_id: MODAL_BLOCK.flow,
        value: '33',
        view,
      }),
      shortcutPayload({ ...user, callback_id: TRIGGER_SHORTCUT_CALLBACK }),
    ];
  };

  /** Every path to a value in `value`, objects and arrays included. */
  const pathsOf = (value: unknown, prefix: string[] = []): string[][] => {
    if (typeof value !== 'object' || value === null) return [prefix];
    const entries = Object.entries(value as Json);
    return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  };
  const mutate = (base: Json, path: string[], replacement: unknown, remove: boolean): unknown => {
    const copy = structuredClone(base) as Json;
    if (path.length === 0) return replacement;
    let node = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    const last = path[path.length - 1]!;
    if (remove) delete node[last];
    else node[last] = replacement;
    return copy;
  };
  const randomJson = fc.oneof(
    fc.constantFrom(null, 0, -1, 1e308, true, '', 'x', [], {}, [null], { id: null }),
    fc.jsonValue({ maxDepth: 2 }),
  );

  /** One request body and its content type. */
  const request = fc.oneof(
    // An interactive payload, mutated at one place.
    fc
      .tuple(fc.nat(), fc.nat(), randomJson, fc.boolean())
      .map(([b, p, replacement, remove]): [string, string] => {
        const bases = interactiveBases();
        const base = bases[b % bases.length]!;
        const paths = pathsOf(base);
        const mutant = mutate(base, paths[p % paths.length]!, replacement, remove);
        return [`payload=${encodeURIComponent(JSON.stringify(mutant) ?? '')}`, FORM];
      }),
    // A slash command with a field deleted, repeated, or emptied, or its name percent-encoded.
    fc
      .tuple(fc.nat(), fc.constantFrom('delete', 'repeat', 'empty', 'encode'), fc.string({ maxLength: 8 }))
      .map(([f, how, noise]): [string, string] => {
        const form = Object.entries(
          slashCommandForm({
            text: 'help',
            user_id: DAVE.slackUserId,
            response_url: t.slack.responseUrl('mutants'),
          }),
        );
        const i = f % form.length;
        const [key, value] = form[i]!;
        const pairs = form.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
        if (how === 'delete') pairs.splice(i, 1);
        else if (how === 'repeat') pairs.push(`${key}=${encodeURIComponent(noise)}`);
        else if (how === 'empty') pairs[i] = `${key}=`;
        else
          pairs[i] =
            `${[...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}=${encodeURIComponent(value)}`;
        return [pairs.join('&'), FORM];
      }),
    // An Events API body, mutated at one place.
    fc.tuple(fc.nat(), randomJson, fc.boolean()).map(([p, replacement, remove]): [string, string] => {
      const base = eventCallbackBody({
        type: 'app_home_opened',
        user: DAVE.slackUserId,
        tab: 'home',
        channel: 'D0DAVE001',
      });
      const paths = pathsOf(base);
      return [
        JSON.stringify(mutate(base, paths[p % paths.length]!, replacement, remove)) ?? 'null',
        'application/json',
      ];
    }),
    // Noise: any JSON as the payload or the body, any text as the form.
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v): [string, string] => [`payload=${encodeURIComponent(JSON.stringify(v) ?? '')}`, FORM]),
    fc
      .jsonValue({ maxDepth: 3 })
      .map((v): [string, string] => [JSON.stringify(v) ?? 'null', 'application/json']),
    fc.string({ unit: 'binary', maxLength: 64 }).map((v): [string, string] => [v, FORM]),
  );

  it('answers every one without a 5xx and without a wait, calls EnOS for none, and keeps serving', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const before = t.enos.requestsOf('flows.updateAndTrigger').length;
    const samples = fc.sample(request, { numRuns: 10_000, seed: 20261201 });
    const statuses = new Map<number, number>();
    const unanswered: string[] = [];
    const failed: string[] = [];
    // Many at once: the app answers each at once or, for a well-formed request that no listener
    // takes (a mutated action ID), Bolt answers 404 itself after about 3 s; none may go unanswered.
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const [body, type] = samples[next++]!;
        try {
          const answer = await sendSignedRequest(t.baseUrl, SIGNING_SECRET, body, type, {
            timeoutMs: 10_000,
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 500)
            failed.push(`${answer.status}: ${decodeURIComponent(body).slice(0, 1500)}`);
        } catch (error) {
          unanswered.push(`${(error as Error).message}: ${body.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    await t.settle();
    process.off('unhandledRejection', onRejection);

    expect(unanswered).toEqual([]);
    expect(rejections).toEqual([]);
    expect(failed).toEqual([]);
    // Bolt's own 404 after 3 s, for a well-formed request no listener takes (a mutated action ID): rare.
    expect(statuses.get(404) ?? 0).toBeLessThan(200);
    // The mutants reach both sides: refused for their shape, and taken by the listeners.
    expect(statuses.get(400)).toBeGreaterThan(3000);
    expect(statuses.get(200)).toBeGreaterThan(1000);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(before);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    const health = await t.command('help', { user_id: ALICE.slackUserId });
    expect(health.status).toBe(200);
    expect(health.body).toContain('flow-trigger');
  }, 120_000);
});

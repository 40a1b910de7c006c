/**
 * The HTTP intake: every request, whatever its method, path, headers and body, is answered (or
 * dropped) at once, unsigned bodies are refused before they are read, bodies are capped at 1 MB
 * (and the largest form the app can show fits), and a signed payload of the wrong shape is a 400,
 * never a 500 or a 3 s wait. After each group, a normal trigger still works.
 */
import { MODAL_ACTION, MODAL_BLOCK, TRIGGER_MODAL_CALLBACK } from '../../src/slack/ids';
import { MAX_BODY_BYTES } from '../../src/slack/intake/create-intake-listener';
import { changeForm, currentForm, formState } from '../helpers/modal-requests';
import { rawRequest, requestHead } from '../helpers/raw-http';
import {
  blockActionsPayload,
  nowSeconds,
  sendInteraction,
  sendSignedRequest,
  signSlackRequest,
  slashCommandForm,
  viewSubmissionPayload,
} from '../helpers/slack-requests';
import { ALICE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
});

/** Headers that pass the checks made before the body: fresh timestamp, a well-formed signature. */
function signedHeaders(body: string, timestamp = nowSeconds()): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, body),
  };
}

/** A normal trigger end to end: the app still serves after whatever came before. */
let triggers = 0;
async function expectTriggerStillWorks(): Promise<void> {
  const before = t.enos.triggers.length;
  // A new value each time: the same request within a minute would be taken for a duplicate.
  const value = `after-${++triggers}`;
  const res = await t.command(`3377 REPLACE=${value}`);
  expect(res.status).toBe(200);
  expect(t.enos.triggers.slice(before)).toEqual([
    expect.objectContaining({ flowId: 3377, parameters: [{ key: 'REPLACE', value }] }),
  ]);
  // The fake EnOS refuses the same flow twice within a minute.
  t.clock.advance(61_000);
}

describe('every method and path is answered', () => {
  it.each([
    ['POST', '/', 404],
    ['POST', '/healthz', 405],
    ['POST', '/livez', 405],
    ['POST', '/slack/events/', 404],
    ['POST', '/slack/install', 404],
    ['GET', '/slack/events', 405],
    ['DELETE', '/slack/events', 405],
    ['PUT', '/anything', 404],
    ['PATCH', '/', 404],
    ['OPTIONS', '*', 404],
    ['GET', '//evil.example/x', 404],
    ['GET', '/%zz', 404],
    ['GET', '/healthz', 200],
    ['GET', '/healthz?probe=1', 200],
    ['HEAD', '/healthz', 200],
    ['GET', '/livez', 200],
  ])('%s %s answers %i', async (method, path, status) => {
    const body = 'x=1';
    const answer = await rawRequest(
      t.baseUrl,
      requestHead(method, path, { 'Content-Length': body.length, 'Content-Type': 'text/plain' }) + body,
      { untilStatus: true },
    );
    expect(answer.status).toBe(status);
  });

  it('answers garbage, oversized headers and a bad request line with 4xx, and drops half requests', async () => {
    const answers = await Promise.all([
      rawRequest(t.baseUrl, '\u0000\u0001 nonsense\r\n\r\n'),
      rawRequest(t.baseUrl, requestHead('GET', '/healthz', { 'X-Big': 'a'.repeat(20_000) })),
      rawRequest(t.baseUrl, 'GET /healthz HTTP/9.9\r\n\r\n'),
      rawRequest(t.baseUrl, requestHead('POST', '/slack/events', { 'Content-Length': 'abc' })),
      rawRequest(
        t.baseUrl,
        requestHead('POST', '/slack/events', { 'Transfer-Encoding': 'chunked', 'Content-Length': 5 }),
      ),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 431, 400, 400, 400]);
    // Headers cut short, a body cut short, then the client closes its side: Node answers the first
    // (a parse error); the second is dropped or answered, and nothing breaks.
    const half = await Promise.all([
      rawRequest(t.baseUrl, 'POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack-Sig', { abort: true }),
      rawRequest(
        t.baseUrl,
        `${requestHead('POST', '/slack/events', { 'Content-Length': 1000, ...signedHeaders('x'.repeat(1000)) })}x=1`,
        { abort: true },
      ),
    ]);
    expect(half[0]!.status).toBe(400);
    expect([400, 'dropped']).toContain(half[1]!.status ?? 'dropped');
    await expectTriggerStillWorks();
  });
});

describe('signature headers are checked before the body is read', () => {
  // Only the head is sent, announcing 4 MB that never come: the answer must not wait for them.
  const head = (headers: Record<string, string>) =>
    requestHead('POST', '/slack/events', {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': 4 * 1024 * 1024,
      ...headers,
    });

  it.each([
    ['no signature headers', {}],
    ['a signature without a timestamp', { 'X-Slack-Signature': `v0=${'a'.repeat(64)}` }],
    [
      'a malformed signature',
      { 'X-Slack-Signature': 'v1=abc', 'X-Slack-Request-Timestamp': String(nowSeconds()) },
    ],
    [
      'a timestamp ten minutes old',
      {
        'X-Slack-Signature': `v0=${'a'.repeat(64)}`,
        'X-Slack-Request-Timestamp': String(nowSeconds() - 600),
      },
    ],
    [
      'a timestamp ten minutes ahead',
      {
        'X-Slack-Signature': `v0=${'a'.repeat(64)}`,
        'X-Slack-Request-Timestamp': String(nowSeconds() + 600),
      },
    ],
    [
      'a timestamp that is not a number',
      { 'X-Slack-Signature': `v0=${'a'.repeat(64)}`, 'X-Slack-Request-Timestamp': 'soon' },
    ],
  ])('answers 401 to %s and closes the connection', async (_what, headers) => {
    const answer = await rawRequest(t.baseUrl, head(headers));
    expect(answer.status).toBe(401);
    expect(answer.closed).toBe(true);
    expect(answer.text.toLowerCase()).toContain('connection: close');
  });

  it('answers 413 to a declared length over 1 MB before reading it', async () => {
    const answer = await rawRequest(
      t.baseUrl,
      requestHead('POST', '/slack/events', {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': MAX_BODY_BYTES + 1,
        ...signedHeaders(''),
      }),
    );
    expect(answer.status).toBe(413);
    expect(answer.closed).toBe(true);
  });

  it('answers 413 to a chunked body that grows over 1 MB', async () => {
    const chunk = 'a'.repeat(64 * 1024);
    const chunks = Array.from({ length: 17 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const answer = await rawRequest(
      t.baseUrl,
      requestHead('POST', '/slack/events', {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Transfer-Encoding': 'chunked',
        ...signedHeaders('whatever'),
      }) + chunks,
    );
    expect(answer.status).toBe(413);
  });

  it('answers 401 to a complete body whose signature does not match', async () => {
    const body = new URLSearchParams(
      slashCommandForm({ text: '3377', user_id: ALICE.slackUserId }),
    ).toString();
    const res = await sendSignedRequest(
      t.baseUrl,
      SIGNING_SECRET,
      body,
      'application/x-www-form-urlencoded',
      {
        badSignature: true,
      },
    );
    expect(res.status).toBe(401);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(t.enos.triggers.length);
    await expectTriggerStillWorks();
  });
});

describe('a signed payload of the wrong shape is a 400 at once', () => {
  const form = 'application/x-www-form-urlencoded';
  const asForm = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const submission = (view: Record<string, unknown>) => {
    const p = viewSubmissionPayload({
      user_id: ALICE.slackUserId,
      callback_id: TRIGGER_MODAL_CALLBACK,
      values: {},
    });
    return { ...p, view: { ...(p.view as Record<string, unknown>), ...view } };
  };
  const command = slashCommandForm({ text: '3377', user_id: ALICE.slackUserId });

  it.each([
    ['a percent-encoded payload field holding null', '%70ayload=null', form],
    ['a payload of null', 'payload=null', form],
    ['two payload fields', `${asForm({ type: 'shortcut' })}&${asForm({ type: 'shortcut' })}`, form],
    ['a payload that is not JSON', 'payload=%7Bnope', form],
    [
      'a view submission whose private_metadata is a number',
      asForm(submission({ private_metadata: 42 })),
      form,
    ],
    ['a view submission without private_metadata', asForm(submission({ private_metadata: undefined })), form],
    ['a view submission whose state is not an object', asForm(submission({ state: { values: 'x' } })), form],
    [
      'a view closing whose private_metadata is not a string',
      asForm({ ...submission({ private_metadata: { flow: 1 } }), type: 'view_closed' }),
      form,
    ],
    [
      'block actions that also carry an event field (Bolt would read it as an event)',
      asForm({
        ...blockActionsPayload({ user_id: 'U1', actions: [{ action_id: 'run_again' }] }),
        event: 'x',
      }),
      form,
    ],
    [
      'a slash command that also carries an event field',
      new URLSearchParams({ ...command, event: 'x' }).toString(),
      form,
    ],
    [
      'an event whose first authorization is null',
      JSON.stringify({ type: 'event_callback', team_id: 'T1', authorizations: [null], event: { type: 'x' } }),
      'application/json',
    ],
    [
      'an event whose channel is null',
      JSON.stringify({ type: 'event_callback', team_id: 'T1', event: { type: 'x', channel: null } }),
      'application/json',
    ],
    [
      'block actions without actions',
      asForm({ ...blockActionsPayload({ user_id: ALICE.slackUserId, actions: [] }) }),
      form,
    ],
    [
      'block actions without a user',
      asForm({
        ...blockActionsPayload({ user_id: 'U1', actions: [{ action_id: 'run_again' }] }),
        user: null,
      }),
      form,
    ],
    [
      'a payload type Bolt has no listener kind for',
      asForm({ type: 'dialog_submission', user: { id: 'U1' } }),
      form,
    ],
    [
      'a block suggestion without a value',
      asForm({ type: 'block_suggestion', user: { id: 'U1' }, action_id: 'x' }),
      form,
    ],
    [
      'a shortcut without a callback_id',
      asForm({ type: 'shortcut', user: { id: 'U1' }, trigger_id: '1.2.3' }),
      form,
    ],
    ['a slash command without a user', new URLSearchParams({ ...command, user_id: '' }).toString(), form],
    ['a slash command with its text twice', `${new URLSearchParams(command).toString()}&text=again`, form],
    ['a form that is no slash command', 'hello=world', form],
    ['a JSON null', 'null', 'application/json'],
    [
      'an event callback without its event',
      JSON.stringify({ type: 'event_callback', team_id: 'T1' }),
      'application/json',
    ],
    [
      'an app_home_opened event without a user',
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        event: { type: 'app_home_opened', tab: 'home' },
      }),
      'application/json',
    ],
    [
      'an Events API body of an unknown type',
      JSON.stringify({ type: 'app_rate_limited' }),
      'application/json',
    ],
    ['a body that is neither form nor JSON', '<xml/>', 'text/xml'],
  ])('%s', async (_what, body, contentType) => {
    const res = await sendSignedRequest(t.baseUrl, SIGNING_SECRET, body, contentType, { timeoutMs: 2000 });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ ok: false, error: expect.any(String) });
  });

  it('still answers the well-formed requests Bolt answers itself', async () => {
    const check = await sendSignedRequest(t.baseUrl, SIGNING_SECRET, 'ssl_check=1&token=x', form);
    expect(check.status).toBe(200);
    const verification = await sendSignedRequest(
      t.baseUrl,
      SIGNING_SECRET,
      JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }),
      'application/json',
    );
    expect(verification.json).toEqual({ challenge: 'c-123' });
    expect(t.enos.triggers).toHaveLength(t.enos.requestsOf('flows.updateAndTrigger').length);
    await expectTriggerStillWorks();
  });
});

/**
 * Slack encodes payload JSON as PHP does, escaping `/` as `\/` and non-ASCII as `\uXXXX`, and the
 * form percent-encodes it again: the bytes on the wire, for sizing.
 */
function slackJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

it('takes the largest form the app shows: 60 parameters of 3,000 characters, changed, and 3,000 more', async () => {
  // A flow with as many parameters as the form shows, each as long as a text input holds, their
  // values like the paths and dates real parameters hold.
  const value = (i: number, seed: string) =>
    `${seed}${i}/data/warehouse/${'partition=2026-11-27/'.repeat(200)}`.slice(0, 3000);
  t.enos.flow(3377)!.parameters = Array.from({ length: 60 }, (_, i) => ({
    key: `PARAMETER_${i}`,
    value: value(i, 'hdfs://old-'),
  }));
  await t.command('');
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
  const view = currentForm(t);
  const parameters = Object.fromEntries(
    Array.from({ length: 60 }, (_, i) => [`PARAMETER_${i}`, value(i, 's3://new-')]),
  );
  const extra = Array.from({ length: 100 }, (_, i) => `EXTRA_${i}=${'x'.repeat(20)}`)
    .join('\n')
    .slice(0, 3000);
  const values = formState(view, { parameters, extra });
  expect(Object.keys(values).filter((id) => id.startsWith('param:'))).toHaveLength(60);
  const payload = viewSubmissionPayload({
    user_id: ALICE.slackUserId,
    callback_id: TRIGGER_MODAL_CALLBACK,
    values,
    private_metadata: String(view.view.private_metadata ?? ''),
    view_id: view.id,
    hash: view.hash,
  });
  // Slack sends the whole view back, blocks included.
  (payload.view as Record<string, unknown>).blocks = view.view.blocks;
  const body = `payload=${encodeURIComponent(slackJson(payload))}`;
  const bytes = Buffer.byteLength(body);
  expect(bytes).toBeGreaterThan(500_000);
  expect(bytes).toBeLessThan(MAX_BODY_BYTES);

  const res = await sendSignedRequest(t.baseUrl, SIGNING_SECRET, body, 'application/x-www-form-urlencoded');
  await t.settle();
  // The listener read it: more than 50 parameters is the form's own refusal, under the field.
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({
    response_action: 'errors',
    errors: { [MODAL_BLOCK.extra]: expect.any(String) },
  });
  expect(JSON.stringify(res.json)).toContain('50');
});

it('answers a signed interaction Bolt reads', async () => {
  // The shape check lets through what the listeners take: a Run again click on an unknown record.
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: ALICE.slackUserId,
      actions: [{ action_id: 'run_again', value: 'no-such-record' }],
    }),
  );
  expect(res.status).toBe(200);
});

/**
 * Builds and sends requests the way Slack sends them to an app's HTTP endpoint, signed with the v0 scheme
 * (`v0=` + hex HMAC-SHA256 of `v0:${timestamp}:${rawBody}` under the signing secret, in the headers
 * `x-slack-signature` and `x-slack-request-timestamp`).
 *
 * ```ts
 * import { sendSlashCommand, sendInteraction, blockActionsPayload } from '../helpers/slack-requests';
 *
 * const res = await sendSlashCommand(baseUrl, 'secret', { text: 'run nightly', user_id: 'U123',
 *   response_url: fake.responseUrl('cmd-1') });
 * expect(res.status).toBe(200);                       // res.body is the ack text, res.json its JSON if any
 *
 * await sendSlashCommand(baseUrl, 'secret', fields, { retryNum: 1, retryReason: 'http_timeout' });
 * await sendSlashCommand(baseUrl, 'secret', fields, { timestamp: nowSeconds() - 600 });   // stale -> 401
 * await sendSlashCommand(baseUrl, 'secret', fields, { unsigned: true });                  // -> 401
 *
 * await sendInteraction(baseUrl, 'secret', blockActionsPayload({ user_id: 'U123',
 *   actions: [{ action_id: 'cancel_run', value: 'run-1' }] }));
 * await sendInteraction(baseUrl, 'secret', viewSubmissionPayload({ user_id: 'U123', callback_id: 'schedule',
 *   values: { when: { time: { type: 'timepicker', selected_time: '09:30' } } } }));
 * ```
 *
 * `baseUrl` is the app's origin (`http://127.0.0.1:PORT`); requests go to `/slack/events` (Bolt's default
 * endpoint) unless `opts.path` says otherwise. Payload builders fill the fields Bolt routes on, with
 * defaults matching the fake Web API's identity (team `T0FAKE001`, app `A0FAKE001`); each call gets a
 * fresh `trigger_id` unless one is given (the fake accepts a trigger_id once, like Slack).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { findAckViolations } from '../fakes/slack-payload-limits';

/** Defaults matching `startFakeSlackApi()`'s identity. */
export const DEFAULT_TEAM_ID = 'T0FAKE001';
export const DEFAULT_TEAM_DOMAIN = 'fake-team';
export const DEFAULT_APP_ID = 'A0FAKE001';
export const DEFAULT_CHANNEL_ID = 'C0FAKE001';
export const DEFAULT_COMMAND = '/flow-trigger';

/** Options shared by every send function. */
export interface SlackRequestOptions {
  /** Sent as `x-slack-retry-num` (Slack's redelivery counter, 1 on the first retry). */
  retryNum?: number;
  /** Sent as `x-slack-retry-reason`, e.g. `http_timeout`. */
  retryReason?: string;
  /** Request timestamp in Unix seconds (default now). Ten minutes old is stale for Bolt. */
  timestamp?: number;
  /** Sign with a wrong secret (the headers are present but the signature does not verify). */
  badSignature?: boolean;
  /** Send without `x-slack-signature` and `x-slack-request-timestamp`. */
  unsigned?: boolean;
  /** Path on the app (default `/slack/events`). */
  path?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Give up after this long (default 10000 ms). */
  timeoutMs?: number;
}

/** What the app answered. */
export interface SlackHttpResponse {
  status: number;
  /** The response body as text (`''` for a bare `ack()`). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Fields of a slash command. Anything else given is sent as an extra form field. */
export interface SlashCommandFields {
  text: string;
  user_id: string;
  user_name?: string;
  team_id?: string;
  team_domain?: string;
  channel_id?: string;
  channel_name?: string;
  command?: string;
  response_url?: string;
  trigger_id?: string;
  api_app_id?: string;
  enterprise_id?: string;
  [extra: string]: string | undefined;
}

/** Current time in Unix seconds, the unit of `x-slack-request-timestamp`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The `x-slack-signature` value Slack computes: `v0=` + hex HMAC-SHA256 of `v0:${timestamp}:${rawBody}`. */
export function signSlackRequest(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

let triggerCounter = 0;
/** A fresh trigger id in Slack's format (`digits.digits.hex`). */
export function newTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}${triggerCounter}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}

/** The form fields Slack posts for a slash command (all strings, in Slack's order). */
export function slashCommandForm(fields: SlashCommandFields): Record<string, string> {
  const {
    text,
    user_id,
    user_name,
    team_id,
    team_domain,
    channel_id,
    channel_name,
    command,
    response_url,
    trigger_id,
    api_app_id,
    enterprise_id,
    ...extra
  } = fields;
  const form: Record<string, string> = {
    token: 'legacy-verification-token',
    team_id: team_id ?? DEFAULT_TEAM_ID,
    team_domain: team_domain ?? DEFAULT_TEAM_DOMAIN,
    ...(enterprise_id !== undefined ? { enterprise_id } : {}),
    channel_id: channel_id ?? DEFAULT_CHANNEL_ID,
    channel_name: channel_name ?? 'general',
    user_id,
    user_name: user_name ?? user_id.toLowerCase(),
    command: command ?? DEFAULT_COMMAND,
    text,
    api_app_id: api_app_id ?? DEFAULT_APP_ID,
    is_enterprise_install: 'false',
    response_url:
      response_url ??
      `https://hooks.slack.com/commands/${team_id ?? DEFAULT_TEAM_ID}/1/${randomBytes(8).toString('hex')}`,
    trigger_id: trigger_id ?? newTriggerId(),
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) form[key] = value;
  }
  return form;
}

/** Sends a slash command (form-encoded, like Slack). */
export function sendSlashCommand(
  baseUrl: string,
  secret: string,
  fields: SlashCommandFields,
  opts: SlackRequestOptions = {},
): Promise<SlackHttpResponse> {
  const body = new URLSearchParams(slashCommandForm(fields)).toString();
  return sendSignedRequest(baseUrl, secret, body, 'application/x-www-form-urlencoded', opts);
}

/**
 * Sends an interactivity payload (block_actions, view_submission, view_closed, shortcut, message_action)
 * or an options request (block_suggestion): form-encoded as `payload=<json>`, like Slack.
 */
export function sendInteraction(
  baseUrl: string,
  secret: string,
  payload: Record<string, unknown>,
  opts: SlackRequestOptions = {},
): Promise<SlackHttpResponse> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return sendSignedRequest(baseUrl, secret, body, 'application/x-www-form-urlencoded', opts);
}

/** Sends an Events API body (JSON), e.g. from {@link eventCallbackBody}. */
export function sendEvent(
  baseUrl: string,
  secret: string,
  body: Record<string, unknown>,
  opts: SlackRequestOptions = {},
): Promise<SlackHttpResponse> {
  return sendSignedRequest(baseUrl, secret, JSON.stringify(body), 'application/json', opts);
}

/** Sends `rawBody` exactly as given, signed (or not) per `opts`. The building block of the others. */
export function sendSignedRequest(
  baseUrl: string,
  secret: string,
  rawBody: string,
  contentType: string,
  opts: SlackRequestOptions = {},
): Promise<SlackHttpResponse> {
  const timestamp = opts.timestamp ?? nowSeconds();
  const headers: Record<string, string> = {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(rawBody)),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (!opts.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signSlackRequest(
      opts.badSignature ? `${secret}-wrong` : secret,
      timestamp,
      rawBody,
    );
  }
  if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
  Object.assign(headers, opts.headers);

  const url = new URL(opts.path ?? '/slack/events', baseUrl);
  return new Promise((resolve, reject) => {
    // agent: false = one connection per request, closed afterwards: no keep-alive socket holds
    // app.stop() open or leaks past the test.
    const req = request(
      url,
      { method: 'POST', headers, agent: false, timeout: opts.timeoutMs ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const response: SlackHttpResponse = { status: res.statusCode ?? 0, body, headers: res.headers };
          if (body !== '') {
            try {
              response.json = JSON.parse(body);
            } catch {
              // not JSON: `body` has the text
            }
          }
          // Slack refuses an ack body beyond its Block Kit limits: fail the test as loudly.
          const problems = findAckViolations(response.json);
          if (problems.length > 0) {
            reject(new Error(`ack body beyond Slack's limits (invalid_blocks): ${problems.join('; ')}`));
            return;
          }
          resolve(response);
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url.href} within ${opts.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(rawBody);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Payload builders: the fields Slack sends that Bolt (and the app) read. Override anything via `extra`.

interface CommonPayloadFields {
  user_id: string;
  user_name?: string;
  team_id?: string;
  api_app_id?: string;
  trigger_id?: string;
  /** Merged last into the payload: add or override any field. */
  extra?: Record<string, unknown>;
}

function userAndTeam(f: CommonPayloadFields) {
  const teamId = f.team_id ?? DEFAULT_TEAM_ID;
  return {
    team: { id: teamId, domain: DEFAULT_TEAM_DOMAIN },
    user: {
      id: f.user_id,
      username: f.user_name ?? f.user_id.toLowerCase(),
      name: f.user_name ?? f.user_id.toLowerCase(),
      team_id: teamId,
    },
    api_app_id: f.api_app_id ?? DEFAULT_APP_ID,
    token: 'legacy-verification-token',
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** An action in a block_actions payload. `type` defaults to `button`. */
export interface BlockActionInput {
  action_id: string;
  block_id?: string;
  type?: string;
  value?: string;
  selected_option?: { text?: { type: 'plain_text'; text: string }; value: string };
  selected_time?: string;
  selected_date?: string;
  [extra: string]: unknown;
}

/**
 * A `block_actions` payload. Without `view` it comes from a message in `channel_id` (with `message_ts`);
 * with `view` (`{ id, callback_id, private_metadata, ... }`) it comes from a modal or the Home tab.
 */
export function blockActionsPayload(
  f: CommonPayloadFields & {
    actions: BlockActionInput[];
    channel_id?: string;
    message_ts?: string;
    thread_ts?: string;
    response_url?: string;
    view?: Record<string, unknown>;
    state_values?: Record<string, unknown>;
  },
): Record<string, unknown> {
  const actionTs = `${nowSeconds()}.000001`;
  const actions = f.actions.map((a) => ({ block_id: 'block', type: 'button', action_ts: actionTs, ...a }));
  const fromView = f.view !== undefined;
  const channelId = f.channel_id ?? DEFAULT_CHANNEL_ID;
  const messageTs = f.message_ts ?? '1764250000.000100';
  return {
    type: 'block_actions',
    ...userAndTeam(f),
    trigger_id: f.trigger_id ?? newTriggerId(),
    container: fromView
      ? { type: 'view', view_id: f.view?.id ?? 'V0FAKE0001' }
      : { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    ...(fromView
      ? {
          view: {
            id: 'V0FAKE0001',
            type: 'modal',
            hash: '1.abc',
            private_metadata: '',
            state: { values: f.state_values ?? {} },
            ...f.view,
          },
        }
      : {
          channel: { id: channelId, name: 'general' },
          message: {
            type: 'message',
            ts: messageTs,
            text: '',
            ...(f.thread_ts !== undefined ? { thread_ts: f.thread_ts } : {}),
          },
          response_url:
            f.response_url ??
            `https://hooks.slack.com/actions/${f.team_id ?? DEFAULT_TEAM_ID}/1/${randomBytes(8).toString('hex')}`,
          state: { values: f.state_values ?? {} },
        }),
    actions,
    ...f.extra,
  };
}

/** A `view_submission` payload. `values` is `view.state.values` (`{ [block_id]: { [action_id]: {...} } }`). */
export function viewSubmissionPayload(
  f: CommonPayloadFields & {
    callback_id: string;
    values: Record<string, Record<string, unknown>>;
    private_metadata?: string;
    view_id?: string;
    hash?: string;
    /** Present when the modal has `response_url_enabled` inputs: `[{ response_url, channel_id, ... }]`. */
    response_urls?: Record<string, unknown>[];
  },
): Record<string, unknown> {
  const viewId = f.view_id ?? 'V0FAKE0001';
  return {
    type: 'view_submission',
    ...userAndTeam(f),
    trigger_id: f.trigger_id ?? newTriggerId(),
    view: {
      id: viewId,
      team_id: f.team_id ?? DEFAULT_TEAM_ID,
      type: 'modal',
      callback_id: f.callback_id,
      private_metadata: f.private_metadata ?? '',
      hash: f.hash ?? '1764250000.abcdef',
      state: { values: f.values },
      root_view_id: viewId,
      previous_view_id: null,
      app_id: f.api_app_id ?? DEFAULT_APP_ID,
      blocks: [],
    },
    response_urls: f.response_urls ?? [],
    ...f.extra,
  };
}

/** A `view_closed` payload (sent only for modals opened with `notify_on_close: true`). */
export function viewClosedPayload(
  f: CommonPayloadFields & {
    callback_id: string;
    private_metadata?: string;
    view_id?: string;
    is_cleared?: boolean;
  },
): Record<string, unknown> {
  const viewId = f.view_id ?? 'V0FAKE0001';
  return {
    type: 'view_closed',
    ...userAndTeam(f),
    view: {
      id: viewId,
      team_id: f.team_id ?? DEFAULT_TEAM_ID,
      type: 'modal',
      callback_id: f.callback_id,
      private_metadata: f.private_metadata ?? '',
      hash: '1764250000.abcdef',
      state: { values: {} },
      root_view_id: viewId,
      previous_view_id: null,
      app_id: f.api_app_id ?? DEFAULT_APP_ID,
      blocks: [],
    },
    is_cleared: f.is_cleared ?? false,
    ...f.extra,
  };
}

/** A global `shortcut` payload. */
export function shortcutPayload(f: CommonPayloadFields & { callback_id: string }): Record<string, unknown> {
  return {
    type: 'shortcut',
    ...userAndTeam(f),
    callback_id: f.callback_id,
    trigger_id: f.trigger_id ?? newTriggerId(),
    action_ts: `${nowSeconds()}.000001`,
    ...f.extra,
  };
}

/** A message shortcut (`message_action`) payload on a message in `channel_id`. */
export function messageShortcutPayload(
  f: CommonPayloadFields & {
    callback_id: string;
    channel_id?: string;
    message_ts?: string;
    response_url?: string;
  },
): Record<string, unknown> {
  const ts = f.message_ts ?? '1764250000.000100';
  return {
    type: 'message_action',
    ...userAndTeam(f),
    callback_id: f.callback_id,
    trigger_id: f.trigger_id ?? newTriggerId(),
    action_ts: `${nowSeconds()}.000001`,
    message_ts: ts,
    channel: { id: f.channel_id ?? DEFAULT_CHANNEL_ID, name: 'general' },
    message: { type: 'message', ts, text: '' },
    response_url:
      f.response_url ??
      `https://hooks.slack.com/app/${f.team_id ?? DEFAULT_TEAM_ID}/1/${randomBytes(8).toString('hex')}`,
    ...f.extra,
  };
}

/** A `block_suggestion` payload (external_select options request); answer it with `ack({ options })`. */
export function blockSuggestionPayload(
  f: CommonPayloadFields & {
    action_id: string;
    block_id?: string;
    value: string;
    view?: Record<string, unknown>;
  },
): Record<string, unknown> {
  return {
    type: 'block_suggestion',
    ...userAndTeam(f),
    action_id: f.action_id,
    block_id: f.block_id ?? 'block',
    value: f.value,
    container: { type: 'view', view_id: f.view?.id ?? 'V0FAKE0001' },
    view: {
      id: 'V0FAKE0001',
      type: 'modal',
      callback_id: '',
      private_metadata: '',
      state: { values: {} },
      ...f.view,
    },
    ...f.extra,
  };
}

/** An Events API `event_callback` body around `event` (e.g. `{ type: 'app_mention', user, text, channel, ts }`). */
export function eventCallbackBody(
  event: Record<string, unknown>,
  f: {
    team_id?: string;
    api_app_id?: string;
    event_id?: string;
    event_time?: number;
    bot_user_id?: string;
  } = {},
): Record<string, unknown> {
  const teamId = f.team_id ?? DEFAULT_TEAM_ID;
  return {
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: f.api_app_id ?? DEFAULT_APP_ID,
    event: { event_ts: `${nowSeconds()}.000001`, ...event },
    type: 'event_callback',
    event_id: f.event_id ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: f.event_time ?? nowSeconds(),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: f.bot_user_id ?? 'U0BOT0001',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

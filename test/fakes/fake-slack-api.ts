/**
 * A loopback fake of the Slack Web API (the few methods flow-trigger uses) plus a `response_url` sink,
 * for end-to-end tests that drive the real Bolt `App`.
 *
 * ```ts
 * import { App, LogLevel } from '@slack/bolt';
 * import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
 *
 * let fake: FakeSlackApi;
 * let app: App;
 * beforeEach(async () => {
 *   fake = await startFakeSlackApi();                       // must listen BEFORE `new App`: Bolt calls auth.test
 *   fake.addUser({ id: 'U123', name: 'ada', tz: 'Europe/Berlin', email: 'ada@example.com' });
 *   app = new App({
 *     token: 'xoxb-test',
 *     signingSecret: 'secret',
 *     logLevel: LogLevel.ERROR,
 *     clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
 *   });
 *   const server = await app.start({ port: 0, host: '127.0.0.1' }); // HTTPReceiver: resolves with the http.Server
 *   baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
 * });
 * afterEach(async () => {
 *   await app.stop();                                       // stop the app first, then the fake
 *   fake.assertNoUnhandled();
 *   await fake.close();
 * });
 *
 * const call = await fake.waitForCall('chat.postMessage', (c) => c.args.channel === 'C1');
 * expect(call.args.blocks).toEqual([...]);                 // blocks/view/attachments/metadata arrive parsed
 * fake.failNext('chat.postMessage', { error: 'not_in_channel' });
 * fake.failNext('views.open', { status: 429, retryAfterSeconds: 0 });
 * const url = fake.responseUrl('cmd-1');                   // pass as response_url; read with fake.waitForResponse('cmd-1')
 * ```
 *
 * How the requests arrive (@slack/web-api 8):
 * - POST `application/x-www-form-urlencoded`; every non-scalar argument is JSON-stringified into one form
 *   field. The fake parses the known JSON fields back ({@link JSON_FIELDS}); every other value stays the
 *   string it was sent as: `unfurl_links: false` is recorded as `'false'`, numbers as strings.
 * - The token travels in `Authorization: Bearer …` (and also in the body when passed per call, as Bolt
 *   does for `auth.test`). The fake records it in `call.token` and removes `token` from `call.args`.
 * - The `client` Bolt hands to listeners adds `team_id` (the team of the incoming request) to every call.
 *
 * Files: files.getUploadURLExternal answers an upload URL on the fake itself (`/upload/<fileId>`), which
 * records the bytes the client POSTs (multipart, as `filesUploadV2` sends them); files.completeUploadExternal
 * shares them (`not_in_channel` where the bot is not a member) and posts a message in the thread. Both
 * are in `files`; `failNext('upload', …)` fails the POST of the bytes.
 *
 * Failures: Slack's Web API answers HTTP 200 with `{ ok: false, error }` for API errors, 429 with
 * `Retry-After` for rate limits; anything else non-200 becomes a `WebAPIHTTPError` in the client.
 * Every call (also failed ones) is recorded in `calls`. Unknown methods and routes answer
 * `unknown_method` / 404 and land in `unhandled`: call `assertNoUnhandled()` in `afterEach`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHECKED_METHODS, findLimitViolations } from './slack-payload-limits';

/** Arguments of a Web API call as the fake decoded them. */
export type SlackArgs = Record<string, unknown>;

/** An answer of the fake: a Web API result body (`ok` is added as `true` when missing). */
export type SlackResult = Record<string, unknown>;

/** Form fields that @slack/web-api JSON-stringifies and the fake parses back. */
export const JSON_FIELDS: ReadonlySet<string> = new Set([
  'attachments',
  'blocks',
  'metadata',
  'view',
  'unfurls',
  'user_auth_blocks',
  'options',
  'option_groups',
  'inputs',
  'outputs',
]);

/** One recorded request to `/api/<method>`. */
export interface RecordedCall {
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** Decoded arguments, without `token`; JSON fields parsed. */
  args: SlackArgs;
  /** Bearer token from the Authorization header (or the `token` form field), if any. */
  token: string | undefined;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** Content-Type the client sent. */
  contentType: string;
  /** The raw request body, for debugging encodings. */
  rawBody: string;
}

/** One POST received on a `responseUrl(id)`. */
export interface RecordedResponse {
  id: string;
  /** The parsed JSON body (what Bolt's `respond()` sent), or the raw text when it is not JSON. */
  body: unknown;
  at: number;
}

/** A request the fake does not serve. */
export interface UnhandledRequest {
  method: string;
  path: string;
  body: string;
}

/**
 * A scripted failure. `delayMs` may be combined with the others (it delays the failing answer), or used
 * alone to delay an otherwise normal answer.
 * - `{ error }`: HTTP 200 `{ ok: false, error, ...extra }`, seen as `WebAPIPlatformError` (`data.error`).
 * - `{ status: 429, retryAfterSeconds }`: rate limit with `Retry-After` (default 0).
 * - `{ status }` (other): that status with a text body, seen as `WebAPIHTTPError` (`statusCode`).
 * - `{ drop: true }`: the connection is destroyed without an answer, seen as `WebAPIRequestError`.
 */
export type FailureSpec =
  | { error: string; extra?: Record<string, unknown>; delayMs?: number }
  | { status: number; retryAfterSeconds?: number; body?: string; delayMs?: number }
  | { drop: true; delayMs?: number }
  | { delayMs: number };

/** A user known to `users.info`. */
export interface FakeSlackUserInput {
  id: string;
  name: string;
  teamId?: string;
  realName?: string;
  /** IANA zone, e.g. `Europe/Berlin` (default `UTC`). */
  tz?: string;
  is_bot?: boolean;
  email?: string;
  deleted?: boolean;
}

/** A channel known to `conversations.info`. */
export interface FakeSlackChannelInput {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
}

/** A message stored by chat.postMessage (and changed by chat.update / chat.delete). */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: unknown;
  /** The token that posted it. */
  token: string | undefined;
}

/** A view stored by views.open / views.push / views.publish / views.update. */
export interface StoredView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  /** For views.publish: the user whose Home tab shows it. */
  userId?: string;
}

/** Handler for {@link FakeSlackApi.handle}: returns the result body (without `ok`, or with `ok: false`). */
export type MethodHandler = (args: SlackArgs, call: RecordedCall) => SlackResult | Promise<SlackResult>;

/** Identity of the fake workspace and bot, as auth.test reports it. */
export interface FakeSlackApiOptions {
  /** Default `T0FAKE001`. */
  teamId?: string;
  /** Default `Fake Team`. */
  teamName?: string;
  /** Default `fake-team`. */
  teamDomain?: string;
  /** The bot user (`auth.test` `user_id`). Default `U0BOT0001`. */
  botUserId?: string;
  /** Default `flow-trigger`. */
  botUserName?: string;
  /** Default `B0BOT0001`. */
  botId?: string;
  /** Default `A0FAKE001`. */
  appId?: string;
  /** Users known to users.info from the start. */
  users?: FakeSlackUserInput[];
  /** Channels known to conversations.info from the start. */
  channels?: FakeSlackChannelInput[];
  /**
   * Slack accepts a `trigger_id` once: a second views.open/views.push with it answers
   * `expired_trigger_id`. Default true; turn off for tests that replay the same payload on purpose.
   */
  singleUseTriggerIds?: boolean;
  /** User groups known to usergroups.list and usergroups.users.list (the policy file's `@handles`). */
  userGroups?: FakeSlackUserGroupInput[];
}

/** A user group (S…), with its handle (without `@`) and its members. */
export interface FakeSlackUserGroupInput {
  id: string;
  handle: string;
  members: string[];
}

/** The running fake. */
export interface FakeSlackApi {
  /** `http://127.0.0.1:PORT/api/`: give it to Bolt as `clientOptions.slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly port: number;
  /** The identity auth.test reports (options with defaults filled in). */
  readonly identity: Required<
    Omit<FakeSlackApiOptions, 'users' | 'channels' | 'singleUseTriggerIds' | 'userGroups'>
  >;
  /** Every Web API call, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Every POST to a response URL, in arrival order. */
  readonly responses: readonly RecordedResponse[];
  /** Requests for unknown methods or routes. */
  readonly unhandled: readonly UnhandledRequest[];
  /** Messages posted so far, in order (chat.update changes them in place, chat.delete removes them). */
  readonly messages: readonly StoredMessage[];
  /** Views opened/pushed/published, by view id. */
  readonly views: ReadonlyMap<string, StoredView>;
  /** Files uploaded (files.getUploadURLExternal, the upload, files.completeUploadExternal), in order. */
  readonly files: readonly FakeSlackFile[];

  /** Adds (or replaces) a user for users.info. */
  addUser(user: FakeSlackUserInput): void;
  /** Adds (or replaces) a channel for conversations.info. */
  addChannel(channel: FakeSlackChannelInput): void;
  /** chat.postMessage / chat.postEphemeral to this channel answer `not_in_channel` until conversations.join. */
  setBotNotInChannel(channelId: string): void;
  /** Undoes {@link setBotNotInChannel}. */
  setBotInChannel(channelId: string): void;
  /** Every call with this token answers `token_revoked` (auth.test included). */
  revokeToken(token: string): void;
  /**
   * Scripts the next `times` calls of `method` to fail as `failure` describes. Queued failures are used
   * in order. `method` may be `'response_url'` to fail POSTs to response URLs.
   */
  failNext(method: string, failure: FailureSpec, times?: number): void;
  /**
   * Serves `method` with `handler` (replacing the built-in one, or adding an unknown method).
   * Returns a function that removes the handler again.
   */
  handle(method: string, handler: MethodHandler): () => void;

  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[];
  /**
   * Resolves with the first call of `method` (already recorded or future) matching `predicate`.
   * Rejects after `timeoutMs` (default 2000) listing the calls seen so far.
   */
  waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  /** A response URL served by the fake; POSTs to it are recorded under `id` (default: a fresh UUID). */
  responseUrl(id?: string): string;
  /** POSTs received on `responseUrl(id)`. */
  responsesOf(id: string): RecordedResponse[];
  /** Like {@link waitForCall}, for POSTs to `responseUrl(id)`. */
  waitForResponse(
    id: string,
    predicate?: (response: RecordedResponse) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedResponse>;

  /** Throws, listing them, if any request hit an unknown method or route. Use in afterEach. */
  assertNoUnhandled(): void;
  /**
   * Forgets calls, responses, unhandled requests, scripted failures, messages, views, used trigger ids,
   * channel membership and revoked tokens. Keeps identity, users, channels and `handle()` overrides.
   */
  reset(): void;
  /** Stops the server, drops open connections and rejects pending waits. */
  close(): Promise<void>;
}

/**
 * A file of Slack's current upload flow: files.getUploadURLExternal gives an upload URL on the fake
 * itself, the client POSTs the bytes there, and files.completeUploadExternal shares it.
 */
export interface FakeSlackFile {
  id: string;
  filename: string;
  /** The `length` announced to files.getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL (undefined until they arrive). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  completed?: { channel?: string; threadTs?: string; title?: string; initialComment?: string };
}

interface Waiter<T> {
  matches: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const TS_BASE_SECONDS = 1764250000;

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const identity = {
    teamId: options.teamId ?? 'T0FAKE001',
    teamName: options.teamName ?? 'Fake Team',
    teamDomain: options.teamDomain ?? 'fake-team',
    botUserId: options.botUserId ?? 'U0BOT0001',
    botUserName: options.botUserName ?? 'flow-trigger',
    botId: options.botId ?? 'B0BOT0001',
    appId: options.appId ?? 'A0FAKE001',
  };
  const singleUseTriggerIds = options.singleUseTriggerIds ?? true;

  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const unhandled: UnhandledRequest[] = [];
  const messages: StoredMessage[] = [];
  const views = new Map<string, StoredView>();
  const files: FakeSlackFile[] = [];
  const users = new Map<string, FakeSlackUserInput>();
  const channels = new Map<string, FakeSlackChannelInput>();
  const notInChannel = new Set<string>();
  const revokedTokens = new Set<string>();
  const usedTriggerIds = new Set<string>();
  const failures = new Map<string, FailureSpec[]>();
  const overrides = new Map<string, MethodHandler>();
  const callWaiters = new Set<Waiter<RecordedCall>>();
  const responseWaiters = new Set<Waiter<RecordedResponse>>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  let tsCounter = 0;
  let idCounter = 0;
  let closed = false;

  for (const user of options.users ?? []) users.set(user.id, user);
  for (const channel of options.channels ?? []) channels.set(channel.id, channel);

  /** Unique, increasing message timestamps in Slack's `seconds.micros` format. */
  const nextTs = (): string => {
    tsCounter += 1;
    const micros = tsCounter * 100;
    const seconds = TS_BASE_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
  const nextId = (prefix: string): string => {
    idCounter += 1;
    return `${prefix}0FAKE${String(idCounter).padStart(4, '0')}`;
  };
  const nextHash = (): string => `${Date.now()}.${randomUUID().slice(0, 8)}`;

  // The policy file's directory: conversations.list for `#names`, usergroups.* for `@handles`.
  const userGroups = new Map((options.userGroups ?? []).map((group) => [group.id, group]));
  const directoryMethods: Record<string, MethodHandler> = {
    'conversations.list': () => ({
      channels: [...channels.values()]
        .filter((channel) => !channel.is_archived)
        .map((channel) => channelObject(channel, !notInChannel.has(channel.id))),
      response_metadata: { next_cursor: '' },
    }),
    'usergroups.list': () => ({
      usergroups: [...userGroups.values()].map((group) => ({
        id: group.id,
        team_id: identity.teamId,
        handle: group.handle,
        name: group.handle,
        user_count: group.members.length,
      })),
    }),
    'usergroups.users.list': (args) => {
      const group = userGroups.get(str(args.usergroup) ?? '');
      if (!group) return { ok: false, error: 'no_such_subteam' };
      return { users: [...group.members] };
    },
  };

  const builtins: Record<string, MethodHandler> = {
    ...directoryMethods,
    'auth.test': () => ({
      url: `https://${identity.teamDomain}.slack.com/`,
      team: identity.teamName,
      user: identity.botUserName,
      team_id: identity.teamId,
      user_id: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      is_enterprise_install: false,
    }),

    'users.info': (args) => {
      const user = users.get(str(args.user) ?? '');
      if (!user) return { ok: false, error: 'user_not_found' };
      return { user: userObject(user, identity.teamId) };
    },

    'conversations.info': (args) => {
      const id = str(args.channel);
      if (!id) return { ok: false, error: 'channel_not_found' };
      const known = channels.get(id);
      // Unknown ids get a plausible public channel, so tests only configure channels they care about.
      const channel = known ?? { id, name: id.toLowerCase() };
      return { channel: channelObject(channel, !notInChannel.has(id)) };
    },

    'conversations.join': (args) => {
      const id = str(args.channel);
      if (!id) return { ok: false, error: 'channel_not_found' };
      const channel = channels.get(id) ?? { id, name: id.toLowerCase() };
      if (channel.is_archived) return { ok: false, error: 'is_archived' };
      if (channel.is_private) return { ok: false, error: 'method_not_supported_for_channel_type' };
      notInChannel.delete(id);
      return { channel: channelObject(channel, true) };
    },

    'chat.postMessage': (args, call) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
        return { ok: false, error: 'no_text' };
      }
      const message: StoredMessage = {
        channel,
        ts: nextTs(),
        ...(str(args.thread_ts) !== undefined ? { thread_ts: str(args.thread_ts) } : {}),
        ...pickContent(args),
        token: call.token,
      };
      messages.push(message);
      return { channel, ts: message.ts, message: messageObject(message, identity) };
    },

    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!str(args.user)) return { ok: false, error: 'user_not_found' };
      if (notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
        return { ok: false, error: 'no_text' };
      }
      return { message_ts: nextTs() };
    },

    'chat.update': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const message = messages.find((m) => m.channel === channel && m.ts === ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      Object.assign(message, pickContent(args));
      return { channel, ts: message.ts, text: message.text ?? '', message: messageObject(message, identity) };
    },

    'chat.delete': (args) => {
      const channel = str(args.channel);
      const index = messages.findIndex((m) => m.channel === channel && m.ts === str(args.ts));
      if (index < 0) return { ok: false, error: 'message_not_found' };
      const [message] = messages.splice(index, 1);
      return { channel, ts: message?.ts };
    },

    'chat.getPermalink': (args) => {
      const channel = str(args.channel);
      const ts = str(args.message_ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!ts || !messages.some((m) => m.channel === channel && m.ts === ts)) {
        return { ok: false, error: 'message_not_found' };
      }
      return {
        channel,
        permalink: `https://${identity.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
      };
    },

    'views.open': (args) => openView(args),
    'views.push': (args) => openView(args),

    'views.update': (args) => {
      const view = obj(args.view);
      if (!view) return { ok: false, error: 'invalid_arguments' };
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      const stored = viewId
        ? views.get(viewId)
        : [...views.values()].find((v) => externalId !== undefined && v.view.external_id === externalId);
      if (!stored) return { ok: false, error: 'not_found' };
      const hash = str(args.hash);
      if (hash !== undefined && hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
      stored.view = view;
      stored.hash = nextHash();
      return { view: viewObject(stored, identity) };
    },

    'views.publish': (args) => {
      const userId = str(args.user_id);
      const view = obj(args.view);
      if (!userId || !view) return { ok: false, error: 'invalid_arguments' };
      const existing = [...views.values()].find((v) => v.userId === userId);
      const hash = str(args.hash);
      if (existing && hash !== undefined && hash !== existing.hash)
        return { ok: false, error: 'hash_conflict' };
      const stored: StoredView = existing ?? { id: nextId('V'), hash: '', view, userId };
      stored.view = view;
      stored.hash = nextHash();
      views.set(stored.id, stored);
      return { view: viewObject(stored, identity) };
    },
  };

  // -------------------------------------------------------------------------------------------------------
  // File uploads (Slack's current flow, as WebClient.filesUploadV2 drives it)
  Object.assign(builtins, {
    'files.getUploadURLExternal': (args: SlackArgs) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      if (!filename || !Number.isInteger(length) || length < 1)
        return { ok: false, error: 'invalid_arguments' };
      const file: FakeSlackFile = { id: nextId('F'), filename, length };
      files.push(file);
      return { upload_url: `${baseUrl}/upload/${file.id}`, file_id: file.id };
    },
    'files.completeUploadExternal': (args: SlackArgs, call: RecordedCall) => {
      let list: unknown;
      try {
        list = typeof args.files === 'string' ? JSON.parse(args.files) : args.files;
      } catch {
        return { ok: false, error: 'invalid_arguments' };
      }
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const channel = str(args.channel_id);
      if (channel && notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
      const done: FakeSlackFile[] = [];
      for (const entry of list as Array<{ id?: unknown; title?: unknown }>) {
        const file = files.find((f) => f.id === entry.id);
        // Slack completes only what was uploaded, whole.
        if (!file?.bytes || file.bytes.length !== file.length) return { ok: false, error: 'file_not_found' };
        file.completed = {
          ...(channel ? { channel } : {}),
          ...(str(args.thread_ts) ? { threadTs: str(args.thread_ts) } : {}),
          ...(typeof entry.title === 'string' ? { title: entry.title } : {}),
          ...(str(args.initial_comment) ? { initialComment: str(args.initial_comment) } : {}),
        };
        done.push(file);
      }
      if (channel) {
        // Sharing posts a message (in the thread, with thread_ts) that carries the files.
        messages.push({
          channel,
          ts: nextTs(),
          ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts) } : {}),
          text: str(args.initial_comment) ?? '',
          token: call.token,
        });
      }
      return {
        files: done.map((f) => ({ id: f.id, name: f.filename, title: f.completed?.title ?? f.filename })),
      };
    },
  } satisfies Record<string, MethodHandler>);

  /** POST to an upload URL: the bytes of one file, sent as multipart form data by the Web API client. */
  async function serveUpload(fileId: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const file = files.find((f) => f.id === fileId);
    if (req.method !== 'POST' || !file) {
      unhandled.push({ method: req.method ?? '', path: req.url ?? '', body: raw.toString('utf8', 0, 300) });
      res.writeHead(404).end();
      return;
    }
    const failure = takeFailure('upload');
    if (failure && (await applyFailure(failure, req, res))) return;
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      file.bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    } else {
      file.bytes = raw;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${file.bytes.length}`);
  }

  // views.push answers with the pushed view, exactly like views.open.
  function openView(args: SlackArgs): SlackResult {
    const triggerId = str(args.trigger_id);
    const view = obj(args.view);
    if (!triggerId || !view) return { ok: false, error: 'invalid_arguments' };
    if (singleUseTriggerIds && usedTriggerIds.has(triggerId))
      return { ok: false, error: 'expired_trigger_id' };
    usedTriggerIds.add(triggerId);
    const stored: StoredView = { id: nextId('V'), hash: nextHash(), view };
    views.set(stored.id, stored);
    return { view: viewObject(stored, identity) };
  }

  function settle<T>(waiters: Set<Waiter<T>>, item: T): void {
    for (const waiter of waiters) {
      if (waiter.matches(item)) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve(item);
      }
    }
  }

  function takeFailure(key: string): FailureSpec | undefined {
    const queue = failures.get(key);
    const failure = queue?.shift();
    if (queue && queue.length === 0) failures.delete(key);
    return failure;
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });
  }

  /** Applies a scripted failure. Returns true when it answered (or dropped) the request. */
  async function applyFailure(
    failure: FailureSpec,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    if (failure.delayMs !== undefined && failure.delayMs > 0) await delay(failure.delayMs);
    if (res.destroyed) return true;
    if ('drop' in failure) {
      req.socket.destroy();
      return true;
    }
    if ('error' in failure) {
      sendJson(res, 200, { ok: false, error: failure.error, ...failure.extra });
      return true;
    }
    if ('status' in failure) {
      if (failure.status === 429) {
        // The client only honours 429s that carry a numeric Retry-After; it then sleeps that long.
        res.setHeader('Retry-After', String(failure.retryAfterSeconds ?? 0));
        sendJson(res, 429, { ok: false, error: 'ratelimited' });
      } else {
        res.writeHead(failure.status, { 'Content-Type': 'text/plain' });
        res.end(failure.body ?? `fake slack: scripted HTTP ${failure.status}`);
      }
      return true;
    }
    return false; // delay only: answer normally
  }

  async function serveApi(method: string, req: IncomingMessage, res: ServerResponse, rawBody: string) {
    const contentType = req.headers['content-type'] ?? '';
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    const args = { ...decodeForm(query), ...decodeBody(contentType, rawBody) };
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(args.token);
    delete args.token;
    const call: RecordedCall = { method, args, token, at: Date.now(), contentType, rawBody };
    calls.push(call);
    settle(callWaiters, call);

    const failure = takeFailure(method);
    if (failure && (await applyFailure(failure, req, res))) return;

    const handler = overrides.get(method) ?? builtins[method];
    if (!handler) {
      unhandled.push({ method: req.method ?? 'POST', path: req.url ?? '', body: rawBody });
      sendJson(res, 200, { ok: false, error: 'unknown_method', req_method: method });
      return;
    }
    if (token === undefined || token === '') {
      sendJson(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (revokedTokens.has(token)) {
      sendJson(res, 200, { ok: false, error: 'token_revoked' });
      return;
    }
    // --- Slack's Block Kit limits (slack-payload-limits.ts) --------------------------------------
    // Refused as Slack refuses them, and recorded as unhandled so that assertNoUnhandled() fails
    // the test even when the app copes with the refusal.
    const checked = CHECKED_METHODS[method];
    if (checked) {
      const problems = findLimitViolations(checked.kind, checked.field ? args[checked.field] : args);
      if (problems.length > 0) {
        unhandled.push({ method, path: req.url ?? '', body: `invalid_blocks: ${problems.join('; ')}` });
        sendJson(res, 200, { ok: false, error: 'invalid_blocks', errors: problems });
        return;
      }
    }
    // --- end of Block Kit limits --------------------------------------------------------------------
    const result = await handler(args, call);
    sendJson(res, 200, { ok: true, ...result });
  }

  async function serveResponseUrl(id: string, req: IncomingMessage, res: ServerResponse, rawBody: string) {
    if (req.method !== 'POST') {
      unhandled.push({ method: req.method ?? '', path: req.url ?? '', body: rawBody });
      res.writeHead(405).end();
      return;
    }
    let body: unknown = rawBody;
    try {
      body = JSON.parse(rawBody);
    } catch {
      // keep the text: a test asserting on it will show what arrived
    }
    const response: RecordedResponse = { id, body, at: Date.now() };
    responses.push(response);
    settle(responseWaiters, response);
    // --- Slack's Block Kit limits: a response_url message is checked like chat.postMessage ----------
    const problems = findLimitViolations('message', body);
    if (problems.length > 0) {
      unhandled.push({
        method: 'response_url',
        path: req.url ?? '',
        body: `invalid_blocks: ${problems.join('; ')}`,
      });
      sendJson(res, 200, { ok: false, error: 'invalid_blocks', errors: problems });
      return;
    }
    // --- end of Block Kit limits --------------------------------------------------------------------
    const failure = takeFailure('response_url');
    if (failure && (await applyFailure(failure, req, res))) return;
    sendJson(res, 200, { ok: true });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rawBody = raw.toString('utf8');
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const apiMatch = /^\/api\/([\w.]+)$/.exec(path);
      const responseMatch = /^\/response\/([^/]+)$/.exec(path);
      // Upload URLs (files.getUploadURLExternal) receive bytes, not text: served apart.
      const uploadMatch = /^\/upload\/(\w+)$/.exec(path);
      if (uploadMatch?.[1]) {
        serveUpload(uploadMatch[1], req, res, raw).catch((error: unknown) => {
          unhandled.push({
            method: req.method ?? '',
            path: req.url ?? '',
            body: `upload failed: ${String(error)}`,
          });
          if (!res.headersSent && !res.destroyed)
            sendJson(res, 500, { ok: false, error: 'fake_upload_failed' });
        });
        return;
      }
      const work = apiMatch?.[1]
        ? serveApi(apiMatch[1], req, res, rawBody)
        : responseMatch?.[1]
          ? serveResponseUrl(decodeURIComponent(responseMatch[1]), req, res, rawBody)
          : Promise.resolve().then(() => {
              unhandled.push({ method: req.method ?? '', path: req.url ?? '', body: rawBody });
              sendJson(res, 404, { ok: false, error: 'fake_slack_unknown_route' });
            });
      work.catch((error: unknown) => {
        // A throwing custom handler must not crash the test process; it shows up as a 500 and in `unhandled`.
        unhandled.push({
          method: req.method ?? '',
          path: req.url ?? '',
          body: `handler threw: ${String(error)}`,
        });
        if (!res.headersSent && !res.destroyed)
          sendJson(res, 500, { ok: false, error: 'fake_handler_threw' });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  function waitFor<T>(
    waiters: Set<Waiter<T>>,
    existing: readonly T[],
    matches: (item: T) => boolean,
    timeoutMs: number,
    describeTimeout: () => string,
  ): Promise<T> {
    const found = existing.find(matches);
    if (found) return Promise.resolve(found);
    if (closed) return Promise.reject(new Error('fake slack: already closed'));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(describeTimeout()));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  const fake: FakeSlackApi = {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    port,
    identity,
    calls,
    responses,
    unhandled,
    messages,
    views,
    files,

    addUser(user) {
      users.set(user.id, user);
    },
    addChannel(channel) {
      channels.set(channel.id, channel);
    },
    setBotNotInChannel(channelId) {
      notInChannel.add(channelId);
    },
    setBotInChannel(channelId) {
      notInChannel.delete(channelId);
    },
    revokeToken(token) {
      revokedTokens.add(token);
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(failure);
      failures.set(method, queue);
    },
    handle(method, handler) {
      overrides.set(method, handler);
      return () => {
        if (overrides.get(method) === handler) overrides.delete(method);
      };
    },

    callsOf(method) {
      return calls.filter((c) => c.method === method);
    },
    waitForCall(method, predicate = () => true, timeoutMs = 2000) {
      return waitFor(
        callWaiters,
        calls,
        (c) => c.method === method && predicate(c),
        timeoutMs,
        () =>
          `fake slack: no matching ${method} call within ${timeoutMs} ms. Calls seen so far:\n${describeCalls(calls)}`,
      );
    },
    responseUrl(id = randomUUID()) {
      return `${baseUrl}/response/${encodeURIComponent(id)}`;
    },
    responsesOf(id) {
      return responses.filter((r) => r.id === id);
    },
    waitForResponse(id, predicate = () => true, timeoutMs = 2000) {
      return waitFor(
        responseWaiters,
        responses,
        (r) => r.id === id && predicate(r),
        timeoutMs,
        () =>
          `fake slack: no matching POST to response URL "${id}" within ${timeoutMs} ms. ` +
          `Responses seen so far:\n${responses.map((r) => `  ${r.id}: ${JSON.stringify(r.body)}`).join('\n') || '  (none)'}`,
      );
    },

    assertNoUnhandled() {
      if (unhandled.length === 0) return;
      const list = unhandled.map((u) => `  ${u.method} ${u.path} ${truncate(u.body, 300)}`).join('\n');
      throw new Error(`fake slack: ${unhandled.length} unhandled request(s):\n${list}`);
    },
    reset() {
      calls.length = 0;
      responses.length = 0;
      unhandled.length = 0;
      messages.length = 0;
      files.length = 0;
      views.clear();
      failures.clear();
      notInChannel.clear();
      revokedTokens.clear();
      usedTriggerIds.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      for (const waiters of [callWaiters, responseWaiters] as Set<Waiter<unknown>>[]) {
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('fake slack: closed while waiting'));
        }
        waiters.clear();
      }
      // The Web API client keeps connections alive; close() alone would wait for them.
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
  return fake;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

function decodeForm(params: URLSearchParams): SlackArgs {
  const args: SlackArgs = {};
  for (const [key, value] of params) args[key] = decodeField(key, value);
  return args;
}

function decodeBody(contentType: string, rawBody: string): SlackArgs {
  if (rawBody === '') return {};
  if (contentType.includes('application/json')) {
    // JSON bodies (e.g. a hand-rolled fetch) already carry nested values; a stringified field is parsed too.
    const parsed: unknown = JSON.parse(rawBody);
    const args: SlackArgs = {};
    for (const [key, value] of Object.entries(obj(parsed) ?? {})) {
      args[key] = typeof value === 'string' ? decodeField(key, value) : value;
    }
    return args;
  }
  // application/x-www-form-urlencoded is what @slack/web-api sends (multipart only for file uploads).
  return decodeForm(new URLSearchParams(rawBody));
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Result shapes

function userObject(user: FakeSlackUserInput, defaultTeamId: string): SlackResult {
  const tz = user.tz ?? 'UTC';
  const realName = user.realName ?? user.name;
  return {
    id: user.id,
    team_id: user.teamId ?? defaultTeamId,
    name: user.name,
    real_name: realName,
    deleted: user.deleted ?? false,
    is_bot: user.is_bot ?? false,
    is_app_user: false,
    tz,
    tz_label: tz,
    tz_offset: tzOffsetSeconds(tz, new Date()),
    profile: {
      real_name: realName,
      display_name: user.name,
      ...(user.email !== undefined ? { email: user.email } : {}),
    },
  };
}

/** The zone's UTC offset in seconds at `when` (what Slack's `tz_offset` holds for "now"). */
function tzOffsetSeconds(tz: string, when: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(when)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  if (!match) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

function channelObject(channel: FakeSlackChannelInput, isMember: boolean): SlackResult {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.is_private,
    is_group: false,
    is_im: false,
    is_private: channel.is_private ?? false,
    is_archived: channel.is_archived ?? false,
    is_member: isMember,
  };
}

function pickContent(args: SlackArgs): Partial<StoredMessage> {
  const content: Partial<StoredMessage> = {};
  if (args.text !== undefined) content.text = String(args.text);
  if (args.blocks !== undefined) content.blocks = args.blocks;
  if (args.attachments !== undefined) content.attachments = args.attachments;
  if (args.metadata !== undefined) content.metadata = args.metadata;
  return content;
}

function messageObject(
  message: StoredMessage,
  identity: { botUserId: string; botId: string; appId: string; teamId: string },
) {
  return {
    type: 'message',
    user: identity.botUserId,
    bot_id: identity.botId,
    app_id: identity.appId,
    team: identity.teamId,
    ts: message.ts,
    text: message.text ?? '',
    ...(message.thread_ts !== undefined ? { thread_ts: message.thread_ts } : {}),
    ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
    ...(message.attachments !== undefined ? { attachments: message.attachments } : {}),
    ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
  };
}

function viewObject(
  stored: StoredView,
  identity: { teamId: string; appId: string; botId: string },
): SlackResult {
  return {
    ...stored.view,
    id: stored.id,
    hash: stored.hash,
    team_id: identity.teamId,
    app_id: identity.appId,
    bot_id: identity.botId,
    state: { values: {} },
    private_metadata: stored.view.private_metadata ?? '',
    callback_id: stored.view.callback_id ?? '',
    external_id: stored.view.external_id ?? '',
    root_view_id: stored.id,
    previous_view_id: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Small utilities

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeCalls(calls: readonly RecordedCall[]): string {
  if (calls.length === 0) return '  (none)';
  return calls.map((c) => `  ${c.method} ${truncate(JSON.stringify(c.args), 300)}`).join('\n');
}

/**
 * The EnOS simulator: an EnOS API gateway on loopback, for `npm run demo` (with `autoProgress` and
 * the demo's flows, see demo-world.ts) and for the tests of anything that talks to EnOS (the
 * gateway client in src/enos, and end-to-end tests of the Slack app), which import it as
 * test/fakes/fake-enos-gateway.
 *
 * It serves the token service (`token/get`, `token/refresh`), six batch-processing calls
 * (Get Flow, Get My Flow, Update And Trigger Flow, Get Flow Instance, Cancel Flow Instance, List
 * Flow Instances) and
 * the IAM user list (self-linking by email) over an in-memory EnOS, checks every token and
 * signature exactly as docs/enos-api.md §1 defines them, and answers with EnOS's quirks (JSON-encoded `parameters`/`graph`, padded `;`-separated owners,
 * string flowIds in Get My Flow).
 *
 * ```ts
 * import { startFakeEnosGateway } from '../fakes/fake-enos-gateway';
 *
 * const enos = await startFakeEnosGateway();        // accessKey 'fake-access-key', secretKey 'fake-secret-key'
 * enos.addUser({ userId: 'u1', userName: 'alice', orgId: 'o1' });
 * enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: ' alice ; bob ' });
 * const client = createEnosClient({ gatewayUrl: enos.url, accessKey: enos.accessKey, secretKey: enos.secretKey });
 *
 * // … drive the app …
 * expect(enos.triggers).toEqual([
 *   expect.objectContaining({ userId: 'u1', orgId: 'o1', flowId: 3377, triggerTime: 1700000000000,
 *     parameters: [{ key: 'REPLACE', value: 'x' }], code: 0, instanceId: '3377-20231114221320' }),
 * ]);
 * enos.setInstanceStatus('3377-20231114221320', 1);   // SUCCESS, for status polling
 * expect(enos.unhandled).toEqual([]);                  // no call to a route the fake does not know
 * await enos.close();
 * ```
 *
 * Business rules of Update And Trigger (as EnOS): unknown user or org mismatch 62101; unknown
 * flow or bad body 62102; locked user 62105; not an owner (or flow locked) 62103; no tasks 62104;
 * the same flow triggered again within 60 s of the fake's clock 62102. A success creates an
 * instance `<flowId>-<14 digits>` (status 0 INIT) that tests move on with `setInstanceStatus`.
 *
 * Task logs and server time: `setTaskLog(taskInstId, text | null)` for Get Task Instance Log (62109
 * "No log found" for `null`, 62102 for an unknown task), `setTimeZone('GMT+8')` for Get Time Zone,
 * `setClockOffset(ms)` for Get Current Time (the fake's clock plus the offset).
 *
 * Scripted failures: `enos.failNext('flows.updateAndTrigger', { kind: 'http', status: 502 })`
 * makes the next request of that action fail (`times` for more). Kinds: an EnOS error code, an
 * HTTP status, a slow answer, a dropped connection (before or after reading the body), malformed
 * JSON. A scripted failure replaces the answer whatever the request's authentication; with
 * `execute` (and always for `delay` and `drop: 'after-body'`) the call is carried out first, so a
 * trigger creates its instance although the client sees a failure.
 *
 * Tokens: `expireTokens()` / `revokeTokens()` make the gateway refuse the current token on the
 * next call (HTTP 401, `{status: 1203 | 1004, msg}`, inferred). `tokenFetches` counts token
 * requests. Every request is recorded in `requests` (with `signatureValid`), unknown routes in
 * `unhandled` (and answered 404).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../core/ports';
import { FakeEnosAuth } from './simulator-auth';
import {
  FakeEnosLogsAndTime,
  FakeEnosState,
  type FakeEnosTrigger,
  type FakeEnosUser,
  type FakeFlow,
  type FakeFlowInput,
  type FakeFlowInstance,
  type FakeInstanceInput,
  type FakeInstanceTask,
} from './simulator-state';

export type {
  FakeEnosTrigger,
  FakeEnosUser,
  FakeFlow,
  FakeFlowInput,
  FakeFlowInstance,
  FakeInstanceInput,
  FakeInstanceTask,
  RunPlan,
} from './simulator-state';

/** The calls the fake serves, named `<resource>.<action>`. */
export type FakeEnosAction =
  | 'token.get'
  | 'token.refresh'
  | 'flows.get'
  | 'flows.getMyFlow'
  | 'flows.updateAndTrigger'
  | 'flowInstances.get'
  | 'flowInstances.cancel'
  | 'iam.listUsers'
  // Task logs and server time (a failed run's thread, the server's zone and clock).
  | 'taskInstances.getLog'
  | 'time.getTimeZone'
  | 'time.getCurrentTime'
  // Recovery's route, kept apart from the others.
  | 'flowInstances.search';

/** A scripted failure for the next request(s) of one action. */
export type FakeEnosFailure =
  /** Answers HTTP 200 with an EnOS error: `{code, msg, data: null}` (token service: `{status, msg}`). */
  | { kind: 'enos-error'; code: number; msg?: string; echo?: boolean }
  /**
   * Answers this HTTP status with `body` (default an HTML error page). `echo`: the `msg` (or the
   * body) also carries the request's headers and body, as some gateways' error pages do.
   */
  | { kind: 'http'; status: number; body?: string; execute?: boolean; echo?: boolean }
  /** Carries out the call, then answers normally after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Destroys the connection without answering: before reading the body (nothing done) or after carrying out the call. */
  | { kind: 'drop'; when: 'before-body' | 'after-body' }
  /** Answers HTTP 200 with a body that is not JSON (default a truncated envelope). */
  | { kind: 'malformed'; body?: string; execute?: boolean };

/** One request the fake received. */
export interface FakeEnosRequest {
  method: string;
  /** The path as received, including the gateway prefix if any. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** The query string as received, without `?`. */
  rawQuery: string;
  /** The body exactly as received (UTF-8); `''` when dropped before reading. */
  rawBody: string;
  /** The body parsed as JSON, or undefined. */
  body: unknown;
  /** Lower-case header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Undefined for an unknown route. */
  action?: FakeEnosAction;
  /** For batch-processing calls: whether `apim-signature` matches the raw query and body. */
  signatureValid?: boolean;
  /** The fake clock when the request arrived. */
  at: number;
  /** The HTTP status answered, or 'dropped'. Set when the answer is sent. */
  answered?: number | 'dropped';
  /** The body answered. Set when the answer is sent. */
  answerBody?: string;
}

/** Options of {@link startFakeEnosGateway}. */
export interface FakeEnosGatewayOptions {
  /** Default 'fake-access-key'. */
  accessKey?: string;
  /** Default 'fake-secret-key'. */
  secretKey?: string;
  /** Lifetime of issued tokens, default 7200 s (as EnOS). */
  tokenLifetimeSeconds?: number;
  /** Drives token expiry, the 60 s trigger rule and instance ids; `Date.now` by default. */
  clock?: Clock;
  /** Serve under this path prefix (e.g. '/gw'); `url` then includes it. */
  pathPrefix?: string;
  /**
   * Answer the IAM user list in pages of this size, `{list, total}`, read with `pageNo`/`pageSize`
   * (inferred); default: the whole list as a bare array.
   */
  iamPageSize?: number;
  /**
   * Runs move by themselves on `clock` (WAIT → RUNNING → SUCCESS/FAIL, as each flow's `run` plan
   * says): the demo. Off by default: tests move runs with `setInstanceStatus`.
   */
  autoProgress?: boolean;
}

/** A running fake gateway. */
export interface FakeEnosGateway {
  /** Base URL to use as ENOS_API_GATEWAY_URL: `http://127.0.0.1:<port>[prefix]`, no trailing slash. */
  readonly url: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Every request, in arrival order. */
  readonly requests: readonly FakeEnosRequest[];
  /** Requests to routes the fake does not know (answered 404). Tests should assert it is empty. */
  readonly unhandled: readonly FakeEnosRequest[];
  /** Every Update And Trigger that passed authentication, with EnOS's answer code. */
  readonly triggers: readonly FakeEnosTrigger[];
  /** token/get and token/refresh requests received (answered, refused, failed or dropped). */
  readonly tokenFetches: { readonly get: number; readonly refresh: number };
  /** Distinct tokens issued. */
  readonly tokensIssued: number;
  /** Adds or replaces a user. */
  addUser(user: FakeEnosUser): FakeEnosUser;
  /** Adds or replaces a flow (defaults: one task, no parameters, unlocked, no owners). */
  addFlow(flow: FakeFlowInput): FakeFlow;
  /** The stored flow, to change it in place (e.g. `locked = true`). */
  flow(flowId: number): FakeFlow | undefined;
  /** Adds an instance without a trigger call. */
  addInstance(instance: FakeInstanceInput): FakeFlowInstance;
  instance(instanceId: string): FakeFlowInstance | undefined;
  /** Moves an instance to `status`; `tasks` replaces its tasks (missing fields keep theirs). */
  setInstanceStatus(
    instanceId: string,
    status: number,
    tasks?: Array<Partial<FakeInstanceTask>>,
  ): FakeFlowInstance;
  /** Makes the next `times` (default 1) requests of `action` fail as described. */
  failNext(action: FakeEnosAction, failure: FakeEnosFailure, times?: number): void;
  /**
   * Gives task `taskInstId` a log for Get Task Instance Log; `null` makes EnOS answer 62109
   * "No log found". A taskInstId of an instance without a log answers 62109 too; any other, 62102.
   */
  setTaskLog(taskInstId: string, log: string | null): void;
  /** What Get Time Zone answers; default `GMT+0` (the simulator writes its times in UTC), as EnOS spells zones. */
  setTimeZone(timeZone: string): void;
  /** Get Current Time answers the fake's clock plus `ms` (default 0): a server clock that is off. */
  setClockOffset(ms: number): void;
  /** Every issued token expires now: the next call is refused (401, status 1203). */
  expireTokens(): void;
  /** Every issued token becomes unknown: the next call is refused (401, status 1004). */
  revokeTokens(): void;
  /** Requests of one action (convenience over `requests`). */
  requestsOf(action: FakeEnosAction): FakeEnosRequest[];
  /** Resolves with the first request (already received or future) that matches. */
  waitForRequest(
    match: FakeEnosAction | ((r: FakeEnosRequest) => boolean),
    timeoutMs?: number,
  ): Promise<FakeEnosRequest>;
  /** Stops the server, dropping open connections and pending delayed answers. */
  close(): Promise<void>;
}

const ROUTES: Record<string, { method: string; actions: Record<string, FakeEnosAction> } | undefined> = {
  '/apim-token-service/v2.0/token/get': { method: 'POST', actions: { '': 'token.get' } },
  '/apim-token-service/v2.0/token/refresh': { method: 'POST', actions: { '': 'token.refresh' } },
  '/batch-processing-service/v2.1/flows': {
    method: '*',
    actions: {
      'GET get': 'flows.get',
      'GET getMyFlow': 'flows.getMyFlow',
      'POST updateAndTrigger': 'flows.updateAndTrigger',
    },
  },
  '/batch-processing-service/v2.1/flowInstances': {
    method: '*',
    actions: {
      'GET get': 'flowInstances.get',
      'POST cancel': 'flowInstances.cancel',
      // Recovery: List Flow Instances.
      'POST search': 'flowInstances.search',
    },
  },
  '/enos-iam-service/v2.4/open/user/logintime/list': { method: 'GET', actions: { '': 'iam.listUsers' } },
  // Task logs and server time.
  '/batch-processing-service/v2.1/taskInstances': {
    method: '*',
    actions: { 'GET getLog': 'taskInstances.getLog' },
  },
  '/batch-processing-service/v2.1/time': {
    method: '*',
    actions: { 'GET getTimeZone': 'time.getTimeZone', 'GET getCurrentTime': 'time.getCurrentTime' },
  },
};

function routeOf(method: string, path: string, action: string | null): FakeEnosAction | undefined {
  const route = ROUTES[path];
  if (!route) return undefined;
  if (route.method !== '*') return method === route.method ? route.actions[''] : undefined;
  return route.actions[`${method} ${action ?? ''}`];
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Answer {
  status: number;
  body: string;
}

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) });

/** The page asked for: the request's pageNo/pageSize, else the first page of the configured size. */
function iamPaging(query: Record<string, string>, pageSize: number | undefined) {
  if (pageSize === undefined) return {};
  return { pageNo: Number(query.pageNo ?? 1), pageSize: Number(query.pageSize ?? pageSize) };
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeEnosGateway(options: FakeEnosGatewayOptions = {}): Promise<FakeEnosGateway> {
  const clock = options.clock ?? Date.now;
  const iamPageSize = options.iamPageSize;
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const auth = new FakeEnosAuth(
    options.accessKey ?? 'fake-access-key',
    options.secretKey ?? 'fake-secret-key',
    options.tokenLifetimeSeconds ?? 7200,
    clock,
  );
  const state = new FakeEnosState(clock, options.autoProgress === true);
  const logsAndTime = new FakeEnosLogsAndTime(state, clock);
  const requests: FakeEnosRequest[] = [];
  const unhandled: FakeEnosRequest[] = [];
  const scripted = new Map<FakeEnosAction, FakeEnosFailure[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<{
    match: (r: FakeEnosRequest) => boolean;
    resolve: (r: FakeEnosRequest) => void;
  }>();

  function record(r: FakeEnosRequest): void {
    requests.push(r);
    if (r.action === undefined) unhandled.push(r);
    for (const w of waiters) {
      if (w.match(r)) {
        waiters.delete(w);
        w.resolve(r);
      }
    }
  }

  /** The normal answer of an authenticated-or-not call: what the real gateway would do. */
  function execute(action: FakeEnosAction, r: FakeEnosRequest): Answer {
    if (action === 'token.get') return json(200, auth.tokenGet(r.body));
    if (action === 'token.refresh') return json(200, auth.tokenRefresh(r.body));
    const refused = auth.checkCall(r.headers, r.rawQuery, r.rawBody);
    if (refused) return json(refused.httpStatus, refused.body);
    const { userId = '', orgId = '' } = r.query;
    switch (action) {
      case 'flows.get':
        return json(200, state.getFlow(userId, orgId, r.query.flowId));
      case 'flows.getMyFlow':
        return json(200, state.getMyFlows(userId, orgId, r.query.expression));
      case 'flows.updateAndTrigger':
        return json(200, state.updateAndTrigger(userId, orgId, r.body));
      case 'flowInstances.get':
        return json(200, state.getInstance(userId, orgId, r.query.flowInstId));
      case 'flowInstances.cancel':
        return json(200, state.cancelInstance(userId, orgId, r.body));
      case 'iam.listUsers':
        return json(200, state.listOrgUsers(r.query.orgId, iamPaging(r.query, iamPageSize)));
      // Task logs and server time.
      case 'taskInstances.getLog':
        return json(200, logsAndTime.getLog(userId, orgId, r.query.taskInstId, r.query.maxLength));
      case 'time.getTimeZone':
        return json(200, logsAndTime.getTimeZone());
      case 'time.getCurrentTime':
        return json(200, logsAndTime.getCurrentTime());
      // Recovery: List Flow Instances.
      case 'flowInstances.search':
        return json(200, state.listInstances(userId, orgId, r.body));
    }
  }

  function scriptedAnswer(action: FakeEnosAction, failure: FakeEnosFailure, r?: FakeEnosRequest): Answer {
    const echo =
      (failure.kind === 'enos-error' || failure.kind === 'http') && failure.echo && r
        ? ` request: ${JSON.stringify({ headers: r.headers, body: r.rawBody })}`
        : '';
    if (failure.kind === 'enos-error') {
      const msg = (failure.msg ?? `scripted error ${failure.code}`) + echo;
      return action.startsWith('token.')
        ? json(200, { status: failure.code, msg, business: 'apim-token-service' })
        : json(200, { code: failure.code, msg, data: null });
    }
    if (failure.kind === 'http') {
      return {
        status: failure.status,
        body: echo
          ? JSON.stringify({ status: failure.status, error: `Bad Gateway${echo}` })
          : (failure.body ?? `<html><body><h1>${failure.status}</h1></body></html>`),
      };
    }
    return {
      status: 200,
      body: (failure as { body?: string }).body ?? '{"code":0,"msg":"OK","data":{"flowI',
    };
  }

  function send(res: ServerResponse, r: FakeEnosRequest, answer: Answer): void {
    r.answered = answer.status;
    r.answerBody = answer.body;
    const type = answer.body.startsWith('<') ? 'text/html' : 'application/json;charset=UTF-8';
    res.writeHead(answer.status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const inPrefix = prefix === '' || url.pathname.startsWith(`${prefix}/`);
    const servicePath = inPrefix ? url.pathname.slice(prefix.length) : '';
    const action = inPrefix ? routeOf(method, servicePath, url.searchParams.get('action')) : undefined;
    const r: FakeEnosRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery,
      rawBody: '',
      body: undefined,
      headers: req.headers,
      ...(action === undefined ? {} : { action }),
      at: clock(),
    };
    const failure = action ? scripted.get(action)?.shift() : undefined;

    if (failure?.kind === 'drop' && failure.when === 'before-body') {
      r.answered = 'dropped';
      record(r);
      req.socket.destroy();
      return;
    }
    r.rawBody = await readBody(req);
    r.body = parseJson(r.rawBody);
    if (action && !action.startsWith('token.'))
      r.signatureValid = auth.signatureValid(r.headers, rawQuery, r.rawBody);
    record(r);

    if (!action) {
      send(res, r, json(404, { status: 404, error: 'Not Found', path: url.pathname }));
      return;
    }
    if (!failure) {
      send(res, r, execute(action, r));
      return;
    }
    switch (failure.kind) {
      case 'drop':
        execute(action, r);
        r.answered = 'dropped';
        req.socket.destroy();
        return;
      case 'delay': {
        const answer = execute(action, r);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, r, answer);
        }, failure.ms);
        timers.add(timer);
        return;
      }
      case 'http':
      case 'malformed':
        if (failure.execute) execute(action, r);
        send(res, r, scriptedAnswer(action, failure, r));
        return;
      case 'enos-error':
        send(res, r, scriptedAnswer(action, failure, r));
        return;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake EnOS failed: ${String(error)}`);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    accessKey: auth.accessKey,
    secretKey: auth.secretKey,
    requests,
    unhandled,
    triggers: state.triggers,
    get tokenFetches() {
      // Every request counts, scripted failures and refusals included.
      const count = (action: FakeEnosAction) => requests.filter((r) => r.action === action).length;
      return { get: count('token.get'), refresh: count('token.refresh') };
    },
    get tokensIssued() {
      return auth.issued;
    },
    addUser: (user) => state.addUser(user),
    addFlow: (flow) => state.addFlow(flow),
    flow: (flowId) => state.flows.get(flowId),
    addInstance: (instance) => state.addInstance(instance),
    instance: (id) => state.instances.get(id),
    setInstanceStatus: (id, status, tasks) => state.setInstanceStatus(id, status, tasks),
    failNext(action, failure, times = 1) {
      const queue = scripted.get(action) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      scripted.set(action, queue);
    },
    // Task logs and server time.
    setTaskLog: (taskInstId, log) => void logsAndTime.logs.set(taskInstId, log),
    setTimeZone: (timeZone) => {
      logsAndTime.timeZone = timeZone;
    },
    setClockOffset: (ms) => {
      logsAndTime.clockOffsetMs = ms;
    },
    expireTokens: () => auth.expireTokens(),
    revokeTokens: () => auth.revokeTokens(),
    requestsOf: (action) => requests.filter((r) => r.action === action),
    waitForRequest(match, timeoutMs = 2000) {
      const test = typeof match === 'function' ? match : (r: FakeEnosRequest) => r.action === match;
      const seen = requests.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match: test,
          resolve: (r: FakeEnosRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`fake EnOS: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

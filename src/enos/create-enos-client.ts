import type { Logger } from 'pino';
import { EnosApiError } from '../core/errors';
import type { Clock, EnosGateway, TaskLog } from '../core/ports';
import { createEnosCaller } from './create-enos-caller';
import { createEnosHttp } from './enos-http';
import {
  cancelResultSchema,
  currentTimeSchema,
  flowInstanceListSchema,
  flowInstanceSchema,
  flowSchema,
  myFlowsSchema,
  orgUsersSchema,
  taskLogSchema,
  timeZoneSchema,
  triggerResultSchema,
} from './enos-schemas';
import { DEFAULT_RETRY_BACKOFF_MS } from './retry-on-connection-failure';
import { createTokenProvider } from './token-provider';

/** The IAM API's user list (docs/enos-api.md §3.9). */
const IAM_USERS_PATH = 'enos-iam-service/v2.4/open/user/logintime/list';
/** Pages of the user list read at most (a very large organization stops there, incomplete). */
const MAX_USER_PAGES = 50;
/** Get Task Instance Log's code for a task without a log; the same code means other things elsewhere. */
const NO_LOG_CODE = 62109;

/** Options of {@link createEnosClient}. */
export interface EnosClientOptions {
  /** ENOS_API_GATEWAY_URL, e.g. `https://apim-ppe1.envisioniot.com`; a path prefix and trailing slash are fine. */
  gatewayUrl: string;
  /** The EnOS application's access key (the token service's `appKey`). */
  accessKey: string;
  /** The application's secret key: signs every call; never logged. */
  secretKey: string;
  /** TCP/TLS connect timeout, default 5000 ms. */
  connectTimeoutMs?: number;
  /** Time allowed for an answer once a request is sent, default 15000 ms. */
  requestTimeoutMs?: number;
  /** Renew the access token this long before it expires, default 5 minutes. */
  tokenRefreshMarginMs?: number;
  /**
   * Pauses before resending a read (or token request) after a connection failure, one entry per
   * resend, at most two used; default [100, 300]. Writes are never resent.
   */
  retryBackoffMs?: readonly number[];
  /** Time source for token expiry and signatures; `Date.now` by default. */
  clock?: Clock;
  /** Receives one line per call: method, action, flowId, status, duration. Never secrets. */
  logger?: Logger;
}

/** The EnOS batch-processing API over the gateway, plus the connection pool's lifecycle. */
export interface EnosClient extends EnosGateway {
  /** Closes the connection pool; later calls fail with EnosConnectionError ('not-sent'). */
  close(): Promise<void>;
}

/**
 * The EnOS gateway client: documented token scheme and request signing, keep-alive pool with
 * timeouts, typed errors, and answers validated and normalised into core/ports.ts types.
 */
export function createEnosClient(options: EnosClientOptions): EnosClient {
  const clock = options.clock ?? Date.now;
  const retryBackoffMs = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  const logger = options.logger?.child({ component: 'enos' });
  const http = createEnosHttp({
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15000,
  });
  const tokens = createTokenProvider({
    http,
    gatewayUrl: options.gatewayUrl,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    clock,
    refreshMarginMs: options.tokenRefreshMarginMs,
    retryBackoffMs,
    logger,
  });
  let closed = false;
  const call = createEnosCaller({
    http,
    tokens,
    gatewayUrl: options.gatewayUrl,
    secretKey: options.secretKey,
    clock,
    retryBackoffMs,
    logger,
    isClosed: () => closed,
  });

  return {
    getFlow(caller, flowId) {
      return call({
        method: 'GET',
        resource: 'flows',
        action: 'get',
        caller,
        query: [['flowId', String(flowId)]],
        schema: flowSchema,
        idempotent: true,
        flowId,
      });
    },

    getMyFlows(caller, expression) {
      return call({
        method: 'GET',
        resource: 'flows',
        action: 'getMyFlow',
        caller,
        query: expression === undefined || expression === '' ? [] : [['expression', expression]],
        schema: myFlowsSchema,
        idempotent: true,
      });
    },

    updateAndTrigger(caller, request) {
      return call({
        method: 'POST',
        resource: 'flows',
        action: 'updateAndTrigger',
        caller,
        // The documented sample sends `parameters` as an array of {key, value} (one Java sample
        // sends a JSON string); the array it is. Only the instance gets these values.
        body: {
          flowId: request.flowId,
          triggerTime: request.triggerTime,
          parameters: request.parameters.map(({ key, value }) => ({ key, value })),
        },
        schema: triggerResultSchema,
        idempotent: false,
        flowId: request.flowId,
      }).then(({ flowInstanceId }) => ({ flowInstanceId }));
    },

    getFlowInstance(caller, flowInstId) {
      return call({
        method: 'GET',
        resource: 'flowInstances',
        action: 'get',
        caller,
        query: [['flowInstId', flowInstId]],
        schema: flowInstanceSchema,
        idempotent: true,
      });
    },

    async cancelFlowInstance(caller, flowInstId) {
      await call({
        method: 'POST',
        resource: 'flowInstances',
        action: 'cancel',
        caller,
        body: { flowInstId },
        schema: cancelResultSchema,
        idempotent: false,
      });
    },

    async listOrgUsers(orgId) {
      const page = (paging: Array<readonly [string, string]>) =>
        call({
          method: 'GET',
          servicePath: IAM_USERS_PATH,
          query: [['orgId', orgId], ...paging],
          schema: orgUsersSchema,
          idempotent: true,
        });
      const first = await page([]);
      const byId = new Map(first.users.map((u) => [u.id, u]));
      const total = first.total;
      // Pagination is not documented (inferred): when the answer says it holds more users than it
      // lists, the next pages are asked for with pageNo/pageSize, the page size being the first's.
      if (total !== undefined && byId.size < total && first.users.length > 0) {
        for (let pageNo = 2; byId.size < total && pageNo <= MAX_USER_PAGES; pageNo++) {
          const next = await page([
            ['pageNo', String(pageNo)],
            ['pageSize', String(first.users.length)],
          ]);
          const before = byId.size;
          for (const user of next.users) byId.set(user.id, user);
          // A page with nothing new: the API ignores the paging parameters, so stop.
          if (byId.size === before) break;
        }
      }
      const users = [...byId.values()];
      return { users, complete: total === undefined || users.length >= total };
    },

    async getTaskLog(caller, taskInstId, maxLength) {
      try {
        const text = await call({
          method: 'GET',
          resource: 'taskInstances',
          action: 'getLog',
          caller,
          query: [
            ['taskInstId', taskInstId],
            ...(maxLength === undefined ? [] : [['maxLength', String(maxLength)] as const]),
          ],
          schema: taskLogSchema,
          idempotent: true,
        });
        return { kind: 'log', text } satisfies TaskLog;
      } catch (error) {
        // 62109 is also EnOS's "internal error": only its "No log found" means there is none.
        if (
          error instanceof EnosApiError &&
          error.enosCode === NO_LOG_CODE &&
          /no log/i.test(error.enosMessage)
        ) {
          return { kind: 'no-log', message: error.enosMessage } satisfies TaskLog;
        }
        throw error;
      }
    },

    getTimeZone() {
      return call({
        method: 'GET',
        resource: 'time',
        action: 'getTimeZone',
        schema: timeZoneSchema,
        idempotent: true,
      });
    },

    getCurrentTime() {
      return call({
        method: 'GET',
        resource: 'time',
        action: 'getCurrentTime',
        schema: currentTimeSchema,
        idempotent: true,
      });
    },

    listFlowInstances(caller, query) {
      return call({
        method: 'POST',
        resource: 'flowInstances',
        action: 'search',
        caller,
        // `type` is left out: which scheduling type an instance of Update And Trigger carries is not
        // documented, so one search must not depend on it. `expression` narrows to the flow's
        // instance ids (`<flowId>-…`, a fuzzy match: flowId is confirmed on each result). An empty
        // `status` means every status (inferred from the Java sample).
        body: {
          expression: `${query.flowId}-`,
          owner: '',
          fromTriggerTime: query.fromTriggerTime,
          toTriggerTime: query.toTriggerTime,
          status: '',
          pagination: { pageNo: 1, pageSize: 50, sorters: [{ field: 'createTime', order: 'DESC' }] },
        },
        schema: flowInstanceListSchema,
        // A search changes nothing: resending it after a dropped connection is safe.
        idempotent: true,
        flowId: query.flowId,
      }).then((instances) => instances.filter((i) => i.flowId === query.flowId));
    },

    async close() {
      closed = true;
      await http.close();
    },
  };
}

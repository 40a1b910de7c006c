import type { Logger } from 'pino';
import { z } from 'zod';
import {
  EnosAuthError,
  EnosConnectionError,
  EnosMalformedResponseError,
  FlowTriggerError,
} from '../core/errors';
import type { Clock, EnosCaller } from '../core/ports';
import { registerSecret, scrubSecrets } from '../logger';
import { buildGatewayUrl } from './build-gateway-url';
import type { EnosHttp, EnosHttpResponse } from './enos-http';
import { readGatewayAnswer } from './read-gateway-answer';
import { retryOnConnectionFailure } from './retry-on-connection-failure';
import { signedHeaders } from './sign-request';
import type { TokenProvider } from './token-provider';

/** One gateway call: a batch-processing call, or (with `servicePath`) a call to another service. */
export interface EnosCallSpec<T extends z.ZodType> {
  method: 'GET' | 'POST';
  /** A resource under `batch-processing-service/v2.1/`. */
  resource?: 'flows' | 'flowInstances' | 'taskInstances' | 'time';
  /** The whole service path instead of a batch-processing resource, e.g. the IAM user list. */
  servicePath?: string;
  /** The `action` query parameter of batch-processing calls. */
  action?: string;
  /** Adds `userId` and `orgId`; the IAM API takes neither (it runs as the application). */
  caller?: EnosCaller;
  /** Query parameters besides action, userId and orgId. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Serialised once; the same text is signed and sent. */
  body?: unknown;
  /** Validates and normalises `data`. */
  schema: T;
  /**
   * Safe to resend after a broken connection (reads). Never true for calls that change EnOS:
   * a resend of Update And Trigger could run the flow twice.
   */
  idempotent: boolean;
  /** Logged with the call (never the token, signature or secret). */
  flowId?: number;
}

/** Options of {@link createEnosCaller}. */
export interface EnosCallerOptions {
  http: EnosHttp;
  tokens: TokenProvider;
  gatewayUrl: string;
  secretKey: string;
  clock: Clock;
  retryBackoffMs?: readonly number[];
  logger?: Logger;
  /** True once the client is closed: calls fail at once, nothing is sent. */
  isClosed: () => boolean;
}

/** Runs signed batch-processing calls: token, signature, transport, answer, schema. */
export type EnosCall = <T extends z.ZodType>(spec: EnosCallSpec<T>) => Promise<z.output<T>>;

function errorCode(error: unknown): string | undefined {
  return error instanceof FlowTriggerError ? error.code : undefined;
}

/** Builds the function every gateway method goes through. */
export function createEnosCaller(options: EnosCallerOptions): EnosCall {
  const { http, tokens, clock, logger } = options;

  return async function call<T extends z.ZodType>(spec: EnosCallSpec<T>): Promise<z.output<T>> {
    const servicePath = spec.servicePath ?? `batch-processing-service/v2.1/${spec.resource ?? 'flows'}`;
    const what = spec.action === undefined ? servicePath : `${spec.resource}?action=${spec.action}`;
    const query: Array<readonly [string, string]> = [
      ...(spec.action === undefined ? [] : [['action', spec.action] as const]),
      ...(spec.query ?? []),
      ...(spec.caller
        ? [['userId', spec.caller.userId] as const, ['orgId', spec.caller.orgId] as const]
        : []),
    ];
    const url = buildGatewayUrl(options.gatewayUrl, servicePath, query);
    // Serialise once: the signature covers this exact text, and these exact bytes are sent.
    const bodyText = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const bodyBytes = bodyText === undefined ? undefined : Buffer.from(bodyText, 'utf8');
    const logContext = {
      method: spec.method,
      action: what,
      ...(spec.flowId === undefined ? {} : { flowId: spec.flowId }),
    };
    const started = performance.now();

    const sendOnce = async (accessToken: string): Promise<EnosHttpResponse> => {
      if (options.isClosed()) throw new EnosConnectionError('The EnOS client is closed', 'not-sent');
      const timestamp = clock();
      const headers = signedHeaders({
        accessToken,
        secretKey: options.secretKey,
        timestamp,
        query,
        body: bodyText,
      });
      registerSecret(logger, accessToken, 'lasting');
      registerSecret(logger, headers['apim-signature'], 'per-request');
      const response = await http.send({
        method: spec.method,
        url,
        headers: { ...headers },
        body: bodyBytes,
      });
      // Some gateways echo the request in an error body; it goes into errors, logs and (EnOS's
      // `msg`) Slack, so the token and signature are taken out before anything reads it.
      return { ...response, text: scrubSecrets(response.text, [accessToken, headers['apim-signature']]) };
    };

    try {
      for (let tokenAttempt = 1; ; tokenAttempt++) {
        const token = await tokens.getToken();
        const response = spec.idempotent
          ? await retryOnConnectionFailure(
              () => sendOnce(token.value),
              options.retryBackoffMs,
              (error, retry) =>
                logger?.warn(
                  { ...logContext, retry, err: { code: errorCode(error) } },
                  'EnOS call retried after a connection failure',
                ),
            )
          : await sendOnce(token.value);
        const answer = readGatewayAnswer(response, what);
        if (answer.kind === 'token-rejected') {
          tokens.invalidate(token.value);
          // Resending is safe even for Update And Trigger: the gateway checks the token and
          // signature before it forwards a call, so a refused call was not executed. Once only:
          // a second refusal with a brand-new token means the credentials themselves are wrong.
          if (tokenAttempt === 1) {
            logger?.info(
              { ...logContext, status: response.status },
              'EnOS gateway rejected the access token; fetching a new one',
            );
            continue;
          }
          throw new EnosAuthError(
            `The EnOS API gateway refused ${what} twice, with a fresh access token the second time ` +
              `(HTTP ${answer.httpStatus}${answer.gatewayStatus === undefined ? '' : `, status ${answer.gatewayStatus}`}: ` +
              `${answer.message}). Check ENOS_SECRET_KEY (the signature uses it), ENOS_ACCESS_KEY and ENOS_API_GATEWAY_URL.`,
            answer.gatewayStatus ?? answer.httpStatus,
            { cause: answer },
          );
        }
        const parsed = spec.schema.safeParse(answer.data);
        if (!parsed.success) {
          throw new EnosMalformedResponseError(
            `EnOS answered ${what} with data that does not match the documented shape: ${z.prettifyError(parsed.error)}`,
            'maybe-received',
            { cause: parsed.error },
          );
        }
        logger?.info(
          { ...logContext, status: response.status, durationMs: Math.round(performance.now() - started) },
          'EnOS call',
        );
        return parsed.data;
      }
    } catch (error) {
      logger?.warn(
        {
          ...logContext,
          durationMs: Math.round(performance.now() - started),
          err: { code: errorCode(error) },
        },
        'EnOS call failed',
      );
      throw error;
    }
  };
}

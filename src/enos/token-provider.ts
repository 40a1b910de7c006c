import type { Logger } from 'pino';
import {
  EnosAuthError,
  EnosConnectionError,
  EnosHttpError,
  EnosMalformedResponseError,
  EnosTimeoutError,
} from '../core/errors';
import type { Clock } from '../core/ports';
import { registerSecret, scrubSecrets } from '../logger';
import { buildGatewayUrl } from './build-gateway-url';
import type { EnosHttp, EnosHttpResponse } from './enos-http';
import { tokenAnswerSchema } from './enos-schemas';
import { retryOnConnectionFailure } from './retry-on-connection-failure';
import { tokenEncryption } from './token-encryption';

/** A gateway access token. The value is a secret: never log it. */
export interface AccessToken {
  value: string;
  /** Clock time the token request was sent (the lifetime counts from no earlier than that). */
  obtainedAt: number;
  /** Clock time the gateway stops accepting it. */
  expiresAt: number;
  /** Clock time from which the provider renews it before handing it out. */
  refreshAt: number;
}

/** Options of {@link createTokenProvider}. */
export interface TokenProviderOptions {
  http: EnosHttp;
  gatewayUrl: string;
  accessKey: string;
  secretKey: string;
  clock: Clock;
  /** Renew this long before expiry (default 5 minutes). */
  refreshMarginMs?: number;
  /** Pauses before resending a token request after a connection failure. */
  retryBackoffMs?: readonly number[];
  logger?: Logger;
}

/** Fetches, caches and renews the access token shared by every gateway call. */
export interface TokenProvider {
  /** A token valid now; fetched or renewed when needed. Concurrent callers share one request. */
  getToken(): Promise<AccessToken>;
  /** Forgets `token` after the gateway rejected it, so that the next `getToken()` fetches a new one. */
  invalidate(token: string): void;
}

const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Token-service statuses (docs/enos-api.md §1a), with what to check. */
const STATUS_TEXT: Record<number, string> = {
  1001: 'duplicated request (the same encryption was sent twice)',
  1002: 'the appKey does not exist: check ENOS_ACCESS_KEY and ENOS_API_GATEWAY_URL',
  1003: 'the encryption is not valid: check that ENOS_SECRET_KEY belongs to ENOS_ACCESS_KEY',
  1004: 'invalid parameter',
  1005: 'internal error of the token service',
  1202: 'a parameter is empty: check ENOS_ACCESS_KEY and ENOS_SECRET_KEY are set',
  1203: 'the access token has expired',
  1204: 'refreshing the access token failed',
};

/**
 * A failure while getting a token means the business call was never sent: re-label transport
 * errors 'not-sent' (the token request itself may have arrived, but that runs nothing).
 */
function asNotSent(error: unknown): unknown {
  if (error instanceof EnosTimeoutError)
    return new EnosTimeoutError(error.timeoutMs, 'not-sent', { cause: error.cause });
  if (error instanceof EnosConnectionError) {
    return new EnosConnectionError(`Getting an EnOS access token failed: ${error.message}`, 'not-sent', {
      cause: error.cause,
    });
  }
  return error;
}

/**
 * The documented token scheme (docs/enos-api.md §1a): one token for all calls, renewed with
 * `token/refresh` `refreshMarginMs` before expiry, falling back to `token/get` when the refresh is
 * refused. `token/refresh` rather than `token/get` because asking `token/get` again before expiry
 * returns the same, soon-expiring token (inferred).
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { http, accessKey, secretKey, clock, logger } = options;
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let current: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;
  let lastTimestamp = 0;
  /** The encryption of the request just sent: an error body that echoes the request must not show it. */
  let lastEncryption: string | undefined;

  // The token service refuses a repeated encryption (1001), and the encryption depends only on the
  // timestamp: every request gets a strictly newer one, even with a frozen or coarse clock.
  const nextTimestamp = (): number => {
    lastTimestamp = Math.max(clock(), lastTimestamp + 1);
    return lastTimestamp;
  };

  function send(kind: 'get' | 'refresh', tokenToRefresh?: string): Promise<EnosHttpResponse> {
    const url = buildGatewayUrl(options.gatewayUrl, `apim-token-service/v2.0/token/${kind}`);
    // Token requests run nothing, so a resend after a broken connection is harmless; each resend
    // gets a fresh timestamp and encryption.
    return retryOnConnectionFailure(() => {
      const timestamp = nextTimestamp();
      const encryption = tokenEncryption(accessKey, timestamp, secretKey);
      lastEncryption = encryption;
      registerSecret(logger, encryption, 'per-request');
      const body = JSON.stringify({
        appKey: accessKey,
        encryption,
        timestamp,
        ...(tokenToRefresh === undefined ? {} : { accessToken: tokenToRefresh }),
      });
      return http.send({
        method: 'POST',
        url,
        headers: { 'Content-Type': JSON_CONTENT_TYPE },
        body: Buffer.from(body),
      });
    }, options.retryBackoffMs);
  }

  function read(kind: 'get' | 'refresh', response: EnosHttpResponse, sentAt: number): AccessToken {
    const what = `token/${kind}`;
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch (error) {
      if (response.status < 200 || response.status > 299)
        throw new EnosHttpError(response.status, 'not-sent', { cause: error });
      throw new EnosMalformedResponseError(`EnOS ${what} did not answer JSON`, 'not-sent', { cause: error });
    }
    const parsed = tokenAnswerSchema.safeParse(json);
    const isHttpError = response.status < 200 || response.status > 299;
    // An HTTP error counts as a token-service refusal only with a token-service status (1xxx):
    // a proxy's or Spring's error page has a `status` too (404, 502 …).
    if (isHttpError && !(parsed.success && parsed.data.status >= 1000 && parsed.data.status < 1300)) {
      throw new EnosHttpError(response.status, 'not-sent', {
        cause: new Error(`${what}: HTTP ${response.status}: ${response.text.slice(0, 200)}`),
      });
    }
    if (!parsed.success) {
      throw new EnosMalformedResponseError(`EnOS ${what} answered an unexpected shape`, 'not-sent', {
        cause: parsed.error,
      });
    }
    const { status, msg, data } = parsed.data;
    if (status !== 0) {
      const text = STATUS_TEXT[status] ?? 'unknown status';
      throw new EnosAuthError(
        `EnOS ${what} refused: status ${status} (${text}); EnOS said: ${msg ?? ''}`,
        status,
        {
          cause: json,
        },
      );
    }
    if (!data) {
      throw new EnosMalformedResponseError(`EnOS ${what} answered status 0 without a token`, 'not-sent', {
        cause: json,
      });
    }
    const lifetimeMs = data.expire * 1000;
    // A token that lives less than the margin (token/get repeating a nearly expired token) is
    // used for half its remaining life, not refreshed on every call.
    const refreshAfterMs = Math.max(lifetimeMs - margin, lifetimeMs / 2);
    return {
      value: data.accessToken,
      obtainedAt: sentAt,
      expiresAt: sentAt + lifetimeMs,
      refreshAt: sentAt + refreshAfterMs,
    };
  }

  async function request(kind: 'get' | 'refresh', tokenToRefresh?: string): Promise<AccessToken> {
    for (let attempt = 1; ; attempt++) {
      const sentAt = clock();
      let response: EnosHttpResponse;
      try {
        const raw = await send(kind, tokenToRefresh);
        // What the token service answers is logged and shown in errors: scrubbed of what was sent.
        response = { ...raw, text: scrubSecrets(raw.text, [tokenToRefresh, lastEncryption, secretKey]) };
      } catch (error) {
        logger?.warn(
          { action: `token/${kind}`, err: { code: (error as { code?: string }).code } },
          'EnOS token request failed',
        );
        throw asNotSent(error);
      }
      try {
        const token = read(kind, response, sentAt);
        registerSecret(logger, token.value, 'lasting');
        logger?.info(
          {
            action: `token/${kind}`,
            status: response.status,
            expiresInS: Math.round((token.expiresAt - sentAt) / 1000),
          },
          'EnOS access token obtained',
        );
        return token;
      } catch (error) {
        // 1001: another process (a replica with the same appKey) used the same millisecond. A
        // new timestamp makes a new encryption.
        if (error instanceof EnosAuthError && error.status === 1001 && attempt === 1) continue;
        logger?.warn(
          {
            action: `token/${kind}`,
            status: response.status,
            err: { code: (error as { code?: string }).code },
          },
          'EnOS token request refused',
        );
        throw error;
      }
    }
  }

  async function obtain(): Promise<AccessToken> {
    const existing = current;
    if (existing && clock() < existing.expiresAt) {
      try {
        return await request('refresh', existing.value);
      } catch (error) {
        // Refresh refused (1203 expired meanwhile, 1204 failed …): start over with token/get.
        if (!(error instanceof EnosAuthError)) throw error;
      }
    }
    return request('get');
  }

  return {
    getToken() {
      if (current && clock() < current.refreshAt) return Promise.resolve(current);
      if (!inFlight) {
        inFlight = (async () => {
          try {
            current = await obtain();
            return current;
          } finally {
            inFlight = undefined;
          }
        })();
      }
      return inFlight;
    },
    invalidate(token) {
      if (current?.value === token) current = undefined;
    },
  };
}

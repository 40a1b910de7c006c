import { EnosApiError, EnosHttpError, EnosMalformedResponseError } from '../core/errors';
import type { EnosHttpResponse } from './enos-http';

/** A business answer's `data`, or the gateway's refusal of the token or signature. */
export type GatewayAnswer =
  | { kind: 'ok'; data: unknown }
  | {
      kind: 'token-rejected';
      httpStatus: number;
      /** The gateway's own status code (token-service family, e.g. 1203), when it sent one. */
      gatewayStatus?: number;
      message: string;
    };

/**
 * The apim token service's status codes (1001-1005, 1202-1204). How the gateway answers a
 * business call with an expired/invalid token or a bad signature is not documented (inferred):
 * HTTP 401 with a token-service style body `{"status": 1203, "msg": "..."}`, the codes of the
 * "Invoking API with Access Token" page. The client treats any of these as "token rejected".
 */
function isTokenServiceStatus(status: number): boolean {
  return status >= 1000 && status < 1300;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function parseJson(text: string): { json?: unknown; error?: unknown } {
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    return { error };
  }
}

/**
 * Interprets one answer of a batch-processing call (`{"code": 0, "msg": "OK", "data": …}`).
 * Throws `EnosApiError` for `code != 0`, `EnosHttpError` for an HTTP error without a business
 * body, `EnosMalformedResponseError` for a 2xx that is not the envelope.
 *
 * `delivery` of an HTTP error: a 5xx may come from a proxy after EnOS received the call
 * ('maybe-received'); any other status means the gateway refused the call before running it.
 */
export function readGatewayAnswer(response: EnosHttpResponse, what: string): GatewayAnswer {
  const { status, text } = response;
  const { json, error: jsonError } = parseJson(text);
  const body =
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  const code = asNumber(body?.code);
  const gatewayStatus = code === undefined ? asNumber(body?.status) : undefined;
  const msg =
    typeof body?.msg === 'string' ? body.msg : typeof body?.message === 'string' ? body.message : '';

  // Never read a 5xx as a token refusal: a Spring-style error body also has a numeric `status`,
  // and a token refusal leads to a resend.
  if (
    status < 500 &&
    (status === 401 || (gatewayStatus !== undefined && isTokenServiceStatus(gatewayStatus)))
  ) {
    return {
      kind: 'token-rejected',
      httpStatus: status,
      ...(gatewayStatus === undefined ? {} : { gatewayStatus }),
      message: msg || `HTTP ${status}`,
    };
  }
  if (code !== undefined && code !== 0) {
    // The "original" of a business error is EnOS's answer itself.
    throw new EnosApiError(code, msg, { cause: body });
  }
  if (status < 200 || status > 299) {
    const delivery = status >= 500 ? 'maybe-received' : 'not-sent';
    throw new EnosHttpError(status, delivery, {
      cause: new Error(`${what}: HTTP ${status}: ${text.slice(0, 200)}`),
    });
  }
  if (code === undefined) {
    throw new EnosMalformedResponseError(
      `EnOS answered ${what} with HTTP ${status} but not the {code, msg, data} envelope`,
      'maybe-received',
      { cause: jsonError ?? new Error(`body starts with: ${text.slice(0, 200)}`) },
    );
  }
  return { kind: 'ok', data: body?.data };
}

import { type Delivery, EnosConnectionError, EnosTimeoutError } from '../core/errors';

/** What the HTTP layer knew when a request failed without an HTTP answer. */
export interface TransportFailureContext {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** The overall deadline (our own AbortSignal) fired. */
  deadlineExceeded: boolean;
  /** The deadline that fired, for the message. */
  deadlineMs: number;
}

/**
 * Errors raised before a connection exists: the request bytes certainly never left this process.
 * DNS failures, refused or unroutable connections, and TLS handshake failures (certificate
 * problems) all happen before undici writes the request.
 */
const BEFORE_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const HEADERS_OR_BODY_TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The codes of an error, of its cause, and (Node's happy-eyeballs connect) of an AggregateError's parts. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const own = codeOf(error);
  if (own) codes.push(own);
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const c = codeOf(inner);
      if (c) codes.push(c);
    }
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const causeCode = codeOf(cause);
  if (causeCode) codes.push(causeCode);
  return codes;
}

/**
 * Turns an undici/Node failure into the typed error the core understands, deciding `delivery`:
 * only failures that provably happened before the request was written are 'not-sent'. Anything
 * else (a reset after connecting, a headers or body timeout, our own deadline) may have reached
 * EnOS: for Update And Trigger that means "the flow may be running".
 */
export function classifyTransportError(
  error: unknown,
  context: TransportFailureContext,
): EnosTimeoutError | EnosConnectionError {
  const codes = codesOf(error);
  const detail = error instanceof Error ? `${codes[0] ?? error.name}: ${error.message}` : String(error);
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    return new EnosTimeoutError(context.connectTimeoutMs, 'not-sent', { cause: error });
  }
  if (context.deadlineExceeded) {
    return new EnosTimeoutError(context.deadlineMs, 'maybe-received', { cause: error });
  }
  if (codes.some((c) => HEADERS_OR_BODY_TIMEOUT.has(c))) {
    return new EnosTimeoutError(context.requestTimeoutMs, 'maybe-received', { cause: error });
  }
  const delivery: Delivery =
    codes.length > 0 && codes.every((c) => BEFORE_CONNECT.has(c)) ? 'not-sent' : 'maybe-received';
  return new EnosConnectionError(
    delivery === 'not-sent'
      ? `Could not connect to the EnOS API gateway (${detail})`
      : `The connection to the EnOS API gateway broke before an answer arrived (${detail})`,
    delivery,
    { cause: error },
  );
}

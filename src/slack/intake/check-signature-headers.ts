import type { IncomingHttpHeaders } from 'node:http';

/** Slack's own window, and Bolt's: a request older (or, here, newer) than this is a replay. */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

/** `v0=` and a hex HMAC-SHA256: the only scheme Slack signs with. */
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * Why a request cannot be from Slack, judged from its headers alone, or undefined when it may be.
 * Run before any byte of the body is read, so that an unsigned or replayed request costs nothing:
 * the signature itself is verified once the body is in (it covers the body).
 */
export function checkSignatureHeaders(headers: IncomingHttpHeaders, nowMs: number): string | undefined {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  // Node joins a repeated unknown header with ", ", which fails the patterns below too.
  if (typeof signature !== 'string' || typeof timestamp !== 'string')
    return 'missing Slack signature headers';
  if (!SIGNATURE.test(signature)) return 'malformed x-slack-signature';
  if (!TIMESTAMP.test(timestamp)) return 'malformed x-slack-request-timestamp';
  const ageSeconds = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (ageSeconds > MAX_REQUEST_AGE_SECONDS) return 'x-slack-request-timestamp is more than 5 minutes off';
  return undefined;
}

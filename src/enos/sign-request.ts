import { createHash } from 'node:crypto';

/** What one gateway call is signed over (docs/enos-api.md §1b). */
export interface SignRequestInput {
  accessToken: string;
  secretKey: string;
  /** Epoch milliseconds; the same value goes into the `apim-timestamp` header. */
  timestamp: number;
  /**
   * The URL's query parameters as sent. A raw query string (`k3=v3&k1=v1`, with or without `?`) is
   * URL-decoded first, because the gateway signs the decoded values; name/value pairs are taken as
   * they are (already decoded).
   */
  query: string | ReadonlyArray<readonly [string, string]>;
  /** The exact JSON text sent as the body; absent for GET. Must be byte-identical to what is sent. */
  body?: string;
}

/** The `apim-*` and content-type headers of a signed gateway call. */
export interface SignedHeaders {
  'apim-accesstoken': string;
  'apim-signature': string;
  'apim-timestamp': string;
  'Content-Type': string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function queryPairs(query: SignRequestInput['query']): Array<readonly [string, string]> {
  if (typeof query !== 'string') return [...query];
  // URLSearchParams decodes `%xx` (and `+` as a space, the way the gateway's Java URL parser
  // reads a query); the client itself never sends a raw `+`, it percent-encodes everything.
  return [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)];
}

/**
 * `paramsData` of the documented scheme: query names sorted in ASCII order, `name + value` with no
 * separators, then the body text. Sorting by UTF-16 code unit equals ASCII order for ASCII names.
 */
export function buildParamsData(query: SignRequestInput['query'], body?: string): string {
  const pairs = queryPairs(query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([name, value]) => name + value).join('') + (body ?? '');
}

/**
 * The `apim-signature` of a call: lowercase hex SHA-256 of
 * `accessToken + paramsData + timestamp + secretKey` (UTF-8). Method and path are not signed.
 */
export function signRequest(input: SignRequestInput): string {
  const paramsData = buildParamsData(input.query, input.body);
  return sha256Hex(input.accessToken + paramsData + String(input.timestamp) + input.secretKey);
}

/** The headers that authenticate one call; never log them (token and signature are secrets). */
export function signedHeaders(input: SignRequestInput): SignedHeaders {
  return {
    'apim-accesstoken': input.accessToken,
    'apim-signature': signRequest(input),
    'apim-timestamp': String(input.timestamp),
    'Content-Type': 'application/json;charset=UTF-8',
  };
}

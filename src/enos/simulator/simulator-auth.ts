import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/*
 * The gateway's authentication, as the fake implements it: the token service (token/get,
 * token/refresh) and the per-call signature check. Written independently of src/enos (byte-wise
 * sorting, its own decoding) so that a bug in the client's signing is not mirrored here.
 */

/** A token-service style answer: `{status, msg, business, data?}`. */
export interface TokenServiceAnswer {
  status: number;
  msg: string;
  business: 'apim-token-service';
  data?: { accessToken: string; expire: number };
}

/** How the fake gateway refuses a business call (inferred): HTTP 401 with a token-service style body. */
export interface GatewayRefusal {
  httpStatus: 401;
  body: { status: number; msg: string };
}

interface IssuedToken {
  value: string;
  expiresAt: number;
  revoked: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Checks signatures exactly as docs/enos-api.md §1b defines them, from the raw query and raw body. */
export function expectedSignature(
  token: string,
  rawQuery: string,
  rawBody: string,
  timestamp: string,
  secret: string,
): string {
  const pairs = rawQuery === '' ? [] : [...new URLSearchParams(rawQuery)];
  pairs.sort((a, b) => Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8')));
  const paramsData = pairs.map(([name, value]) => `${name}${value}`).join('') + rawBody;
  return sha256(`${token}${paramsData}${timestamp}${secret}`);
}

/** The fake's token service and signature verification. */
export class FakeEnosAuth {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly usedEncryptions = new Set<string>();
  private current: IssuedToken | undefined;
  /** Tokens handed out (a repeated token/get before expiry hands out the same one). */
  issued = 0;

  constructor(
    readonly accessKey: string,
    readonly secretKey: string,
    private readonly lifetimeSeconds: number,
    private readonly clock: () => number,
  ) {}

  private answer(status: number, msg: string, token?: IssuedToken): TokenServiceAnswer {
    const base = { status, msg, business: 'apim-token-service' as const };
    if (!token) return base;
    // `expire` is the remaining lifetime in seconds.
    return {
      ...base,
      data: {
        accessToken: token.value,
        expire: Math.max(0, Math.ceil((token.expiresAt - this.clock()) / 1000)),
      },
    };
  }

  private issue(): IssuedToken {
    const token = {
      value: `fake-token-${randomBytes(12).toString('hex')}`,
      expiresAt: this.clock() + this.lifetimeSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(token.value, token);
    this.current = token;
    this.issued++;
    return token;
  }

  private valid(token: IssuedToken | undefined): token is IssuedToken {
    return token !== undefined && !token.revoked && this.clock() < token.expiresAt;
  }

  /** Status 0 when appKey, timestamp and encryption are right and the encryption is new. */
  private checkEncryption(body: Record<string, unknown>): TokenServiceAnswer | undefined {
    const { appKey, encryption, timestamp } = body;
    if (
      appKey === undefined ||
      appKey === '' ||
      encryption === undefined ||
      encryption === '' ||
      timestamp === undefined
    ) {
      return this.answer(1202, 'The parameter is empty.');
    }
    if (typeof appKey !== 'string' || typeof encryption !== 'string' || typeof timestamp !== 'number') {
      return this.answer(1004, 'Invalid parameter.');
    }
    if (appKey !== this.accessKey) return this.answer(1002, 'The appKey does not exist.');
    if (encryption !== sha256(`${appKey}${timestamp}${this.secretKey}`))
      return this.answer(1003, 'The encryption is not valid.');
    if (this.usedEncryptions.has(encryption))
      return this.answer(1001, 'Repeated requests with duplicated encryption.');
    this.usedEncryptions.add(encryption);
    return undefined;
  }

  tokenGet(body: unknown): TokenServiceAnswer {
    if (typeof body !== 'object' || body === null) return this.answer(1004, 'Invalid parameter.');
    const refused = this.checkEncryption(body as Record<string, unknown>);
    if (refused) return refused;
    // Asking again before expiry returns the same token with its remaining lifetime (inferred).
    const token = this.valid(this.current) ? this.current : this.issue();
    return this.answer(0, 'SUCCESS', token);
  }

  tokenRefresh(body: unknown): TokenServiceAnswer {
    if (typeof body !== 'object' || body === null) return this.answer(1004, 'Invalid parameter.');
    const b = body as Record<string, unknown>;
    if (typeof b.accessToken !== 'string' || b.accessToken === '')
      return this.answer(1202, 'The parameter is empty.');
    const refused = this.checkEncryption(b);
    if (refused) return refused;
    const old = this.tokens.get(b.accessToken);
    if (!old || old.revoked) return this.answer(1204, 'Failed to refresh access token.');
    if (this.clock() >= old.expiresAt) return this.answer(1203, 'The access token has expired.');
    // A new token with a full lifetime; the old one stays valid until its own expiry (inferred).
    return this.answer(0, 'SUCCESS', this.issue());
  }

  /** Makes every issued token expired now. */
  expireTokens(): void {
    const now = this.clock();
    for (const t of this.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** Makes every issued token unknown to the gateway (as after a credentials rotation). */
  revokeTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  /** Whether the headers carry a valid signature for this query and body (token validity aside). */
  signatureValid(headers: IncomingHttpHeaders, rawQuery: string, rawBody: string): boolean {
    const token = headers['apim-accesstoken'];
    const signature = headers['apim-signature'];
    const timestamp = headers['apim-timestamp'];
    if (typeof token !== 'string' || typeof signature !== 'string' || typeof timestamp !== 'string')
      return false;
    return signature === expectedSignature(token, rawQuery, rawBody, timestamp, this.secretKey);
  }

  /**
   * The gateway's check of a business call, undefined when it passes. How the real gateway
   * answers is not documented (inferred): HTTP 401 with `{status, msg}`; 1202 missing header,
   * 1004 unknown or revoked token, 1203 expired token, 1003 wrong signature.
   */
  checkCall(headers: IncomingHttpHeaders, rawQuery: string, rawBody: string): GatewayRefusal | undefined {
    const token = headers['apim-accesstoken'];
    if (
      typeof token !== 'string' ||
      headers['apim-signature'] === undefined ||
      headers['apim-timestamp'] === undefined
    ) {
      return { httpStatus: 401, body: { status: 1202, msg: 'The parameter is empty.' } };
    }
    const issued = this.tokens.get(token);
    if (!issued || issued.revoked)
      return { httpStatus: 401, body: { status: 1004, msg: 'Invalid access token.' } };
    if (this.clock() >= issued.expiresAt)
      return { httpStatus: 401, body: { status: 1203, msg: 'The access token has expired.' } };
    if (!this.signatureValid(headers, rawQuery, rawBody)) {
      return { httpStatus: 401, body: { status: 1003, msg: 'The signature is not valid.' } };
    }
    return undefined;
  }
}

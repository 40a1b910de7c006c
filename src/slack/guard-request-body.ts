import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';

/** Bolt's own default, kept: Slack's payloads are far smaller. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function reply(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}

/** A Slack payload is a JSON object; anything else is not one, whatever the signature says. */
function isObjectPayload(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    // Not JSON at all: Bolt answers that with 400 itself.
    return true;
  }
}

/** Whether Bolt can read this body without throwing. */
function isReadable(req: IncomingMessage, body: Buffer): boolean {
  const text = body.toString('utf8');
  const type = req.headers['content-type'];
  if (type === 'application/x-www-form-urlencoded') {
    // Slash commands (most requests) carry no payload field: nothing to check, and no second parse
    // of the form on the ack path. `=` and `&` inside a value arrive encoded, so this finds only the field.
    if (!text.startsWith('payload=') && !text.includes('&payload=')) return true;
    const { payload } = parse(text);
    return typeof payload !== 'string' || isObjectPayload(payload);
  }
  return text === '' || isObjectPayload(text);
}

/**
 * Bolt's HTTP receiver reads `body.ssl_check` from whatever the payload parses to, so a JSON
 * `null` (or a number) as the payload throws inside its request handler: the request hangs and
 * the rejection goes unhandled. This reads the body first (Bolt reuses `req.rawBody`), answers 400
 * to a body Bolt cannot read, and hands everything else to Bolt unchanged, signature check included.
 */
export function guardRequestBody(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method !== 'POST') {
      listener(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        reply(res, 413);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => reply(res, 400));
    req.on('end', () => {
      if (size > BODY_LIMIT_BYTES) return;
      const body = Buffer.concat(chunks);
      if (!isReadable(req, body)) {
        reply(res, 400);
        return;
      }
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      listener(req, res);
    });
  };
}

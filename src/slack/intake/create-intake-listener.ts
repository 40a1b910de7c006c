import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { verifySlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Health } from '../../create-health-check';
import { checkSignatureHeaders } from './check-signature-headers';
import { checkSlackBody } from './check-slack-body';

/** Slack's payloads are far smaller: the largest form submission is about 200 KB (test/e2e/intake.test.ts). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Bodies being read at once, all requests together: beyond it a request is refused (503) instead
 * of buffered, so that many slow senders with plausible headers cannot grow memory without bound.
 */
export const MAX_BUFFERED_BYTES = 32 * MAX_BODY_BYTES;

export interface IntakeOptions {
  /** HTTP mode: where Slack posts. Absent in Socket Mode, where events come over the socket. */
  slack?: {
    path: string;
    signingSecret: string;
    /** Bolt's receiver: gets only signed, complete, well-shaped bodies, in `req.rawBody`. */
    listener: RequestListener;
  };
  health: () => Promise<Health>;
  logger: Logger;
  /** Wall-clock time for the timestamp check (Slack's clock, not a test clock). */
  now?: () => number;
}

type Refusal = 400 | 401 | 404 | 405 | 413 | 500 | 503;

/**
 * Answers with a status and a short JSON reason. `Connection: close` because the body may not
 * have been read: Node then closes the socket after the answer instead of reading the rest of a
 * (possibly slow, possibly huge) body to keep the connection alive.
 */
function refuse(
  res: ServerResponse,
  status: Refusal,
  error: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ ok: false, error });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * The app's whole HTTP surface, in front of Bolt: every request, whatever its method, path,
 * headers or body, is answered or dropped here, and nothing scoped to one request can throw out of
 * it (Bolt's own receiver throws on an unknown path, outside any try/catch, which stopped the
 * process). `/slack/events` takes a POST only, and refuses before reading the body a request
 * without fresh signature headers (401) or with a declared length over the cap (413); then it
 * reads at most `MAX_BODY_BYTES`, verifies the signature as Bolt does, checks the payload's shape
 * (400) and hands the request to Bolt, which verifies the signature again and runs the listeners.
 */
export function createIntakeListener(options: IntakeOptions): RequestListener {
  const now = options.now ?? Date.now;
  const log = options.logger;
  let buffered = 0;

  const health = (res: ServerResponse) => {
    options.health().then(
      (h) => json(res, h.ok ? 200 : 503, h.ok ? { ok: true } : { ok: false, problems: h.problems }),
      (error: unknown) => {
        log.error({ err: error }, 'the health check failed');
        json(res, 503, { ok: false, problems: ['the health check failed'] });
      },
    );
  };

  const slackEvent = (
    slack: NonNullable<IntakeOptions['slack']>,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const unsigned = checkSignatureHeaders(req.headers, now());
    if (unsigned) {
      refuse(res, 401, unsigned);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      refuse(res, 413, `the body is over ${MAX_BODY_BYTES} bytes`);
      return;
    }
    if (buffered + declared > MAX_BUFFERED_BYTES) {
      log.warn({ buffered }, 'refusing a request: too many request bodies are being read at once');
      refuse(res, 503, 'too many requests in progress, try again');
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    // Each byte counts once against the shared budget, and is given back once, however the request ends.
    const finish = () => {
      if (done) return false;
      done = true;
      buffered -= size;
      req.removeListener('data', onData);
      return true;
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      buffered += chunk.length;
      if (size > MAX_BODY_BYTES) {
        finish();
        refuse(res, 413, `the body is over ${MAX_BODY_BYTES} bytes`);
      } else if (buffered > MAX_BUFFERED_BYTES) {
        finish();
        log.warn({ buffered }, 'refusing a request: too many request bodies are being read at once');
        refuse(res, 503, 'too many requests in progress, try again');
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    // A client that goes away mid-body: nobody to answer.
    req.on('error', () => finish());
    req.on('close', () => finish());
    req.on('end', () => {
      if (!finish()) return;
      const body = Buffer.concat(chunks);
      chunks.length = 0;
      const text = body.toString('utf8');
      try {
        verifySlackRequest({
          signingSecret: slack.signingSecret,
          body: text,
          headers: {
            'x-slack-signature': req.headers['x-slack-signature'] as string,
            'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
          },
          nowMilliseconds: now(),
        });
      } catch {
        refuse(res, 401, 'the signature does not match: check SLACK_SIGNING_SECRET');
        return;
      }
      const shape = checkSlackBody(req.headers['content-type'], text);
      if (!shape.ok) {
        log.warn({ reason: shape.reason }, 'refused a signed request of an unexpected shape');
        refuse(res, 400, shape.reason);
        return;
      }
      // Bolt reads the body from here instead of the (consumed) stream.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      slack.listener(req, res);
    });
  };

  return (req, res) => {
    try {
      const path = pathOf(req.url);
      const method = req.method ?? '';
      if (path === undefined) {
        refuse(res, 400, 'malformed request target');
      } else if (options.slack && path === options.slack.path) {
        if (method === 'POST') slackEvent(options.slack, req, res);
        else refuse(res, 405, 'use POST', { allow: 'POST' });
      } else if (path === '/healthz' || path === '/livez') {
        if (method !== 'GET' && method !== 'HEAD') refuse(res, 405, 'use GET', { allow: 'GET, HEAD' });
        else if (path === '/livez') json(res, 200, { ok: true });
        else health(res);
      } else {
        refuse(res, 404, 'not found');
      }
    } catch (error) {
      // A bug of ours: one request fails, the process keeps serving.
      log.error({ err: error, method: req.method }, 'error while answering an HTTP request');
      refuse(res, 500, 'internal error');
    }
  };
}

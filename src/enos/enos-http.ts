import { Agent, request } from 'undici';
import { classifyTransportError } from './classify-transport-error';

/** One HTTP exchange with the gateway. */
export interface EnosHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** The exact bytes that were signed; sent as they are. */
  body?: Buffer;
}

/** The gateway's answer, whatever its status: interpreting it is the caller's job. */
export interface EnosHttpResponse {
  status: number;
  text: string;
}

/** Timeouts of {@link createEnosHttp}. */
export interface EnosHttpOptions {
  /** TCP (and TLS) connect timeout. */
  connectTimeoutMs: number;
  /** Time allowed for the answer's headers, and between body chunks, once the request is sent. */
  requestTimeoutMs: number;
}

/** A keep-alive connection pool to the gateway. */
export interface EnosHttp {
  /**
   * Sends one request. Rejects only with `EnosTimeoutError` or `EnosConnectionError` (with the
   * right `delivery`); every HTTP status resolves.
   */
  send(req: EnosHttpRequest): Promise<EnosHttpResponse>;
  /** Destroys the pool: open sockets are closed and in-flight requests fail. */
  close(): Promise<void>;
}

/** The pool and the deadlines that make sure no call can hang forever. */
export function createEnosHttp(options: EnosHttpOptions): EnosHttp {
  const { connectTimeoutMs, requestTimeoutMs } = options;
  const agent = new Agent({
    connect: { timeout: connectTimeoutMs },
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    // Shorter than common gateway idle timeouts (60 s), and undici honours `Keep-Alive: timeout=`
    // hints, so a pooled socket is rarely reused just as the server closes it.
    keepAliveTimeout: 10_000,
    connections: 16,
  });
  // headersTimeout/bodyTimeout reset on every chunk, so a server trickling bytes could keep a call
  // alive indefinitely; and undici runs them on coarse timers (about 1 s resolution), so a short
  // timeout fires late. This overall deadline, on a precise timer, is the backstop.
  const deadlineMs = connectTimeoutMs + requestTimeoutMs;

  return {
    async send(req) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), deadlineMs);
      try {
        const res = await request(req.url, {
          dispatcher: agent,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: controller.signal,
        });
        const text = await res.body.text();
        return { status: res.statusCode, text };
      } catch (error) {
        throw classifyTransportError(error, {
          connectTimeoutMs,
          requestTimeoutMs,
          deadlineExceeded: controller.signal.aborted,
          deadlineMs,
        });
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await agent.destroy();
    },
  };
}

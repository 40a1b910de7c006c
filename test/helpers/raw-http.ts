/**
 * Sends bytes to an HTTP server over a plain TCP socket, for requests no HTTP client would send:
 * headers without their body, bodies that never end, garbage, several requests at once.
 *
 * ```ts
 * const answer = await rawRequest(baseUrl, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
 * expect(answer.status).toBe(404);            // undefined when the server closed without answering
 * ```
 */
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first answer, or undefined when none came. */
  status?: number;
  /** Everything the server sent. */
  text: string;
  /** Whether the server closed the connection (else the wait ran out). */
  closed: boolean;
}

export interface RawRequestOptions {
  /** Stop waiting after this long (default 5000 ms); the answer then has `closed: false`. */
  timeoutMs?: number;
  /** Resolve as soon as a whole status line is in, without waiting for the server to close. */
  untilStatus?: boolean;
  /** Close our side right after writing (an aborted request). */
  abort?: boolean;
}

export function rawRequest(
  baseUrl: string,
  bytes: string | Buffer,
  opts: RawRequestOptions = {},
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname);
    const answer = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text, closed });
    };
    const timer = setTimeout(() => answer(false), opts.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (opts.untilStatus && /^HTTP\/1\.[01] \d{3}/.test(Buffer.concat(chunks).toString('latin1')))
        answer(false);
    });
    // A reset after the answer (the server closed with our body unread) still counts as closed.
    socket.on('error', () => answer(true));
    socket.on('close', () => answer(true));
    socket.write(bytes, () => {
      if (opts.abort) socket.end();
    });
  });
}

/** A request's head: request line and headers, ending with the blank line. */
export function requestHead(
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

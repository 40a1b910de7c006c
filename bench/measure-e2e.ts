/**
 * 2. End-to-end time of a trigger: from sending the signed request to the thread reply arriving
 * at the fake Slack API (matched to its request by the RUN parameter of the parent message), one
 * request at a time and with 10 in flight. Also counts the outbound calls per trigger, by kind,
 * over the app process's whole life.
 */
import { Agent, request } from 'node:http';
import { startServer } from './start-server';
import { type LatencySummary, signedTrigger, summarize } from './trigger-requests';
import { countOutbound, type OutboundCounts, type World } from './world';

export interface E2eSeries {
  concurrency: number;
  triggers: number;
  /** Requests whose reply did not arrive within the per-request bound. */
  missing: number;
  /** Signed request sent → thread reply received by the fake Slack, ms. */
  e2e: LatencySummary;
  /** Signed request sent → ack read, ms (the same requests). */
  ack: LatencySummary;
  /** Replies that report a triggered flow. */
  triggered: number;
}

export interface E2ePhase {
  series: E2eSeries[];
  warmup: number;
  /** Every trigger sent to the app process (warm-up included): the denominator of `perTrigger`. */
  totalTriggers: number;
  outbound: OutboundCounts;
  appLogLines: number;
}

export interface E2eOptions {
  world: World;
  warmup: number;
  sequential: number;
  concurrent: number;
  concurrency: number;
  cpu?: number;
  logLevel: string;
  log: (line: string) => void;
}

const REPLY_TIMEOUT_MS = 10_000;

export async function measureE2e(options: E2eOptions): Promise<E2ePhase> {
  const { world, log } = options;
  const server = await startServer({
    kind: 'app',
    env: world.appEnv(options.logLevel),
    cwd: world.dir,
    cpu: options.cpu,
  });
  // Keep-alive, as a load balancer in front of the app would; a fresh connection per request would
  // add a TCP handshake that has nothing to do with the app.
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const waiting = new Map<string, (at: number) => void>();
  world.replies.onReply = (tag, at) => {
    if (tag === undefined) return;
    const resolve = waiting.get(tag);
    if (resolve) {
      waiting.delete(tag);
      resolve(at);
    }
  };
  let seq = 0;

  const send = (n: number): Promise<{ ackMs: number; e2eMs: number | undefined }> => {
    const { tag, body, headers } = signedTrigger(world.plan, n);
    let timer: NodeJS.Timeout | undefined;
    const replied = new Promise<number | undefined>((resolve) => {
      waiting.set(tag, resolve);
      timer = setTimeout(() => {
        waiting.delete(tag);
        resolve(undefined);
      }, REPLY_TIMEOUT_MS);
    });
    const started = performance.now();
    const acked = new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.baseUrl}/slack/events`,
        { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - started)
              : reject(new Error(`the app answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    return Promise.all([acked, replied]).then(([ackMs, at]) => {
      clearTimeout(timer);
      return { ackMs, e2eMs: at === undefined ? undefined : at - started };
    });
  };

  const series = async (concurrency: number, count: number): Promise<E2eSeries> => {
    world.replies.resetCounts();
    const e2e: number[] = [];
    const ack: number[] = [];
    let missing = 0;
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        const { ackMs, e2eMs } = await send(seq++);
        ack.push(ackMs);
        if (e2eMs === undefined) missing += 1;
        else e2e.push(e2eMs);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const result = {
      concurrency,
      triggers: count,
      missing,
      e2e: summarize(e2e),
      ack: summarize(ack),
      triggered: world.replies.triggered,
    };
    log(
      `  e2e c=${String(concurrency).padStart(2)}: p50 ${result.e2e.p50.toFixed(2)} ms, p99 ${result.e2e.p99.toFixed(2)} ms ` +
        `(ack p50 ${result.ack.p50.toFixed(2)} ms); ${result.triggered}/${count} triggered, ${missing} missing`,
    );
    return result;
  };

  try {
    await series(1, options.warmup);
    const results = [
      await series(1, options.sequential),
      await series(options.concurrency, options.concurrent),
    ];
    return {
      series: results,
      warmup: options.warmup,
      totalTriggers: seq,
      outbound: countOutbound(world),
      appLogLines: server.stdoutLines,
    };
  } finally {
    world.replies.onReply = undefined;
    agent.destroy();
    await server.stop();
  }
}

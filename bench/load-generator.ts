/**
 * The load generator: a child process of the benchmark (so that its event loop is not the one that
 * runs the fake Slack and EnOS servers), driving autocannon with a freshly signed `/flow-trigger`
 * request per request. Started by `startLoadGenerator()`; speaks over the IPC channel only.
 *
 * Latencies are taken from autocannon's per-response `responseTime` (process.hrtime, sub-millisecond),
 * not from its histogram, which records whole milliseconds: a bare Bolt ack on loopback takes less.
 */
import { fork } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { type LatencySummary, ROOT, signedTrigger, summarize, type TriggerPlan } from './trigger-requests';

/** One load run. */
export interface LoadOptions {
  /** `http://127.0.0.1:<port>` of the app or of bare Bolt. */
  baseUrl: string;
  connections: number;
  /** Stop after this long… */
  durationS?: number;
  /**
   * Seconds at the start whose answers are not counted (latency, throughput): the warm-up, on the
   * same connections as the measurement, so that no measured request opens a connection.
   */
  warmupS?: number;
  /** …or after this many requests (takes precedence). */
  amount?: number;
  /** Requests per second over all connections; closed loop (as fast as answers come) when unset. */
  overallRate?: number;
  plan: TriggerPlan;
  /** Sequence number of the first request (request n of the plan). */
  startSeq: number;
}

export interface LoadResult {
  /** Requests built (and sent, or about to be) by autocannon. */
  sent: number;
  /** 2xx answers in the measured window (after the warm-up). */
  ok: number;
  /** 2xx answers over the whole run, warm-up included. */
  okTotal: number;
  /**
   * Of the 2xx answers, those that refused the trigger because the app's queue was full
   * (TRIGGER_QUEUE_LIMIT): in the measured window, and over the whole run. Bare Bolt refuses none.
   */
  refused: number;
  refusedTotal: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Length of the measured window (the run less its warm-up). */
  elapsedS: number;
  /** 2xx answers per second of the measured window. */
  requestsPerSec: number;
  /** Milliseconds from request written to answer read, 2xx answers only. */
  latency: LatencySummary;
  /** The same, for the answers that took the trigger (not refused) only. */
  acceptedLatency: LatencySummary;
  /** First sequence number not used: start the next run there. */
  nextSeq: number;
}

/** What the app's ack says when its trigger queue is full (src/slack/ui/trigger-messages.ts, busyText). */
const BUSY_MARK = 'flow-trigger is busy';

type ParentMessage = { type: 'run'; id: number; options: LoadOptions } | { type: 'exit' };
type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; ok: number; refused: number }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'error'; id: number; message: string };

function run(id: number, options: LoadOptions, send: (m: ChildMessage) => void): Promise<LoadResult> {
  let seq = options.startSeq;
  let ok = 0;
  let okTotal = 0;
  let refused = 0;
  let refusedTotal = 0;
  /** Set by onResponse, which autocannon calls with the body just before its 'response' event. */
  let lastRefused = false;
  const latencies: number[] = [];
  const acceptedLatencies: number[] = [];
  const started = performance.now();
  const measureFrom = started + (options.warmupS ?? 0) * 1000;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        ...(options.amount !== undefined
          ? { amount: options.amount }
          : { duration: (options.warmupS ?? 0) + (options.durationS ?? 5) }),
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/slack/events',
            onResponse: (_status, body) => {
              lastRefused = body.includes(BUSY_MARK);
            },
            setupRequest: (req) => {
              const { body, headers } = signedTrigger(options.plan, seq);
              seq += 1;
              return { ...req, method: 'POST', path: '/slack/events', body, headers };
            },
          },
        ],
      },
      (error, result) => {
        clearInterval(progress);
        if (error) {
          reject(error);
          return;
        }
        const elapsedS = (performance.now() - Math.min(measureFrom, performance.now())) / 1000;
        resolve({
          sent: seq - options.startSeq,
          ok,
          okTotal,
          refused,
          refusedTotal,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          elapsedS,
          requestsPerSec: ok / elapsedS,
          latency: summarize(latencies),
          acceptedLatency: summarize(acceptedLatencies),
          nextSeq: seq,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) return;
      okTotal += 1;
      if (lastRefused) refusedTotal += 1;
      if (performance.now() < measureFrom) return;
      ok += 1;
      latencies.push(responseTime);
      if (lastRefused) refused += 1;
      else acceptedLatencies.push(responseTime);
    });
    const progress = setInterval(
      () => send({ type: 'progress', id, ok: okTotal, refused: refusedTotal }),
      100,
    );
  });
}

/** The child's side: runs whatever the parent asks, one run at a time. */
function serve(): void {
  const send = (m: ChildMessage) => process.send?.(m);
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'exit') {
      process.disconnect?.();
      process.exit(0);
    }
    run(m.id, m.options, send).then(
      (result) => send({ type: 'result', id: m.id, result }),
      (error: unknown) => send({ type: 'error', id: m.id, message: String(error) }),
    );
  });
  // The parent going away must not leave a load generator behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

/** The parent's handle on a load generator process. */
export interface LoadGenerator {
  readonly pid: number;
  /**
   * Runs one load; `onProgress` gets the number of 2xx answers so far and how many of them refused
   * as busy (warm-up included), about every 100 ms.
   */
  run(options: LoadOptions, onProgress?: (ok: number, refused: number) => void): Promise<LoadResult>;
  close(): Promise<void>;
}

/**
 * Starts the load generator as a child process, pinned to `cpu` when given (taskset and nice
 * exec in place, so the pid is node's).
 */
export async function startLoadGenerator(options: { cpu?: number } = {}): Promise<LoadGenerator> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  // `nice -n -10`: the fakes share this CPU and work hardest exactly when the app answers a burst;
  // the load generator must read its answers first, or their wait counts as the app's latency.
  // Without the privilege nice says so on stderr and runs it at the normal priority.
  const node = ['nice', '-n', '-10', process.execPath, '--import', tsx];
  const [execPath, ...execArgv] =
    options.cpu !== undefined ? ['taskset', '-c', String(options.cpu), ...node] : node;
  const child = fork(__filename, [], {
    cwd: ROOT,
    execPath,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<
    number,
    {
      resolve: (r: LoadResult) => void;
      reject: (e: Error) => void;
      onProgress?: (ok: number, refused: number) => void;
    }
  >();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`load generator exited (code ${code})`));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('load generator did not start within 20 s')), 20_000);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') p.onProgress?.(m.ok, m.refused);
      else {
        pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.result);
        else p.reject(new Error(`load generator: ${m.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator exited at start (code ${code})`));
    });
  });
  return {
    pid: child.pid ?? -1,
    run(runOptions, onProgress) {
      const id = nextId++;
      return new Promise<LoadResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        child.send({ type: 'run', id, options: runOptions } satisfies ParentMessage);
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (require.main === module) serve();

/**
 * 1. Ack latency and throughput of signed `/flow-trigger` requests at 1, 10 and 50 connections,
 * for bare Bolt and for the app. Each level is one autocannon run whose first seconds (the
 * warm-up) are not counted, then (app only) a wait until every acknowledged trigger has posted its
 * thread reply, so that one level's background work does not run into the next.
 *
 * The closed-loop levels send the next request as soon as an ack comes back: they measure the
 * most each process can take. The fixed-rate level (open loop, `rate` requests per second over all
 * connections) measures the ack latency of a burst the app can sustain.
 */
import type { LoadGenerator, LoadResult } from './load-generator';
import { type ServerKind, startServer } from './start-server';
import { countOutbound, diffCounts, type OutboundCounts, type World } from './world';

/** One load level: closed loop, or open loop at `rate` requests per second. */
export interface AckLevel {
  connections: number;
  rate?: number;
}

export interface AckRun {
  kind: ServerKind;
  connections: number;
  /** Requests per second over all connections (open loop); closed loop when absent. */
  rate?: number;
  load: LoadResult;
  /** App only: thread replies that arrived for the level's triggers (warm-up included). */
  replies?: number;
  /** App only: replies that say "triggered". */
  triggered?: number;
  /** App only: milliseconds from the end of the load to the last reply. */
  drainMs?: number;
  /** App only: the most triggers acknowledged but not yet answered in their thread, at once. */
  maxBacklog?: number;
  /** App only: acknowledged triggers per second, from the start of the load to the last reply. */
  completedPerSec?: number;
}

export interface AckPhase {
  runs: AckRun[];
  warmupS: number;
  measureS: number;
  /** Every outbound call of the app process over the whole phase (warm-ups included). */
  appOutbound: OutboundCounts;
  /** Commands answered by the app over the whole phase (warm-ups included)… */
  appAcked: number;
  /** …of which refused as busy. */
  appRefused: number;
  /** Log lines the app wrote over the phase. */
  appLogLines: number;
  /** The same, by level and message. */
  appLogMessages: Record<string, number>;
}

export interface AckOptions {
  world: World;
  load: LoadGenerator;
  levels: AckLevel[];
  warmupS: number;
  measureS: number;
  cpu?: number;
  logLevel: string;
  /** Bound for waiting on the thread replies after a level. */
  drainTimeoutMs: number;
  log: (line: string) => void;
}

export async function measureAck(options: AckOptions): Promise<AckPhase> {
  const { world, load, log } = options;
  const runs: AckRun[] = [];
  let seq = 0;
  let appAcked = 0;
  let appRefused = 0;
  let appLogLines = 0;
  let appLogMessages: Record<string, number> = {};
  let appOutbound: OutboundCounts | undefined;
  for (const kind of ['bare', 'app'] as const) {
    const before = countOutbound(world);
    const server = await startServer({
      kind,
      env: kind === 'app' ? world.appEnv(options.logLevel) : world.bareEnv(),
      cwd: world.dir,
      cpu: options.cpu,
    });
    try {
      for (const { connections, rate } of options.levels) {
        let maxBacklog = 0;
        const loadStarted = performance.now();
        // One autocannon run: the warm-up opens the connections the measurement then uses.
        const measured = await load.run(
          {
            baseUrl: server.baseUrl,
            connections,
            overallRate: rate,
            warmupS: options.warmupS,
            durationS: options.measureS,
            plan: world.plan,
            startSeq: seq,
          },
          (ok, refused) => {
            maxBacklog = Math.max(maxBacklog, ok - refused - world.replies.replies);
          },
        );
        seq = measured.nextSeq;
        const run: AckRun = { kind, connections, ...(rate === undefined ? {} : { rate }), load: measured };
        if (kind === 'app') {
          appAcked += measured.okTotal;
          appRefused += measured.refusedTotal;
          const taken = measured.okTotal - measured.refusedTotal;
          const loadEnded = performance.now();
          const drained = await world.replies.waitForReplies(taken, options.drainTimeoutMs);
          run.drainMs = Math.max(0, performance.now() - loadEnded - 200);
          run.completedPerSec = taken / ((loadEnded + run.drainMs - loadStarted) / 1000);
          run.replies = world.replies.replies;
          run.triggered = world.replies.triggered;
          run.maxBacklog = maxBacklog;
          if (!drained) log(`  ! only ${run.replies} of ${taken} thread replies arrived`);
          world.replies.resetCounts();
        }
        runs.push(run);
        log(
          `  ${kind.padEnd(4)} c=${String(connections).padStart(2)}${rate === undefined ? '' : ` @${rate}/s`}: p50 ${measured.latency.p50.toFixed(2)} ms, ` +
            `p99 ${measured.latency.p99.toFixed(2)} ms, ${measured.requestsPerSec.toFixed(0)} req/s` +
            (measured.non2xx + measured.errors + measured.timeouts > 0
              ? ` (non-2xx ${measured.non2xx}, errors ${measured.errors}, timeouts ${measured.timeouts})`
              : '') +
            (measured.refusedTotal > 0
              ? `; ${measured.refused} refused as busy (accepted p50 ${measured.acceptedLatency.p50.toFixed(2)} ms, p99 ${measured.acceptedLatency.p99.toFixed(2)} ms)`
              : '') +
            (run.replies !== undefined
              ? `; ${run.triggered}/${run.replies} replies triggered, drained in ${run.drainMs?.toFixed(0)} ms ` +
                `(${run.completedPerSec?.toFixed(0)} triggers/s completed), max backlog ${run.maxBacklog}`
              : ''),
        );
      }
    } finally {
      await server.stop();
      if (kind === 'app') {
        appLogLines = server.stdoutLines;
        appLogMessages = Object.fromEntries(server.logMessages);
        appOutbound = diffCounts(countOutbound(world), before);
      }
    }
  }
  return {
    runs,
    warmupS: options.warmupS,
    measureS: options.measureS,
    appOutbound: appOutbound ?? diffCounts(countOutbound(world), countOutbound(world)),
    appAcked,
    appRefused,
    appLogLines,
    appLogMessages,
  };
}

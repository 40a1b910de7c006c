/**
 * 3. Memory of the app process over 10,000 triggers: resident size after a warm-up and a forced
 * GC (the baseline), the peak while the triggers run (VmHWM, reset before the load, with a sampled
 * VmRSS as a backstop), and the resident size and heap after each half with a forced GC. Flat
 * means the after-GC figures do not climb from one half to the next.
 *
 * The GC is forced by bench/gc-on-signal.js, preloaded with `--expose-gc --require` only in this
 * phase: SIGUSR2 → global.gc() → process.memoryUsage() on stderr. The app has no GC endpoint.
 */
import { join } from 'node:path';
import type { LoadGenerator } from './load-generator';
import { readProcMemory, resetPeak, sampleRss } from './proc-status';
import { type GcReport, startServer } from './start-server';
import { ROOT } from './trigger-requests';
import { countOutbound, type OutboundCounts, type World } from './world';

export interface MemoryCheckpoint {
  /** Triggers acknowledged so far (after the warm-up). */
  triggers: number;
  /** After a forced GC. */
  gc: GcReport;
}

export interface MemoryPhase {
  warmup: number;
  triggers: number;
  connections: number;
  baseline: MemoryCheckpoint;
  checkpoints: MemoryCheckpoint[];
  /** Peak resident size during the triggers, bytes. */
  peakRss: number;
  /** Whether the peak comes from VmHWM reset before the load (else only from sampling). */
  peakFromHwm: boolean;
  /** The most triggers acknowledged but not yet answered in their thread, at once. */
  maxBacklog: number;
  /** Seconds the load ran (acks), and until the last thread reply. */
  loadS: number;
  drainS: number;
  replies: number;
  triggered: number;
  outbound: OutboundCounts;
  appLogLines: number;
}

export interface MemoryOptions {
  world: World;
  load: LoadGenerator;
  warmup: number;
  /** Triggers, run in `rounds` equal parts with a forced GC after each. */
  triggers: number;
  rounds: number;
  connections: number;
  cpu?: number;
  logLevel: string;
  drainTimeoutMs: number;
  log: (line: string) => void;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function measureMemory(options: MemoryOptions): Promise<MemoryPhase> {
  const { world, load, log } = options;
  const server = await startServer({
    kind: 'app',
    // A queue, and a share per user, that take every trigger of the burst: the worst case for
    // memory (none is refused).
    env: world.appEnv(options.logLevel, {
      TRIGGER_QUEUE_LIMIT: String(options.triggers + options.warmup),
      TRIGGER_QUEUE_PER_USER: String(options.triggers + options.warmup),
    }),
    cwd: world.dir,
    cpu: options.cpu,
    nodeArgs: ['--expose-gc', '--require', join(ROOT, 'bench/gc-on-signal.js')],
  });
  try {
    let seq = 0;
    const warm = await load.run({
      baseUrl: server.baseUrl,
      connections: 10,
      amount: options.warmup,
      plan: world.plan,
      startSeq: seq,
    });
    seq = warm.nextSeq;
    await world.replies.waitForReplies(warm.ok, options.drainTimeoutMs);
    world.replies.resetCounts();
    const baseline: MemoryCheckpoint = { triggers: 0, gc: await server.forceGc() };
    log(`  baseline after warm-up + GC: rss ${mb(baseline.gc.rss)}, heap ${mb(baseline.gc.heapUsed)}`);

    const peakFromHwm = resetPeak(server.pid);
    const sampler = sampleRss(server.pid);
    const checkpoints: MemoryCheckpoint[] = [];
    let acked = 0;
    let replies = 0;
    let triggered = 0;
    let maxBacklog = 0;
    let loadS = 0;
    let drainS = 0;
    const perRound = Math.ceil(options.triggers / options.rounds);
    for (let round = 0; round < options.rounds; round += 1) {
      const started = performance.now();
      const result = await load.run(
        {
          baseUrl: server.baseUrl,
          connections: options.connections,
          amount: perRound,
          plan: world.plan,
          startSeq: seq,
        },
        (ok) => {
          maxBacklog = Math.max(maxBacklog, ok - world.replies.replies);
        },
      );
      const loadEnded = performance.now();
      seq = result.nextSeq;
      acked += result.ok;
      const drained = await world.replies.waitForReplies(result.ok, options.drainTimeoutMs);
      const drainEnded = performance.now() - 200;
      loadS += (loadEnded - started) / 1000;
      drainS += Math.max(0, drainEnded - started) / 1000;
      replies += world.replies.replies;
      triggered += world.replies.triggered;
      if (!drained) log(`  ! only ${world.replies.replies} of ${result.ok} thread replies arrived`);
      world.replies.resetCounts();
      const gc = await server.forceGc();
      checkpoints.push({ triggers: acked, gc });
      log(
        `  after ${acked} triggers + GC: rss ${mb(gc.rss)}, heap ${mb(gc.heapUsed)} ` +
          `(acked in ${((loadEnded - started) / 1000).toFixed(1)} s, max backlog ${maxBacklog})`,
      );
    }
    const sampled = sampler.stop();
    const hwm = readProcMemory(server.pid).hwmKiB * 1024;
    const peakRss = Math.max(peakFromHwm ? hwm : 0, sampled.maxKiB * 1024);
    log(`  peak rss during the triggers: ${mb(peakRss)}`);
    return {
      warmup: options.warmup,
      triggers: acked,
      connections: options.connections,
      baseline,
      checkpoints,
      peakRss,
      peakFromHwm,
      maxBacklog,
      loadS,
      drainS,
      replies,
      triggered,
      outbound: countOutbound(world),
      appLogLines: server.stdoutLines,
    };
  } finally {
    await server.stop();
  }
}

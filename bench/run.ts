/**
 * `npm run bench`: how fast and how lean the app is, side by side with bare Bolt, in one run.
 * Not a test: it prints the figures and writes them into docs/benchmarks.md.
 *
 *   npm run bench                       # full run (about 3–4 minutes on 2 cores), writes the docs
 *   npm run bench -- --quick            # small samples, prints only
 *   npm run bench -- --only ack,e2e     # some phases (ack: closed loop, burst, e2e, memory, cold, intake, backfill)
 *   npm run bench -- --only backfill    # the backfill engine over a simulated hour; writes its own section
 *   npm run bench -- --out /tmp/b.json  # also the raw results as JSON
 *   npm run bench -- --no-pin           # no taskset pinning
 *   npm run bench -- --log-level info   # the app's LOG_LEVEL (default warn)
 *   npm run bench -- --dist /tmp/old/dist   # the app from another build (before/after comparisons)
 *   npm run bench -- --cpu-prof /tmp/prof   # a V8 CPU profile of each app process, into that folder
 *   npm run bench -- --app-env TRIGGER_CONCURRENCY=8   # a variable for every app process (repeatable)
 *
 * Everything runs on 127.0.0.1: the fake Slack Web API and the fake EnOS gateway live in this
 * process, the load generator in a child process, the app (or bare Bolt) in another.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startLoadGenerator } from './load-generator';
import { type AckPhase, measureAck } from './measure-ack';
import { measureBackfill, renderBackfillMarkdown, writeBackfillSection } from './measure-backfill';
import { measureColdStart } from './measure-cold-start';
import { measureE2e } from './measure-e2e';
import { measureIntake } from './measure-intake';
import { measureMemory } from './measure-memory';
import { type BenchResults, evaluateTargets, type Machine, renderMarkdown, writeResults } from './report';
import { killAllServers, profileApp, useAppBuild } from './start-server';
import { ROOT } from './trigger-requests';
import { createWorld, overrideAppEnv, type World } from './world';

const PHASES = ['ack', 'burst', 'e2e', 'memory', 'cold', 'intake', 'backfill'] as const;
type Phase = (typeof PHASES)[number];

/** The whole run is bounded: whatever happens, children are killed and the process exits. */
const HARD_LIMIT_MS = 12 * 60_000;
/** The app's CPU and the bench's (fakes, load generator) when pinning. */
const APP_CPU = 1;
const BENCH_CPU = 0;
/**
 * The fixed-rate burst: 50 connections, 100 requests per second in all. More than a Slack workspace
 * sends in an incident, and within what the app sustains, so the latency is not queueing.
 */
const OPEN_LOOP_RATE = 100;

interface Args {
  quick: boolean;
  pin: boolean;
  write: boolean;
  logLevel: string;
  out?: string;
  dist?: string;
  cpuProf?: string;
  appEnv: Record<string, string>;
  only: Phase[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    pin: true,
    write: true,
    logLevel: 'warn',
    appEnv: {},
    only: [...PHASES],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--no-pin') args.pin = false;
    else if (a === '--no-write') args.write = false;
    else if (a === '--log-level') args.logLevel = value();
    else if (a === '--out') args.out = value();
    else if (a === '--dist') args.dist = value();
    else if (a === '--cpu-prof') args.cpuProf = value();
    else if (a === '--app-env') {
      const [key, ...rest] = value().split('=');
      if (!key || rest.length === 0) throw new Error('--app-env needs KEY=VALUE');
      args.appEnv[key] = rest.join('=');
    } else if (a === '--only') {
      const only = value().split(',');
      for (const p of only)
        if (!(PHASES as readonly string[]).includes(p))
          throw new Error(`unknown phase ${p}: ${PHASES.join(', ')}`);
      args.only = only as Phase[];
    } else throw new Error(`unknown argument ${a}`);
  }
  // Partial, quick or other-build runs print only, unless asked: the docs hold full runs of this tree.
  if (
    args.quick ||
    args.dist ||
    args.cpuProf ||
    Object.keys(args.appEnv).length > 0 ||
    args.only.length < PHASES.length
  )
    args.write = argv.includes('--write');
  return args;
}

function machine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type(),
    kernel: os.release(),
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than a source file: the app runs as built JS. */
function buildIfStale(log: (line: string) => void): void {
  const main = join(ROOT, 'dist/main.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'tsconfig.json')).mtimeMs);
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  log('dist/ is stale: npm run build');
  const tsc = require.resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('the build failed: fix it, or run npm run build, then try again');
}

/** Pins this process (every thread) to one CPU; false when taskset is missing or refuses. */
function pinSelf(cpu: number): boolean {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], {
    stdio: 'ignore',
  });
  return result.status === 0;
}

async function withWorld<T>(plan: Parameters<typeof createWorld>[0], fn: (world: World) => Promise<T>) {
  const world = await createWorld(plan);
  try {
    return await fn(world);
  } finally {
    await world.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  if (args.dist) log(`app build: ${useAppBuild(args.dist)}`);
  // The intake and backfill phases run the app's code in this process (tsx), not dist/.
  else if (args.only.some((p) => p !== 'intake' && p !== 'backfill')) buildIfStale(log);
  if (args.cpuProf) log(`CPU profiles of the app: ${profileApp(args.cpuProf)}`);
  overrideAppEnv(args.appEnv);
  for (const [key, value] of Object.entries(args.appEnv)) log(`app environment: ${key}=${value}`);

  const pinned = args.pin && os.cpus().length >= 2 && pinSelf(BENCH_CPU);
  const cpu = pinned ? APP_CPU : undefined;
  const users = 100;
  const q = args.quick;
  const results: BenchResults = {
    startedAt,
    durationS: 0,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
    settings: {
      logLevel: args.logLevel,
      pinning: pinned
        ? `the app (or bare Bolt) on CPU ${APP_CPU}; this process (fakes) and the load generator on CPU ${BENCH_CPU}`
        : 'none',
      quick: q,
      users,
      appBuild: args.dist ?? 'dist/ (built from this tree)',
    },
  };
  log(
    `flow-trigger bench: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; ` +
      `LOG_LEVEL=${args.logLevel}; pinning: ${results.settings.pinning}`,
  );

  const load = await startLoadGenerator({ cpu: pinned ? BENCH_CPU : undefined });
  try {
    const ackOptions = {
      load,
      warmupS: q ? 1 : 2,
      measureS: q ? 2 : 8,
      cpu,
      logLevel: args.logLevel,
      drainTimeoutMs: 60_000,
      log,
    };
    const ackRuns: AckPhase[] = [];
    if (args.only.includes('ack')) {
      log('1. ack latency and throughput, closed loop');
      // Flow n % flows: enough flows that none is triggered twice within EnOS's 60 s, even when the
      // app refuses most requests as busy and the sequence runs at thousands per second.
      ackRuns.push(
        await withWorld({ users, flowBase: 100_000, flows: 200_000, runTag: 'ack' }, (world) =>
          measureAck({
            ...ackOptions,
            world,
            levels: [{ connections: 1 }, { connections: 10 }, { connections: 50 }],
          }),
        ),
      );
    }
    if (args.only.includes('burst')) {
      log('1. ack latency, bursts at a fixed rate');
      // The bursts get fresh processes and a fresh store: not the heap, nor the thousands of runs
      // to watch, that the saturated levels leave behind.
      ackRuns.push(
        await withWorld({ users, flowBase: 400_000, flows: 10_000, runTag: 'burst' }, (world) =>
          measureAck({ ...ackOptions, world, levels: [{ connections: 50, rate: OPEN_LOOP_RATE }] }),
        ),
      );
    }
    // The whole-phase figures (outbound calls, log lines) are those of the first app process.
    if (ackRuns[0]) results.ack = { ...ackRuns[0], runs: ackRuns.flatMap((a) => a.runs) };
    if (args.only.includes('e2e')) {
      log('2. end to end');
      results.e2e = await withWorld({ users, flowBase: 300_000, flows: 5_000, runTag: 'e2e' }, (world) =>
        measureE2e({
          world,
          warmup: q ? 50 : 200,
          sequential: q ? 100 : 500,
          concurrent: q ? 200 : 1000,
          concurrency: 10,
          cpu,
          logLevel: args.logLevel,
          log,
        }),
      );
    }
    if (args.only.includes('memory')) {
      log('3. memory');
      const triggers = q ? 2_000 : 10_000;
      const warmup = q ? 200 : 500;
      results.memory = await withWorld(
        { users, flowBase: 400_000, flows: triggers + warmup + 1_000, runTag: 'mem' },
        (world) =>
          measureMemory({
            world,
            load,
            warmup,
            triggers,
            rounds: 4,
            connections: 50,
            cpu,
            logLevel: args.logLevel,
            drainTimeoutMs: 120_000,
            log,
          }),
      );
    }
    if (args.only.includes('cold')) {
      log('4. cold start');
      results.coldStart = await withWorld({ users, flowBase: 500_000, flows: 1, runTag: 'cold' }, (world) =>
        measureColdStart({ world, starts: 10, cpu, logLevel: args.logLevel, log }),
      );
    }
    if (args.only.includes('intake')) {
      log('5. what the durable intake adds to the ack');
      results.intake = await measureIntake({ samples: q ? 500 : 5000, warmup: q ? 50 : 200, log });
    }
  } finally {
    await load.close();
  }

  let backfillSection: string | undefined;
  if (args.only.includes('backfill')) {
    log('6. the backfill engine over a simulated hour');
    const backfill = await measureBackfill({ quick: q, log });
    const m = results.machine;
    backfillSection = renderBackfillMarkdown(backfill, {
      command: results.command,
      at: new Date().toISOString(),
      machine:
        `${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; ${m.os}, Linux ${m.kernel}; Node ${m.node}; ` +
        `load average ${m.loadAverage.toFixed(2)} at the start; ${pinned ? `the phase's process pinned to CPU ${BENCH_CPU}` : 'no pinning'}`,
    });
  }

  results.durationS = (performance.now() - started) / 1000;
  const markdown = renderMarkdown(results);
  log('');
  log(markdown);
  for (const t of evaluateTargets(results))
    log(`${t.met ? 'MET    ' : 'NOT MET'} ${t.target}: ${t.measured}`);
  if (args.out) writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  if (args.write && args.only.some((p) => p !== 'backfill')) {
    writeResults(join(ROOT, 'docs/benchmarks.md'), markdown);
    log('\nwritten to docs/benchmarks.md');
  }
  if (backfillSection) {
    log('');
    log(backfillSection);
    // Its own section: written by a full run, and by `--only backfill` (not quick) alone.
    const backfillOnly = args.only.length === 1 && !q && !args.dist && Object.keys(args.appEnv).length === 0;
    if (args.write || backfillOnly) {
      writeBackfillSection(join(ROOT, 'docs/benchmarks.md'), backfillSection);
      log('\nbackfill section written to docs/benchmarks.md');
    }
  }
}

const hardLimit = setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
  killAllServers();
  process.exit(1);
}, HARD_LIMIT_MS);
hardLimit.unref();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllServers();
    process.exit(130);
  });
}

main().then(
  () => {
    killAllServers();
    // Fake servers and agents may hold handles for a moment; nothing is left to wait for.
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    killAllServers();
    process.exit(1);
  },
);

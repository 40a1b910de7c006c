/**
 * Starts the system under test as a real child process: the app (`node dist/main.js`, as in
 * production) or the bare Bolt floor (`node bench/bare-bolt.js`), optionally pinned to one CPU,
 * and waits for `GET /healthz` to answer 200. Every child is registered so that the benchmark can
 * stop them all on error or Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ROOT } from './trigger-requests';

export type ServerKind = 'app' | 'bare';

export interface StartServerOptions {
  kind: ServerKind;
  /** The child's whole environment besides PATH and PORT: nothing leaks from the bench's own. */
  env: Record<string, string>;
  /** Working directory (a temporary one: the app reads `.env` from it). */
  cwd: string;
  /** Pin the child to this CPU with taskset. */
  cpu?: number;
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  /** Default 20 s. */
  healthTimeoutMs?: number;
  /** Poll interval of /healthz while starting, default 5 ms. */
  pollMs?: number;
}

/** What the bench-only GC preload reports after a forced GC (process.memoryUsage()). */
export interface GcReport {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  port: number;
  baseUrl: string;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startupMs: number;
  /** Lines the child wrote to stdout (log lines), counted. */
  readonly stdoutLines: number;
  /** Log lines by level and message (`warn: EnOS call failed`), for the first 50 distinct ones. */
  readonly logMessages: ReadonlyMap<string, number>;
  /** The last lines of stdout and stderr, for error messages. */
  tail(): string;
  /** Sends SIGUSR2 (handled by bench/gc-on-signal.js) and resolves with memory after the GC. */
  forceGc(timeoutMs?: number): Promise<GcReport>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 25 s: the app drains work in flight). */
  stop(graceMs?: number): Promise<number | null>;
}

const children = new Set<ChildProcess>();

let appMain = join(ROOT, 'dist/main.js');

/** Runs the app from another build (`--dist`): to compare two versions with the same bench. */
export function useAppBuild(distDir: string): string {
  appMain = join(resolve(distDir), 'main.js');
  return appMain;
}

let appProfileDir: string | undefined;

/** Writes a V8 CPU profile of every app process into `dir` (`--cpu-prof`): to see where its time goes. */
export function profileApp(dir: string): string {
  appProfileDir = resolve(dir);
  return appProfileDir;
}

/** Kills every child still running (SIGKILL): for error paths and signals. */
export function killAllServers(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A port that was free a moment ago (the race with other processes is acceptable on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const script = options.kind === 'app' ? appMain : join(ROOT, 'bench/bare-bolt.js');
  const profile =
    options.kind === 'app' && appProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${appProfileDir}`] : [];
  const nodeArgv = [...profile, ...(options.nodeArgs ?? []), script];
  const [command, args] =
    options.cpu !== undefined
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgv]]
      : [process.execPath, nodeArgv];
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );

  // Read everything the child writes: an unread pipe fills up, and pino's asynchronous writer
  // would then buffer in the app's memory, which is what the memory phase measures.
  const tailLines: string[] = [];
  let stdoutLines = 0;
  const logMessages = new Map<string, number>();
  const LEVELS: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  const countMessage = (line: string) => {
    let key = 'not JSON';
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      key = `${LEVELS[entry.level ?? 0] ?? entry.level}: ${entry.msg ?? ''}`;
    } catch {
      // a line that is not a pino line is counted as such
    }
    if (logMessages.has(key) || logMessages.size < 50) logMessages.set(key, (logMessages.get(key) ?? 0) + 1);
  };
  const gcWaiters: Array<(report: GcReport) => void> = [];
  const keep = (line: string) => {
    tailLines.push(line);
    if (tailLines.length > 40) tailLines.shift();
  };
  let stdoutRest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (stdoutRest + chunk.toString('utf8')).split('\n');
    stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      stdoutLines += 1;
      countMessage(line);
      keep(line);
    }
  });
  let stderrRest = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (stderrRest + chunk.toString('utf8')).split('\n');
    stderrRest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{"benchGc":')) {
        const report = (JSON.parse(line) as { benchGc: GcReport }).benchGc;
        gcWaiters.shift()?.(report);
      } else keep(line);
    }
  });

  const tail = () => tailLines.join('\n');
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = started + (options.healthTimeoutMs ?? 20_000);
  let startupMs = -1;
  while (startupMs < 0) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.kind} exited while starting (code ${child.exitCode}):\n${tail()}`);
    }
    if (await healthy(`${baseUrl}/healthz`)) startupMs = performance.now() - started;
    else if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.kind} did not answer /healthz within the deadline:\n${tail()}`);
    } else await sleep(options.pollMs ?? 5);
  }

  return {
    kind: options.kind,
    pid: child.pid ?? -1,
    port,
    baseUrl,
    startupMs,
    get stdoutLines() {
      return stdoutLines;
    },
    logMessages,
    tail,
    forceGc(timeoutMs = 10_000) {
      return new Promise<GcReport>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer to SIGUSR2 (forced GC)')), timeoutMs);
        gcWaiters.push((report) => {
          clearTimeout(timer);
          resolve(report);
        });
        child.kill('SIGUSR2');
      });
    },
    async stop(graceMs = 25_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

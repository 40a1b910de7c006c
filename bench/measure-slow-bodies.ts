/**
 * `npm run bench:slow-bodies`: the app (dist/main.js, as in production) under hundreds of slow
 * 4 MB bodies, for three kinds of sender, and what it costs: the growth of its resident memory
 * (peak VmHWM over the RSS before) and how fast `/healthz` answers meanwhile (a probe every 100 ms).
 * Loopback only, bounded (each phase lasts PHASE_MS, then every socket is closed), and it stops by
 * itself. Prints the figures; docs/benchmarks.md ("Slow and oversized bodies") has them.
 *
 *   npm run build && npm run bench:slow-bodies
 *   npm run bench:slow-bodies -- --connections 300 --seconds 10
 *   npm run bench:slow-bodies -- --no-pin    # no taskset pinning (app on CPU 1, senders on CPU 0)
 *
 * The senders (after a phase without any, for reference):
 * - unsigned: no signature headers, `Content-Length: 4 MB`, then 16 KB every 100 ms;
 * - plausibly signed: a fresh timestamp and a well-formed (wrong) signature, the same 4 MB sent
 *   chunked (no length to refuse up front): the app reads these bodies, up to 1 MB each and 32 MB
 *   together;
 * - silent: the headers of a plausibly signed 1 KB request, and then nothing (cut by the request
 *   timeout).
 * Each sender opens a new connection RECONNECT_MS after the app closed its previous one, for the
 * whole phase. The senders run in a child process, so that the /healthz probe measures the app and
 * not the senders' own event loop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEnosGateway } from '../test/fakes/fake-enos-gateway';
import { startFakeSlackApi } from '../test/fakes/fake-slack-api';
import { readProcMemory, resetPeak } from './proc-status';
import { killAllServers, startServer } from './start-server';
import { BOT_TOKEN, ORG_ID, SIGNING_SECRET } from './trigger-requests';

const BODY_BYTES = 4 * 1024 * 1024;
const SLICE = Buffer.alloc(16 * 1024, 'a');
const SLICE_EVERY_MS = 100;
const CHUNK_HEAD = Buffer.from(`${SLICE.length.toString(16)}\r\n`);
const CRLF = Buffer.from('\r\n');
const PROBE_EVERY_MS = 100;
const RECONNECT_MS = 500;
/** Whatever happens, the script exits after this. */
const HARD_LIMIT_MS = 3 * 60_000;

type Sender = 'none' | 'unsigned' | 'plausibly signed' | 'silent';
/** The app's CPU and the senders' (with taskset, as `npm run bench` pins), unless --no-pin. */
const APP_CPU = 1;
const SENDER_CPU = 0;
const pin = !process.argv.includes('--no-pin');

interface PhaseResult {
  sender: Sender;
  connections: number;
  /** Connections opened in all (senders reconnect when closed). */
  opened: number;
  answers: Record<string, number>;
  rssBeforeMiB: number;
  peakMiB: number;
  growthMiB: number;
  probes: number;
  probeFailures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function head(sender: Sender): string {
  const now = Math.floor(Date.now() / 1000);
  const lines = [
    'POST /slack/events HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/x-www-form-urlencoded',
  ];
  if (sender === 'unsigned') lines.push(`Content-Length: ${BODY_BYTES}`);
  else lines.push(`X-Slack-Request-Timestamp: ${now}`, `X-Slack-Signature: v0=${'0'.repeat(64)}`);
  if (sender === 'plausibly signed') lines.push('Transfer-Encoding: chunked');
  if (sender === 'silent') lines.push('Content-Length: 1024');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** One sender: a connection at a time, reopened when the app closes it, until `stopAt`. */
function runSender(
  port: number,
  sender: Sender,
  stopAt: number,
  stats: { opened: number; answers: Map<string, number> },
  sockets: Set<Socket>,
): Promise<void> {
  return new Promise((resolve) => {
    const open = () => {
      if (Date.now() >= stopAt) {
        resolve();
        return;
      }
      stats.opened += 1;
      const socket = connect(port, '127.0.0.1');
      sockets.add(socket);
      let sent = 0;
      let answered = false;
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (chunk: Buffer) => {
        if (answered) return;
        answered = true;
        const status = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 'other';
        stats.answers.set(status, (stats.answers.get(status) ?? 0) + 1);
      });
      const done = () => {
        clearInterval(timer);
        sockets.delete(socket);
        if (!answered)
          stats.answers.set('closed without answer', (stats.answers.get('closed without answer') ?? 0) + 1);
        answered = true;
        setTimeout(open, RECONNECT_MS);
      };
      socket.once('close', done);
      socket.on('error', () => socket.destroy());
      socket.write(head(sender));
      if (sender === 'silent') return;
      timer = setInterval(() => {
        if (socket.destroyed || sent >= BODY_BYTES) {
          clearInterval(timer);
          return;
        }
        sent += SLICE.length;
        socket.write(sender === 'plausibly signed' ? Buffer.concat([CHUNK_HEAD, SLICE, CRLF]) : SLICE);
      }, SLICE_EVERY_MS);
    };
    open();
  });
}

function probe(port: number): Promise<number | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function phase(
  port: number,
  pid: number,
  sender: Sender,
  connections: number,
  phaseMs: number,
): Promise<PhaseResult> {
  const rssBefore = readProcMemory(pid).rssKiB;
  const peakResettable = resetPeak(pid);
  let peakKiB = rssBefore;
  const stopAt = Date.now() + phaseMs;
  const senderArgs = [
    ...process.execArgv,
    __filename,
    '--send',
    sender,
    '--port',
    String(port),
    '--connections',
    String(connections),
    '--seconds',
    String(phaseMs / 1000),
  ];
  const child =
    sender === 'none'
      ? undefined
      : pin
        ? spawn('taskset', ['-c', String(SENDER_CPU), process.execPath, ...senderArgs], {
            stdio: ['ignore', 'pipe', 'inherit'],
          })
        : spawn(process.execPath, senderArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const output: Buffer[] = [];
  child?.stdout?.on('data', (d: Buffer) => output.push(d));
  const childDone = new Promise<void>((resolve) => {
    if (child) child.once('exit', () => resolve());
    else setTimeout(resolve, phaseMs);
  });

  const latencies: number[] = [];
  let failures = 0;
  while (Date.now() < stopAt) {
    const [ms] = await Promise.all([probe(port), new Promise((r) => setTimeout(r, PROBE_EVERY_MS))]);
    if (ms === undefined) failures += 1;
    else latencies.push(ms);
    peakKiB = Math.max(peakKiB, readProcMemory(pid).rssKiB);
  }
  await childDone;
  const stats = JSON.parse(Buffer.concat(output).toString() || '{"opened":0,"answers":{}}') as {
    opened: number;
    answers: Record<string, number>;
  };
  const memory = readProcMemory(pid);
  if (peakResettable) peakKiB = Math.max(peakKiB, memory.hwmKiB);
  latencies.sort((a, b) => a - b);
  return {
    sender,
    connections,
    opened: stats.opened,
    answers: stats.answers,
    rssBeforeMiB: rssBefore / 1024,
    peakMiB: peakKiB / 1024,
    growthMiB: (peakKiB - rssBefore) / 1024,
    probes: latencies.length + failures,
    probeFailures: failures,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
  };
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

/** The child: runs the senders for the phase, then prints what they saw as JSON. */
async function send(): Promise<void> {
  const sender = process.argv[process.argv.indexOf('--send') + 1] as Sender;
  const port = argValue('--port', 0);
  const connections = argValue('--connections', 400);
  const stopAt = Date.now() + argValue('--seconds', 15) * 1000;
  const stats = { opened: 0, answers: new Map<string, number>() };
  const sockets = new Set<Socket>();
  const senders = Array.from({ length: connections }, () => runSender(port, sender, stopAt, stats, sockets));
  await new Promise((r) => setTimeout(r, stopAt - Date.now()));
  for (const socket of sockets) socket.destroy();
  await Promise.all(senders);
  process.stdout.write(JSON.stringify({ opened: stats.opened, answers: Object.fromEntries(stats.answers) }));
}

async function main(): Promise<void> {
  const connections = argValue('--connections', 400);
  const phaseMs = argValue('--seconds', 15) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-slow-bodies-'));
  const slack = await startFakeSlackApi();
  const enos = await startFakeEnosGateway();
  const server = await startServer({
    kind: 'app',
    cwd: dir,
    ...(pin ? { cpu: APP_CPU } : {}),
    env: {
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ENOS_API_GATEWAY_URL: enos.url,
      ENOS_ACCESS_KEY: enos.accessKey,
      ENOS_SECRET_KEY: enos.secretKey,
      ENOS_ORG_ID: ORG_ID,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
    },
  });
  try {
    const results: PhaseResult[] = [];
    for (const sender of ['none', 'unsigned', 'plausibly signed', 'silent'] as const) {
      const result = await phase(server.port, server.pid, sender, connections, phaseMs);
      results.push(result);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      // Let the app close what is left and collect garbage between phases.
      await new Promise((r) => setTimeout(r, 2000));
    }
    process.stdout.write(
      `\n| sender | connections (opened in all) | answers | RSS before | peak | growth | /healthz p50 / p99 / max | failed probes |\n|---|---|---|---|---|---|---|---|\n`,
    );
    for (const r of results) {
      const answers = Object.entries(r.answers)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      process.stdout.write(
        `| ${r.sender} | ${r.connections} (${r.opened}) | ${answers} | ${r.rssBeforeMiB.toFixed(0)} MiB | ${r.peakMiB.toFixed(0)} MiB | ${r.growthMiB.toFixed(0)} MiB | ${r.p50Ms.toFixed(1)} / ${r.p99Ms.toFixed(1)} / ${r.maxMs.toFixed(1)} ms | ${r.probeFailures} of ${r.probes} |\n`,
      );
    }
  } finally {
    await server.stop(5000);
    await Promise.allSettled([slack.close(), enos.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const limit = setTimeout(() => {
  process.stderr.write('measure-slow-bodies: over the time limit, stopping\n');
  killAllServers();
  process.exit(2);
}, HARD_LIMIT_MS);
limit.unref();

(process.argv.includes('--send') ? send() : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `measure-slow-bodies failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    killAllServers();
    process.exit(1);
  },
);

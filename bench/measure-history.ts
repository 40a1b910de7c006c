/**
 * `npm run bench:history`: what `history`, the Home tab and retention cost with 100,000 audit
 * records, on both backends (a SQLite file and a redis-server of its own). Not a test: it prints the
 * figures (docs/benchmarks.md, "History and retention at 100,000 records" has the last ones).
 *
 *   npm run bench:history                    # 100,000 records, both backends
 *   npm run bench:history -- --records 20000 --backend sqlite
 *
 * The records: 200 users in 50 conversations over 120 days, so a 90-day retention deletes a
 * quarter of them. Each figure is taken after a warm-up, on the process's own clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import pino from 'pino';
import type { AuditRecord } from '../src/core/ports';
import { openStore, type Store } from '../src/store/open-store';
import { startAuditRetention } from '../src/store/start-audit-retention';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-27T09:00:00Z');
const TEAM = 'T0BENCH01';
const USERS = 200;
const CHANNELS = 50;
const SPAN_DAYS = 120;

interface Args {
  records: number;
  backends: Array<'sqlite' | 'redis'>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { records: 100_000, backends: ['sqlite', 'redis'] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--records') args.records = Number(argv[++i]);
    else if (argv[i] === '--backend') args.backends = [argv[++i] as 'sqlite' | 'redis'];
  }
  return args;
}

function record(i: number, total: number): AuditRecord {
  // Spread evenly over the span, the newest last; users and conversations interleaved.
  const requestedAt = new Date(
    NOW - SPAN_DAYS * DAY_MS + Math.floor((i * SPAN_DAYS * DAY_MS) / total),
  ).toISOString();
  return {
    id: `attempt-${i}`,
    teamId: TEAM,
    slackUserId: `U${String(i % USERS).padStart(8, '0')}`,
    enosUserId: `u${i % USERS}`,
    enosUserName: `user-${i % USERS}`,
    orgId: 'o15578227985571',
    flowId: 3000 + (i % 40),
    flowName: `flow ${i % 40}`,
    triggerTime: Date.parse(requestedAt),
    zone: 'Europe/Berlin',
    parameters: [{ key: 'REPLACE', value: `value-${i}` }],
    source: 'command',
    requestedAt,
    updatedAt: requestedAt,
    channelId: `C${String((i * 7) % CHANNELS).padStart(8, '0')}`,
    threadTs: `${1_764_000_000 + i}.000100`,
    outcome: 'triggered',
    instanceId: `${3000 + (i % 40)}-${i}`,
  };
}

/** Milliseconds of each call, one after another. */
async function timeEach(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call(i);
    out.push(performance.now() - started);
  }
  return out;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const client = createClient({ url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill();
  throw new Error('redis-server did not start');
}

async function redisMemory(url: string): Promise<{ used: number; keys: number }> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  const info = await client.info('memory');
  const keys = await client.dbSize();
  await client.close();
  return { used: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN), keys };
}

async function measure(backend: 'sqlite' | 'redis', total: number): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'flow-trigger-history-'));
  const file = join(dir, 'store.sqlite');
  const redis = backend === 'redis' ? await startRedis() : undefined;
  const url = redis ? redis.url : `sqlite://${file}`;
  const logger = pino({ level: 'warn' });
  const store: Store = await openStore(url, { logger, operationTimeoutMs: 60_000 });
  const size = async () =>
    redis ? `${mb((await redisMemory(redis.url)).used)} (used_memory)` : mb(statSync(file).size);
  try {
    const started = performance.now();
    const CONCURRENT = 32;
    for (let i = 0; i < total; i += CONCURRENT) {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENT, total - i) }, (_, j) =>
          store.audit.put(record(i + j, total)),
        ),
      );
    }
    const writeS = (performance.now() - started) / 1000;
    console.log(`\n${backend}: ${total.toLocaleString('en-US')} records written in ${writeS.toFixed(1)} s`);
    console.log(`  store size: ${await size()}`);

    const user = (i: number) => `U${String((i * 37) % USERS).padStart(8, '0')}`;
    const channel = (i: number) => `C${String((i * 11) % CHANNELS).padStart(8, '0')}`;
    const history = (i: number) =>
      store.audit.listVisible(TEAM, { slackUserId: user(i), channelId: channel(i), limit: 10 });
    const historyOfFlow = (i: number) =>
      store.audit.listVisible(TEAM, {
        slackUserId: user(i),
        channelId: channel(i),
        flowId: 3000 + (i % 40),
        limit: 10,
      });
    const home = (i: number) => store.audit.listRecent(TEAM, { slackUserId: user(i), limit: 10 });
    await timeEach(20, history); // warm-up
    const h = await timeEach(200, history);
    const hf = await timeEach(200, historyOfFlow);
    const hh = await timeEach(200, home);
    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => history(i)));
    const burst = performance.now() - burstStarted;
    console.log(
      `  history (listVisible, 10): p50 ${ms(pct(h, 50))}, p95 ${ms(pct(h, 95))}, max ${ms(pct(h, 100))}`,
    );
    console.log(
      `  history <flowId>:          p50 ${ms(pct(hf, 50))}, p95 ${ms(pct(hf, 95))}, max ${ms(pct(hf, 100))}`,
    );
    console.log(
      `  Home tab (listRecent, 10): p50 ${ms(pct(hh, 50))}, p95 ${ms(pct(hh, 95))}, max ${ms(pct(hh, 100))}`,
    );
    console.log(`  20 history at once:        all answered in ${ms(burst)}`);

    const retention = startAuditRetention({
      audit: store.audit,
      clock: () => NOW,
      retentionDays: 90,
      logger,
      firstDelayMs: 3_600_000,
    });
    const retentionStarted = performance.now();
    const deleted = await retention.runOnce();
    const retentionS = (performance.now() - retentionStarted) / 1000;
    await retention.stop();
    if (!redis) {
      // SQLite keeps freed pages in the file until VACUUM; the figure after it is the live data.
      await store.close();
      const sqlite3 = require('sqlite3') as typeof import('sqlite3');
      const db = new sqlite3.Database(file);
      await new Promise<void>((resolve, reject) => db.exec('VACUUM', (e) => (e ? reject(e) : resolve())));
      await new Promise<void>((resolve) => db.close(() => resolve()));
    }
    console.log(
      `  retention (90 days): ${deleted.toLocaleString('en-US')} deleted in ${retentionS.toFixed(1)} s; ` +
        `store size after: ${await size()}${redis ? '' : ' (after VACUUM)'}`,
    );
  } finally {
    await store.close().catch(() => undefined);
    redis?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `flow-trigger history bench: ${args.records.toLocaleString('en-US')} records, node ${process.version}`,
  );
  for (const backend of args.backends) await measure(backend, args.records);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

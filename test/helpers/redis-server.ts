/**
 * A Redis for tests.
 *
 * ```ts
 * import { startRedisServer, spawnRedisServer } from '../helpers/redis-server';
 *
 * const redis = await startRedisServer(); // REDIS_URL if set, else a private redis-server
 * const store = await openStore(redis.url, { keyPrefix: redis.keyPrefix });
 * await redis.stop();
 *
 * const own = await spawnRedisServer(); // always a private process, for outage tests
 * await own.stop(); await own.restart(); // same port
 * ```
 *
 * There is no silent skip: without redis-server and without REDIS_URL, both throw and the tests fail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@redis/client';

/** A Redis the tests may use. */
export interface RedisServer {
  url: string;
  /** Unique per call: keys under it belong to this test file alone (REDIS_URL may be shared). */
  keyPrefix: string;
  /** Stops the spawned server, or deletes this prefix's keys from the REDIS_URL server. */
  stop(): Promise<void>;
}

/** A redis-server process of our own, which a test may stop and start again on the same port. */
export interface SpawnedRedisServer extends RedisServer {
  port: number;
  /** Starts the server again on the same port (data is not kept: `--save ''`). */
  restart(): Promise<void>;
}

const INSTALL_HINT =
  'Install redis-server (apt-get install redis-server) or set REDIS_URL to a Redis the tests may use.';

/** REDIS_URL when set (with a unique key prefix), else a private redis-server on a free loopback port. */
export async function startRedisServer(): Promise<RedisServer> {
  const external = process.env.REDIS_URL;
  if (external === undefined || external === '') return spawnRedisServer();
  const keyPrefix = uniquePrefix();
  return { url: external, keyPrefix, stop: () => deleteKeys(external, keyPrefix) };
}

/** Always spawns redis-server (outage tests must be able to stop it); throws when it cannot. */
export async function spawnRedisServer(): Promise<SpawnedRedisServer> {
  const binary = findRedisServer();
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(binary, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    keyPrefix: uniquePrefix(),
    port,
    async stop() {
      const running = child;
      child = undefined;
      if (running) await terminate(running);
    },
    async restart() {
      if (child) await terminate(child);
      child = await launch(binary, port);
    },
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on (at the moment of the call). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

function findRedisServer(): string {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, 'redis-server')),
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`redis-server was not found on PATH or in /usr/bin. ${INSTALL_HINT}`);
}

async function launch(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (error) => {
    exited = `could not start: ${error.message}`;
  });

  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await terminate(child);
  throw new Error(
    `redis-server on port ${port} ${exited ?? 'did not answer PING within 5 s'}. ${INSTALL_HINT}\n${output}`,
  );
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function deleteKeys(url: string, keyPrefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

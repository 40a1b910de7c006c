/**
 * "Never down, never silent", against real processes: src/main.ts is spawned against the loopback
 * fakes, sent a burst of triggers while EnOS answers slowly, and killed with SIGKILL with triggers
 * at every step (queued, announced, sent to EnOS and waiting for its answer, answered). Then a
 * successor takes over: the same process restarted on SQLite, or the surviving replica of two
 * sharing a real redis-server. Counted per request: acknowledged, triggered (never twice), told
 * the instance ID or told why not, followed to the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FakeEnosGateway, startFakeEnosGateway } from './fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/fake-slack-api';
import { type SpawnedRedisServer, spawnRedisServer } from './helpers/redis-server';
import { sendSlashCommand } from './helpers/slack-requests';
import { textOf } from './helpers/text-of';
import { waitFor } from './helpers/wait-for';

const ROOT = join(__dirname, '..');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const SECRET = 'kill-test-signing-secret';
const ORG = 'o15578227985571';
const ALICE = 'U0ALICE01';
/** Requests in the burst, one flow each (EnOS refuses the same flow twice within a minute). */
const REQUESTS = 12;
const FIRST_FLOW = 7000;

interface Proc {
  child: ChildProcess;
  stdout: string[];
  exit: Promise<number | null>;
  base?: string;
}

let slack: FakeSlackApi;
let enos: FakeEnosGateway;
let dir: string;
let procs: Proc[] = [];

beforeEach(async () => {
  slack = await startFakeSlackApi();
  enos = await startFakeEnosGateway();
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-kill-'));
  procs = [];
  enos.addUser({ userId: 'u1', userName: 'alice', orgId: ORG });
  slack.addUser({ id: ALICE, name: 'alice', tz: 'UTC' });
  for (let i = 0; i < REQUESTS; i++) {
    enos.addFlow({ flowId: FIRST_FLOW + i, flowName: `load ${i}`, owner: 'alice' });
  }
});

afterEach(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exit));
  await slack.close();
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(storeUrl: string): Proc {
  const child = spawn(
    process.execPath,
    ['--unhandled-rejections=strict', '--import', TSX, join(ROOT, 'src/main.ts')],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-kill-test-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_API_TIMEOUT_MS: '1000',
        ENOS_API_GATEWAY_URL: enos.url,
        ENOS_ACCESS_KEY: enos.accessKey,
        ENOS_SECRET_KEY: enos.secretKey,
        ENOS_ORG_ID: ORG,
        ENOS_CONNECT_TIMEOUT_MS: '500',
        ENOS_REQUEST_TIMEOUT_MS: '4000',
        FLOW_TRIGGER_ADMINS: 'U0ADMIN01',
        PORT: '0',
        LOG_FORMAT: 'json',
        STORE_URL: storeUrl,
        TRIGGER_CONCURRENCY: '4',
        JOB_LEASE_SECONDS: '2',
        WATCH_TICK_SECONDS: '1',
        WATCH_POLL_MIN_SECONDS: '1',
        WATCH_POLL_MAX_SECONDS: '1',
        // The shortest the configuration allows with these timeouts (a poll may read a failed run's logs).
        WATCH_LEASE_SECONDS: '17',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout: string[] = [];
  child.stdout?.on('data', (d: Buffer) => stdout.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr?.on('data', () => undefined);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: Proc = { child, stdout, exit };
  procs.push(proc);
  return proc;
}

async function running(proc: Proc): Promise<string> {
  const line = await waitFor(
    () =>
      proc.stdout
        .map((l) => JSON.parse(l) as { msg: string; port?: number })
        .find((l) => l.msg === 'flow-trigger is running'),
    { timeoutMs: 20_000, description: 'the app to start' },
  );
  proc.base = `http://127.0.0.1:${line.port}`;
  return proc.base;
}

async function linkAlice(base: string): Promise<void> {
  const res = await sendSlashCommand(base, SECRET, {
    text: `link <@${ALICE}|alice> u1 alice`,
    user_id: 'U0ADMIN01',
    response_url: slack.responseUrl('link'),
  });
  expect(res.status).toBe(200);
  await slack.waitForResponse('link', undefined, 5000);
}

/** Sends the burst, spread over the bases given; every request must be acknowledged. */
async function burst(bases: string[]): Promise<void> {
  const acks = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) =>
      sendSlashCommand(bases[i % bases.length]!, SECRET, {
        text: `${FIRST_FLOW + i} REPLACE=r${i}`,
        user_id: ALICE,
        response_url: slack.responseUrl(`r${i}`),
      }),
    ),
  );
  expect(acks.map((a) => [a.status, a.body])).toEqual(Array.from({ length: REQUESTS }, () => [200, '']));
}

/** What each request came to, as Slack and EnOS saw it. */
function tally() {
  const posts = slack.callsOf('chat.postMessage');
  const perRequest = Array.from({ length: REQUESTS }, (_, i) => {
    const flowId = FIRST_FLOW + i;
    const sends = enos
      .requestsOf('flows.updateAndTrigger')
      .filter((r) => (r.body as { flowId: number }).flowId === flowId);
    const created = enos.triggers.filter((tr) => tr.flowId === flowId && tr.code === 0);
    const instanceId = created[0]?.instanceId;
    const texts = posts.map((c) => textOf(c));
    const toldId =
      instanceId !== undefined && texts.some((t) => t.includes(`Flow instance ID: \`${instanceId}\``));
    const toldWhyNot = texts.some((t) => t.includes(`*${flowId}*`) && t.includes('*not* triggered'));
    return { flowId, sends: sends.length, created: created.length, instanceId, toldId, toldWhyNot };
  });
  return perRequest;
}

/**
 * When to kill: once some triggers reached EnOS (their answers held back) while others still wait
 * in the queue; or once the first run was reported, while other answers are being recorded and
 * replied to (between the watch and the reply).
 */
type KillPoint = 'sent' | 'reported';

async function killMidway(victim: Proc, at: KillPoint, replicas = 1): Promise<void> {
  await waitFor(
    () =>
      // Every trigger slot (TRIGGER_CONCURRENCY, per replica) has reached EnOS: none is between
      // "sent" recorded and the request arriving, a case whose "not found" takes ENOS_REQUEST_TIMEOUT_MS
      // + 60 s to conclude (test/e2e/trigger-recovery.test.ts covers it at the test clock's pace).
      at === 'sent'
        ? enos.triggers.length >= 4 * replicas
        : slack.callsOf('chat.postMessage').some((c) => textOf(c).includes('Flow instance ID')),
    { timeoutMs: 20_000, intervalMs: 2, description: `the kill point (${at})` },
  );
  victim.child.kill('SIGKILL');
  expect(await victim.exit).toBe(null);
}

/** Every request ends told, triggered at most once; every run is followed to its end. */
async function expectNothingLostOrSilent(): Promise<void> {
  const all = await waitFor(
    () => {
      const t = tally();
      return t.every((r) => r.toldId || r.toldWhyNot) && t;
    },
    { timeoutMs: 40_000, intervalMs: 200, description: 'every request to be told its outcome' },
  ).catch((error: unknown) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n${JSON.stringify(tally())}\n` +
        procs
          .flatMap((p) =>
            p.stdout.filter((l) => /"level":(40|50)|recovery|handled|run-watcher|watch/.test(l)),
          )
          .join('\n'),
    );
  });
  // 0 lost, 0 silent, 0 double triggers.
  expect(all.filter((r) => r.sends > 1 || r.created > 1)).toEqual([]);
  expect(all.filter((r) => r.created === 1 && !r.toldId)).toEqual([]);
  expect(all.filter((r) => r.created === 0 && !r.toldWhyNot)).toEqual([]);
  // Nothing here makes EnOS refuse: every request was triggered.
  expect(all.filter((r) => r.created === 1)).toHaveLength(REQUESTS);

  // 0 runs not followed: each run's end is announced (a mention of the caller in its thread).
  for (const r of all) if (r.instanceId) enos.setInstanceStatus(r.instanceId, 1);
  await waitFor(
    () =>
      all.every((r) =>
        slack
          .callsOf('chat.postMessage')
          .some((c) => String(c.args.text).startsWith(`<@${ALICE}>`) && textOf(c).includes(r.instanceId!)),
      ),
    { timeoutMs: 30_000, intervalMs: 200, description: 'every run to be followed to its end' },
  );
}

function holdBackEnos(): void {
  // Get Flow a little slow, Update And Trigger carried out at once but answered 1.5 s later.
  enos.failNext('flows.get', { kind: 'delay', ms: 150 }, REQUESTS);
  enos.failNext('flows.updateAndTrigger', { kind: 'delay', ms: 1500 }, REQUESTS);
}

it.each<KillPoint>(['sent', 'reported'])(
  'SIGKILL on SQLite (at %s): the restarted process loses nothing, leaves nothing silent or unfollowed, triggers nothing twice',
  async (at) => {
    const storeUrl = `sqlite://${join(dir, 'store.sqlite')}`;
    const first = start(storeUrl);
    await linkAlice(await running(first));
    holdBackEnos();
    await burst([first.base!]);
    await killMidway(first, at);

    const second = start(storeUrl);
    await running(second);
    await expectNothingLostOrSilent();
    const logs = second.stdout.map((l) => JSON.parse(l) as { msg: string; found?: number });
    // The log says what recovery found, with counts.
    expect(
      logs.some((l) => l.msg === 'recovery: resuming trigger jobs left unfinished' && (l.found ?? 0) > 0),
    ).toBe(true);
  },
  90_000,
);

describe('two replicas on one redis-server', () => {
  let redis: SpawnedRedisServer;
  beforeEach(async () => {
    redis = await spawnRedisServer();
  });
  afterEach(async () => {
    await redis.stop();
  });

  it('SIGKILL of one replica at every step: the other finishes its work, nothing twice', async () => {
    const a = start(redis.url);
    const b = start(redis.url);
    await linkAlice(await running(a));
    await running(b);
    holdBackEnos();
    await burst([a.base!, b.base!]);
    await killMidway(a, 'sent', 2);
    await expectNothingLostOrSilent();
    // The survivor's recovery took over the killed replica's jobs, and said so with counts.
    const found = b.stdout
      .map((l) => JSON.parse(l) as { msg: string; found?: number })
      .filter((l) => l.msg === 'recovery: resuming trigger jobs left unfinished');
    expect(found.reduce((sum, l) => sum + (l.found ?? 0), 0)).toBeGreaterThan(0);
  }, 90_000);
});

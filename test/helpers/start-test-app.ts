/**
 * The real flow-trigger app, assembled by `composeApp` as `main.ts` assembles it, against loopback fakes: a fake Slack Web
 * API, a fake EnOS gateway that checks every signature, and a real store (a SQLite file by
 * default, or `storeUrl`). Every log line is captured in `logs`, so tests can assert that no
 * secret ever appears.
 *
 * ```ts
 * const t = await startTestApp();
 * const res = await t.command('3377 at 14:00 REPLACE=ddee');
 * const reply = await t.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined);
 * await t.stop();
 * ```
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import type { FlowTriggerApp } from '../../src/app';
import { type AppAdapters, composeApp } from '../../src/compose-app';
import type { Link } from '../../src/core/ports';
import type { EnosClient } from '../../src/enos/create-enos-client';
import type { InFlight } from '../../src/in-flight';
import { createLogger } from '../../src/logger';
import type { BackfillRunner, BackfillRunnerSettings } from '../../src/slack/backfill-runner';
import type { JobRecovery, RecoveryOptions } from '../../src/slack/job-runner';
import { loadPolicyGate, type PolicyFileGate } from '../../src/slack/policy-gate';
import type { RunWatcher, WatchSettings } from '../../src/slack/run-watcher';
import type { Store } from '../../src/store/open-store';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type FakeSlackApi, type FakeSlackApiOptions, startFakeSlackApi } from '../fakes/fake-slack-api';
import { type FakeSocketMode, startFakeSocketMode } from '../fakes/fake-socket-mode';
import { freePort } from './redis-server';
import {
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  type SlackHttpResponse,
  type SlackRequestOptions,
  type SlashCommandFields,
  sendSlashCommand,
} from './slack-requests';

export const BOT_TOKEN = 'xoxb-test-bot-token-0123456789';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const APP_TOKEN = 'xapp-1-A0FAKE001-test-app-token';
export const ENOS_ACCESS_KEY = 'test-access-key-0123456789';
export const ENOS_SECRET_KEY = 'test-enos-secret-key-0123456789';

/** Alice: linked, an owner of flow 3377, in Berlin. */
export const ALICE = {
  slackUserId: 'U0ALICE01',
  userId: 'u15426865866571',
  userName: 'alice',
  orgId: 'o15578227985571',
};
/** Carol: linked, not an owner of anything, in New York. */
export const CAROL = {
  slackUserId: 'U0CAROL01',
  userId: 'u15426865866572',
  userName: 'carol',
  orgId: 'o15578227985571',
};
/** Dave: in Slack, not linked. */
export const DAVE = { slackUserId: 'U0DAVE001' };
/** The admin, who may manage links. */
export const ADMIN = { slackUserId: 'U0ADMIN01' };

/** 2026-11-27 09:00 UTC: 10:00 in Berlin, 04:00 in New York. */
export const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);

export interface TestClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createTestClock(start = NOW): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface TestAppOptions {
  /** Default: a fresh SQLite file. */
  storeUrl?: string;
  enosRequestTimeoutMs?: number;
  /** Point the app somewhere else than the fake gateway (e.g. a closed port). */
  enosGatewayUrl?: string;
  /** Skip the default users, links and flows. */
  empty?: boolean;
  /** Run in Socket Mode against a fake Socket Mode server instead of HTTP. */
  socketMode?: boolean;
  /** Share fakes with another test app (several replicas); they are then not closed by `stop()`. */
  slack?: FakeSlackApi;
  enos?: FakeEnosGateway;
  /** Key prefix in the store; replicas that share a store must share it. */
  keyPrefix?: string;
  /** Share a clock with another test app (replicas, a restart), and with the fake EnOS it starts. */
  clock?: TestClock;
  /**
   * The run watcher's settings. Default: no timer (`tickMs: 0`, tests call `tick()`), the default
   * poll policy, and a 5 s lease.
   */
  watch?: Partial<WatchSettings>;
  /** ENOS_SELF_LINK=email. */
  selfLink?: boolean;
  /** ENOS_SERVER_TIMEZONE (default UTC, the fake EnOS's zone). */
  enosServerZone?: string;
  /** BACKFILL_CAL_DT_OFFSET_DAYS and BACKFILL_MAX_RUNS (default 1 and 100, as in production). */
  backfill?: { calDtOffsetDays?: number; maxRuns?: number };
  /**
   * Recovery of trigger jobs. Default: no timer (`tickMs: 0`: one pass at start, then tests call
   * `recover()`), a 5 s job lease, the default RECOVERY_MAX_AGE_SECONDS.
   */
  recovery?: Partial<RecoveryOptions>;
  /** TRIGGER_CONCURRENCY, TRIGGER_QUEUE_LIMIT and TRIGGER_QUEUE_PER_USER (default 16, 200, 20, as in production). */
  triggers?: { concurrency: number; queueLimit: number; queuePerUser?: number };
  /** POLICY_FILE's text (YAML): loaded as at start, names resolved through the fake Slack. */
  policy?: string;
  /** The fake Slack's channels and user groups, known before the policy file is loaded. */
  directory?: Pick<FakeSlackApiOptions, 'channels' | 'userGroups'>;
  /** The backfill engine. Default: no timer (`tickMs: 0`: tests call `backfills.tick()`). */
  backfillRunner?: Partial<BackfillRunnerSettings>;
  /** Starts an approved backfill (absent: the app's own, through its backfill engine). */
  onBackfillApproved?: AppAdapters['onBackfillApproved'];
}

export interface TestApp {
  slack: FakeSlackApi;
  enos: FakeEnosGateway;
  store: Store;
  enosClient: EnosClient;
  app: FlowTriggerApp;
  inFlight: InFlight;
  clock: TestClock;
  /** HTTP mode: the app's events endpoint; Socket Mode: the /healthz server. */
  baseUrl: string;
  /** Socket Mode only. */
  socket?: FakeSocketMode;
  /** Every log line the app wrote (JSON). */
  logs: string[];
  /** Sends `/flow-trigger <text>` as `user` (default Alice) and waits until the app has finished with it. */
  command(
    text: string,
    fields?: Partial<SlashCommandFields>,
    opts?: SlackRequestOptions,
  ): Promise<SlackHttpResponse & { responseUrlId: string }>;
  /** Waits for all work the app does after its acks. */
  settle(): Promise<void>;
  /** The app's run watcher. */
  watcher: RunWatcher;
  /** One pass of the run watcher at the test clock's time (no timer runs unless `watch.tickMs` is set). */
  tick(): ReturnType<RunWatcher['tick']>;
  /** One recovery pass over the trigger jobs due at the test clock's time. */
  recover(): ReturnType<JobRecovery['tick']>;
  /** The backfill engine (tick() runs one pass at the test clock's time). */
  backfills: BackfillRunner;
  /** One pass of the approval expiry at the test clock's time; resolves with how many expired. */
  expireApprovals(): Promise<number>;
  /**
   * Dies like a killed process: the HTTP server and connections go, but the watcher releases no
   * lease and finishes nothing. The fakes and the store's data are left for a successor.
   */
  crash(): Promise<void>;
  link(user: typeof ALICE): Promise<void>;
  /** Rewrites the policy file and reloads it, as SIGHUP does (only with `policy`). */
  setPolicy(text: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? createTestClock();
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-test-'));
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    secrets: [BOT_TOKEN, SIGNING_SECRET, ENOS_ACCESS_KEY, ENOS_SECRET_KEY],
    destination: { write: (line: string) => logs.push(line) },
  });

  const slack = options.slack ?? (await startFakeSlackApi(options.directory));
  const socket = options.socketMode ? await startFakeSocketMode(slack) : undefined;
  const enos =
    options.enos ??
    (await startFakeEnosGateway({ accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY, clock }));
  let ids = 0;
  // Replicas (a shared Slack) must not make the same IDs: each names the jobs it accepts.
  const idTag = options.slack ? `${randomUUID().slice(0, 4)}-` : '';
  let policy: PolicyFileGate | undefined;
  const policyFile = join(dir, 'policy.yml');
  if (options.policy !== undefined) {
    const file = policyFile;
    writeFileSync(file, options.policy);
    policy = await loadPolicyGate({
      file,
      client: new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      clock,
    });
  }
  const composed = await composeApp(
    {
      store: {
        url: options.storeUrl ?? `sqlite://${join(dir, 'store.sqlite')}`,
        keyPrefix: options.keyPrefix ?? `test-${randomUUID()}:`,
      },
      enos: {
        gatewayUrl: options.enosGatewayUrl ?? enos.url,
        accessKey: ENOS_ACCESS_KEY,
        secretKey: ENOS_SECRET_KEY,
        requestTimeoutMs: options.enosRequestTimeoutMs ?? 2000,
        connectTimeoutMs: 1000,
        retryBackoffMs: [10, 20],
      },
      enosServerZone: options.enosServerZone ?? 'UTC',
      // The fake EnOS counts every request: no Get Current Time that a test did not ask for.
      checkServerClock: false,
      triggers: { concurrency: 16, queueLimit: 200, queuePerUser: 20, ...options.triggers },
      slack: {
        botToken: BOT_TOKEN,
        signingSecret: socket ? undefined : SIGNING_SECRET,
        appToken: socket ? APP_TOKEN : undefined,
        apiUrl: slack.apiUrl,
        apiTimeoutMs: 2000,
        apiRetries: 0,
        // Socket Mode serves /healthz on its own port, which must be known in advance.
        port: socket ? await freePort() : 0,
      },
      defaultZone: 'UTC',
      zoneCacheMs: 60_000,
      admins: [ADMIN.slackUserId],
      defaultOrgId: ALICE.orgId,
      selfLink: options.selfLink ?? false,
      ...(options.backfill ? { backfill: options.backfill } : {}),
      watch: { tickMs: 0, leaseMs: 5000, ...options.watch },
      recovery: { tickMs: 0, leaseMs: 5000, ...options.recovery },
      backfillRunner: { tickMs: 0, ...options.backfillRunner },
    },
    {
      logger,
      clock,
      newId: () => `attempt-${idTag}${++ids}`,
      ...(policy ? { policy } : {}),
      ...(options.onBackfillApproved ? { onBackfillApproved: options.onBackfillApproved } : {}),
    },
  );
  const { store, enos: enosClient, inFlight, app } = composed;
  const { port } = await composed.start();
  const baseUrl = `http://127.0.0.1:${port}`;

  const link = async (user: typeof ALICE) => {
    const record: Link = {
      teamId: DEFAULT_TEAM_ID,
      slackUserId: user.slackUserId,
      userId: user.userId,
      userName: user.userName,
      orgId: user.orgId,
      linkedBy: ADMIN.slackUserId,
      linkedAt: new Date(NOW).toISOString(),
    };
    await store.links.put(record);
  };

  if (!options.empty && !options.slack) {
    slack.addUser({ id: ALICE.slackUserId, name: 'alice', tz: 'Europe/Berlin' });
    slack.addUser({ id: CAROL.slackUserId, name: 'carol', tz: 'America/New_York' });
    slack.addUser({ id: DAVE.slackUserId, name: 'dave', tz: 'Asia/Kolkata' });
    slack.addUser({ id: ADMIN.slackUserId, name: 'admin', tz: 'UTC' });
    enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId });
    enos.addUser({ userId: CAROL.userId, userName: CAROL.userName, orgId: CAROL.orgId });
    enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: ' alice ; bob ' });
    await link(ALICE);
    await link(CAROL);
  }

  let commands = 0;
  const settle = async () => {
    if (!(await inFlight.drain(10_000))) throw new Error('the app did not finish its work within 10 s');
  };
  return {
    slack,
    enos,
    store,
    enosClient,
    app,
    inFlight,
    clock,
    baseUrl,
    socket,
    logs,
    settle,
    link,
    async setPolicy(text) {
      if (!policy) throw new Error('startTestApp: pass `policy` to change it later');
      writeFileSync(policyFile, text);
      await policy.reload();
    },
    watcher: app.watcher,
    tick: () => app.watcher.tick(),
    recover: () => app.recovery.tick(),
    backfills: app.backfills,
    expireApprovals: () => app.approvalExpiry.tick(),
    async crash() {
      await app.app.stop();
      await composed.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async command(text, fields = {}, opts = {}) {
      const responseUrlId = `cmd-${++commands}`;
      const form = {
        text,
        user_id: ALICE.slackUserId,
        channel_id: DEFAULT_CHANNEL_ID,
        response_url: slack.responseUrl(responseUrlId),
        ...fields,
      };
      if (socket) {
        const ack = await socket.sendSlashCommand(form);
        await settle();
        const body = ack.payload && Object.keys(ack.payload).length > 0 ? JSON.stringify(ack.payload) : '';
        return { status: 200, body, headers: {}, responseUrlId };
      }
      const res = await sendSlashCommand(baseUrl, SIGNING_SECRET, form, opts);
      await settle();
      return { ...res, responseUrlId };
    },
    async stop() {
      await composed.stop(5000);
      if (socket) {
        await socket.waitForDisconnect();
        await socket.close();
      }
      slack.assertNoUnhandled();
      const unhandledEnos = enos.unhandled.length;
      if (!options.slack) await slack.close();
      if (!options.enos) await enos.close();
      rmSync(dir, { recursive: true, force: true });
      if (unhandledEnos > 0) throw new Error(`the fake EnOS saw ${unhandledEnos} unknown request(s)`);
    },
  };
}

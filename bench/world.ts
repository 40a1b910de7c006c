/**
 * The world around the system under test, for one phase: the fake Slack Web API and the fake EnOS
 * gateway on loopback (no added latency), the users and flows they know, a temporary SQLite store
 * with every bench user linked, and an observer of the thread replies that arrive at the fake Slack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore } from '../src/store/open-store';
import { type FakeEnosGateway, startFakeEnosGateway } from '../test/fakes/fake-enos-gateway';
import { type FakeSlackApi, type RecordedCall, startFakeSlackApi } from '../test/fakes/fake-slack-api';
import {
  BOT_TOKEN,
  benchEnosUserId,
  benchEnosUserName,
  benchSlackUserId,
  ORG_ID,
  SIGNING_SECRET,
  TEAM_ID,
  type TriggerPlan,
} from './trigger-requests';

/** Counts the thread replies (chat.postMessage with thread_ts) as they arrive. */
export interface ReplyObserver {
  /** Thread replies since the last `resetCounts()`. */
  readonly replies: number;
  /** Replies that report a triggered flow (`:white_check_mark:`). */
  readonly triggered: number;
  /** Called with the RUN tag of the parent message and `performance.now()` at arrival. */
  onReply?: (tag: string | undefined, at: number) => void;
  resetCounts(): void;
  /** Resolves true once `replies >= count` (and quiet for 200 ms), false after `timeoutMs`. */
  waitForReplies(count: number, timeoutMs: number): Promise<boolean>;
}

export interface World {
  slack: FakeSlackApi;
  enos: FakeEnosGateway;
  plan: TriggerPlan;
  /** Temporary directory: the SQLite store, and the child's working directory. */
  dir: string;
  storeUrl: string;
  replies: ReplyObserver;
  /** Environment of the app (PORT is added by startServer). */
  /** Environment of the app: production-like, then the `--app-env` overrides, then `extra`. */
  appEnv(logLevel: string, extra?: Record<string, string>): Record<string, string>;
  /** Environment of bare Bolt. */
  bareEnv(): Record<string, string>;
  close(): Promise<void>;
}

const TAG = /RUN=([A-Za-z0-9_-]+)/;

function observeReplies(slack: FakeSlackApi): ReplyObserver {
  let replies = 0;
  let triggered = 0;
  const observer: ReplyObserver = {
    get replies() {
      return replies;
    },
    get triggered() {
      return triggered;
    },
    resetCounts() {
      replies = 0;
      triggered = 0;
    },
    async waitForReplies(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = -1;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        if (replies !== last) {
          last = replies;
          quietSince = Date.now();
        }
        if (replies >= count && Date.now() - quietSince >= 200) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return replies >= count;
    },
  };
  // The fake has no subscription API; a waiter whose predicate never matches sees every call
  // synchronously as it is recorded (before it is answered), which is the arrival time we want.
  const seen = (call: RecordedCall): boolean => {
    const threadTs = call.args.thread_ts;
    if (typeof threadTs !== 'string') return false;
    const at = performance.now();
    replies += 1;
    if (typeof call.args.text === 'string' && call.args.text.startsWith(':white_check_mark:')) triggered += 1;
    if (observer.onReply) {
      // The parent was stored (with its ts) before the app could reply under it; it is recent.
      let tag: string | undefined;
      for (let i = slack.messages.length - 1; i >= 0; i -= 1) {
        const message = slack.messages[i];
        if (message?.ts === threadTs) {
          tag = TAG.exec(JSON.stringify(message.blocks ?? ''))?.[1];
          break;
        }
      }
      observer.onReply(tag, at);
    }
    return false;
  };
  slack.waitForCall('chat.postMessage', seen, 24 * 3600_000).catch(() => {
    // rejected when the fake closes
  });
  return observer;
}

/** Starts the fakes and seeds them and the store for `plan`. */
let appEnvOverrides: Record<string, string> = {};

/** Variables every app process of this run gets on top of the defaults (`--app-env KEY=VALUE`). */
export function overrideAppEnv(env: Record<string, string>): void {
  appEnvOverrides = { ...env };
}

export async function createWorld(plan: Omit<TriggerPlan, 'responseUrl'>): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-bench-'));
  const slack = await startFakeSlackApi();
  const enos = await startFakeEnosGateway();
  const fullPlan: TriggerPlan = { ...plan, responseUrl: slack.responseUrl('bench') };

  const zones = ['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Shanghai'];
  for (let i = 0; i < plan.users; i += 1) {
    slack.addUser({ id: benchSlackUserId(i), name: benchEnosUserName(i), tz: zones[i % zones.length] });
    enos.addUser({ userId: benchEnosUserId(i), userName: benchEnosUserName(i), orgId: ORG_ID });
  }
  for (let f = 0; f < plan.flows; f += 1) {
    enos.addFlow({
      flowId: plan.flowBase + f,
      flowName: `bench flow ${f}`,
      owner: ` ${benchEnosUserName(f % plan.users)} ; ops-lead `,
    });
  }

  // Links are written with the app's own store code, into the file the app will open.
  const storeFile = join(dir, 'store.sqlite');
  const storeUrl = `sqlite://${storeFile}`;
  const store = await openStore(storeUrl, { logger: pino({ level: 'silent' }) });
  try {
    for (let i = 0; i < plan.users; i += 1) {
      await store.links.put({
        teamId: TEAM_ID,
        slackUserId: benchSlackUserId(i),
        userId: benchEnosUserId(i),
        userName: benchEnosUserName(i),
        orgId: ORG_ID,
        linkedBy: 'UBENCHADM',
        linkedAt: new Date().toISOString(),
      });
    }
  } finally {
    await store.close();
  }

  const replies = observeReplies(slack);
  return {
    slack,
    enos,
    plan: fullPlan,
    dir,
    storeUrl,
    replies,
    appEnv: (logLevel, extra = {}) => ({
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ENOS_API_GATEWAY_URL: enos.url,
      ENOS_ACCESS_KEY: enos.accessKey,
      ENOS_SECRET_KEY: enos.secretKey,
      ENOS_ORG_ID: ORG_ID,
      STORE_URL: storeUrl,
      LOG_LEVEL: logLevel,
      LOG_FORMAT: 'json',
      ...appEnvOverrides,
      ...extra,
    }),
    bareEnv: () => ({
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    }),
    async close() {
      await Promise.allSettled([slack.close(), enos.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Slack Web API calls (and response_url posts) by kind. */
export interface SlackCounts {
  usersInfo: number;
  chatPostMessage: number;
  chatPostEphemeral: number;
  chatUpdate: number;
  otherChat: number;
  authTest: number;
  otherSlack: number;
  responseUrl: number;
}

/** EnOS gateway requests by kind. */
export interface EnosCounts {
  tokenGet: number;
  tokenRefresh: number;
  getFlow: number;
  updateAndTrigger: number;
  /** Get Flow Instance: the run watcher's status polls. */
  getFlowInstance: number;
  otherEnos: number;
  /** Update And Trigger answered with code 0: a flow instance started. */
  enosTriggered: number;
  /** Update And Trigger answered with another code (e.g. 62102: the same flow within 60 s). */
  enosRefused: number;
}

/** Outbound calls the fakes recorded, by kind. */
export type OutboundCounts = SlackCounts & EnosCounts;

function countSlack(slack: FakeSlackApi): SlackCounts {
  const counts: SlackCounts = {
    usersInfo: 0,
    chatPostMessage: 0,
    chatPostEphemeral: 0,
    chatUpdate: 0,
    otherChat: 0,
    authTest: 0,
    otherSlack: 0,
    responseUrl: slack.responses.length,
  };
  for (const c of slack.calls) {
    if (c.method === 'users.info') counts.usersInfo += 1;
    else if (c.method === 'chat.postMessage') counts.chatPostMessage += 1;
    else if (c.method === 'chat.postEphemeral') counts.chatPostEphemeral += 1;
    else if (c.method === 'chat.update') counts.chatUpdate += 1;
    else if (c.method.startsWith('chat.')) counts.otherChat += 1;
    else if (c.method === 'auth.test') counts.authTest += 1;
    else counts.otherSlack += 1;
  }
  return counts;
}

function countEnos(enos: FakeEnosGateway): EnosCounts {
  const counts: EnosCounts = {
    tokenGet: 0,
    tokenRefresh: 0,
    getFlow: 0,
    updateAndTrigger: 0,
    getFlowInstance: 0,
    otherEnos: 0,
    enosTriggered: 0,
    enosRefused: 0,
  };
  for (const r of enos.requests) {
    if (r.action === 'token.get') counts.tokenGet += 1;
    else if (r.action === 'token.refresh') counts.tokenRefresh += 1;
    else if (r.action === 'flows.get') counts.getFlow += 1;
    else if (r.action === 'flows.updateAndTrigger') counts.updateAndTrigger += 1;
    else if (r.action === 'flowInstances.get') counts.getFlowInstance += 1;
    else counts.otherEnos += 1;
  }
  for (const t of enos.triggers) {
    if (t.code === 0) counts.enosTriggered += 1;
    else counts.enosRefused += 1;
  }
  return counts;
}

/** Every outbound call of the world's lifetime so far. */
export function countOutbound(world: World): OutboundCounts {
  return { ...countSlack(world.slack), ...countEnos(world.enos) };
}

/** `b - a`, key by key: the calls of one window. */
export function diffCounts(b: OutboundCounts, a: OutboundCounts): OutboundCounts {
  const d = { ...b };
  for (const key of Object.keys(d) as Array<keyof OutboundCounts>) d[key] -= a[key];
  return d;
}

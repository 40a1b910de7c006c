/**
 * The `backfill` phase of `npm run bench` (issue 13): one replica with 50 backfills of 30 dates in
 * progress and 1,000 watched runs, over one hour of SIMULATED time, in one process:
 *
 * - the real composed app (composeApp: engine, watcher, trigger-job path) on a SQLite store in a
 *   temporary directory, its clock injected; the loopback fake Slack Web API and fake EnOS gateway;
 * - time advances in 5 s steps; each step runs the engine's pass and the watcher's pass, as their
 *   timers would (both are built with tickMs 0);
 * - EnOS's runs are moved by the bench (the fake's own clock-driven progress is off): a watched run
 *   takes 20–60 minutes, a backfill's run 1–3 minutes (so that the quicker backfills end within the hour); a watched run that ends is replaced by a new
 *   one, so that 1,000 are watched throughout;
 * - measured: EnOS calls per simulated minute by kind against what was due (the watches due at each
 *   pass; each backfill's next run at max(previous end, previous answer + 61 s)), the CPU time of
 *   one watcher pass and one engine pass, the heap and RSS after a forced GC every 5 simulated
 *   minutes, and the backfill's own overhead: record writes and Slack edits per run state change.
 *
 *   npx tsx bench/measure-backfill.ts            # prints the figures
 *   npx tsx bench/measure-backfill.ts --quick    # 15 simulated minutes
 *   npx tsx bench/measure-backfill.ts --write    # also writes the "Backfill engine" section of docs/benchmarks.md
 *
 * A forced GC needs `--expose-gc`: without it the script runs itself again in a child node that has it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { composeApp } from '../src/compose-app';
import type { BackfillRecord, BackfillRecordRun } from '../src/core/backfill';
import { BACKFILL_SPACING_MS } from '../src/core/backfill-progress';
import { newRunWatch } from '../src/core/new-run-watch';
import type { EnosIdentity, RunWatch } from '../src/core/ports';
import { isTerminalStatus } from '../src/core/run-status';
import { DEFAULT_WATCH_POLICY, pollInterval } from '../src/core/watch-policy';
import { createLogger } from '../src/logger';
import { type FakeEnosRequest, startFakeEnosGateway } from '../test/fakes/fake-enos-gateway';
import { startFakeSlackApi } from '../test/fakes/fake-slack-api';
import { createTestClock } from '../test/helpers/start-test-app';

const ROOT = join(__dirname, '..');
const TEAM_ID = 'T0BENCHBF';
const ORG_ID = 'o15578227985571';
const BOT_TOKEN = 'xoxb-bench-backfill-bot-0123456789';
/** The bench's own posts (the watched runs' parent messages): told apart from the app's by token. */
const SEEDER_TOKEN = 'xoxb-bench-backfill-seeder-0123456789';
const ACCESS_KEY = 'bench-access-key-0123456789';
const SECRET_KEY = 'bench-secret-key-0123456789';
const CHANNEL = 'C0BENCHBF1';
const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const STEP_MS = 5_000;
const WATCHED = 1_000;
const BACKFILLS = 50;
const DATES = 30;
const STARTERS = 10;
const WATCH_FLOWS = 100;
const WATCH_FLOW_BASE = 5_000;
const BACKFILL_FLOW_BASE = 7_000;

export const BACKFILL_START_MARKER = '<!-- bench:backfill:start -->';
export const BACKFILL_END_MARKER = '<!-- bench:backfill:end -->';

export interface BackfillMinute {
  minute: number;
  updateAndTrigger: number;
  getFlow: number;
  getFlowInstance: number;
  other: number;
  /** Watch due times that fell in this minute (each should be one Get Flow Instance). */
  duePolls: number;
  /** Backfill runs whose trigger fell due in this minute. */
  dueTriggers: number;
}

export interface CpuFigures {
  passes: number;
  medianMs: number;
  p90Ms: number;
  maxMs: number;
}

export interface BackfillPhase {
  simulatedMinutes: number;
  stepS: number;
  backfills: number;
  dates: number;
  watched: number;
  wallS: number;
  minutes: BackfillMinute[];
  totals: { updateAndTrigger: number; getFlow: number; getFlowInstance: number; other: number };
  /** Distinct watch due times seen over the hour, and how many were polled by the end. */
  duePolls: number;
  duePolled: number;
  /** Get Flow Instance of a run that was not due (or not watched) at that pass. */
  notDuePolls: number;
  /** Polled more than once for the same due time. */
  repeatedPolls: number;
  /** Backfill runs triggered, and those triggered before they were due. */
  triggers: number;
  earlyTriggers: number;
  refusedTriggers: number;
  /** From due to Update And Trigger at the fake, seconds (simulated). */
  triggerDelayMedianS: number;
  triggerDelayMaxS: number;
  minTriggerGapS: number;
  watcherCpu: CpuFigures;
  engineCpu: CpuFigures;
  memory: Array<{ minute: number; heapUsedMB: number; rssMB: number }>;
  heapSlopeMBPerHour: number;
  rssSlopeMBPerHour: number;
  /** The same from the first sample under load (5′) on: the 0′ sample is taken before any pass. */
  heapSlopeLoadedMBPerHour: number;
  rssSlopeLoadedMBPerHour: number;
  overhead: {
    runStateChanges: number;
    backfillEnds: number;
    recordWrites: number;
    writesWithoutStateChange: number;
    progressEdits: number;
    threadPosts: number;
  };
  /** Watched runs that ended and were replaced during the hour. */
  watchedReplaced: number;
  appLogLines: number;
  appLogMessages: Record<string, number>;
  /** From a watch's due time to the pass that polled it, seconds (simulated; a pass every step). */
  pollLatenessMedianS: number;
  pollLatenessP90S: number;
  pollLatenessMaxS: number;
}

/** A small deterministic generator: the same runs every time. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The p-th percentile of values given as value → count. */
function histogramPercentile(counts: Map<number, number>, p: number): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rank = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (const [value, count] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen > rank) return value;
  }
  return Number.NaN;
}

function cpuFigures(values: number[]): CpuFigures {
  return {
    passes: values.length,
    medianMs: percentile(values, 50),
    p90Ms: percentile(values, 90),
    maxMs: Math.max(...values),
  };
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const MB = 1024 * 1024;

export async function simulateBackfills(options: { minutes: number; log: (line: string) => void }) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('measure-backfill needs node --expose-gc');
  const { log } = options;
  const wallStart = performance.now();
  const rand = random(13);
  const clock = createTestClock(T0);
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-bench-backfill-'));
  const slack = await startFakeSlackApi();
  const enos = await startFakeEnosGateway({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, clock });
  let appLogLines = 0;
  const appLogMessages: Record<string, number> = {};
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    secrets: [BOT_TOKEN, ACCESS_KEY, SECRET_KEY],
    destination: new Writable({
      write(chunk, _enc, done) {
        appLogLines += 1;
        const msg = (/"msg":"([^"]*)"/.exec(String(chunk))?.[1] ?? '?').slice(0, 120);
        appLogMessages[msg] = (appLogMessages[msg] ?? 0) + 1;
        done();
      },
    }),
  });
  const composed = await composeApp(
    {
      store: { url: `sqlite://${join(dir, 'store.sqlite')}`, keyPrefix: 'bench:' },
      enos: {
        gatewayUrl: enos.url,
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        requestTimeoutMs: 5000,
        connectTimeoutMs: 1000,
      },
      enosServerZone: 'UTC',
      checkServerClock: false,
      triggers: { concurrency: 16, queueLimit: 200, queuePerUser: 20 },
      slack: {
        botToken: BOT_TOKEN,
        signingSecret: 'bench-signing-secret-0123456789',
        apiUrl: slack.apiUrl,
        apiTimeoutMs: 5000,
        apiRetries: 0,
        port: 0,
      },
      defaultZone: 'UTC',
      zoneCacheMs: 60_000,
      admins: [],
      defaultOrgId: ORG_ID,
      selfLink: false,
      // No timers: the bench calls each pass at the simulated time, as the timers would.
      watch: { tickMs: 0 },
      recovery: { tickMs: 0 },
      backfillRunner: { tickMs: 0 },
    },
    {
      logger,
      clock,
      newId: (() => {
        let n = 0;
        return () => `bench-${++n}`;
      })(),
    },
  );
  await composed.start();
  const { store, app } = composed;
  const seeder = new WebClient(SEEDER_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });

  try {
    // --- who and what ---------------------------------------------------------------------------
    const watcherIdentity: EnosIdentity = { userId: 'u-bench-watch', orgId: ORG_ID, userName: 'bench.watch' };
    enos.addUser({ ...watcherIdentity });
    for (let f = 0; f < WATCH_FLOWS; f++) {
      enos.addFlow({ flowId: WATCH_FLOW_BASE + f, flowName: `watched flow ${f}`, owner: 'bench.watch' });
    }
    const starters: EnosIdentity[] = [];
    for (let i = 0; i < STARTERS; i++) {
      const identity = { userId: `u-bench-bf-${i}`, orgId: ORG_ID, userName: `bench.bf${i}` };
      starters.push(identity);
      enos.addUser({ ...identity });
      slack.addUser({ id: `U0BENCHB${i}`, name: identity.userName, tz: 'Europe/Berlin' });
      await store.links.put({
        teamId: TEAM_ID,
        slackUserId: `U0BENCHB${i}`,
        ...identity,
        linkedBy: 'U0BENCHADM',
        linkedAt: new Date(T0).toISOString(),
      });
    }

    // --- the fake EnOS's runs, moved by the bench -------------------------------------------------
    /** Unfinished runs and when they end (simulated ms). */
    const endsAt = new Map<string, number>();
    const runMsOfFlow = new Map<number, number>();
    for (let b = 0; b < BACKFILLS; b++) runMsOfFlow.set(BACKFILL_FLOW_BASE + b, (1 + 2 * rand()) * MINUTE);
    let triggersSeen = 0;
    const moveRuns = (now: number) => {
      for (; triggersSeen < enos.triggers.length; triggersSeen++) {
        const t = enos.triggers[triggersSeen]!;
        if (t.code !== 0 || !t.instanceId) continue;
        enos.setInstanceStatus(t.instanceId, 2);
        endsAt.set(t.instanceId, t.at + (runMsOfFlow.get(Number(t.flowId)) ?? 3 * MINUTE));
      }
      for (const [id, end] of endsAt) {
        if (end <= now) {
          enos.setInstanceStatus(id, 1);
          endsAt.delete(id);
        }
      }
    };

    // --- 1,000 watched runs, already in progress --------------------------------------------------
    const liveWatched = new Set<string>();
    /** Messages of the live watched runs (their thread), kept in the fake Slack. */
    const watchedThreads = new Map<string, string>();
    let watchedSerial = 0;
    const postThread = async (text: string) => {
      const parent = await seeder.chat.postMessage({ channel: CHANNEL, text });
      const reply = await seeder.chat.postMessage({ channel: CHANNEL, thread_ts: parent.ts!, text: '…' });
      return { threadTs: parent.ts!, replyTs: reply.ts! };
    };
    const newWatched = async (now: number, inProgress: boolean) => {
      const n = watchedSerial++;
      const flowId = WATCH_FLOW_BASE + (n % WATCH_FLOWS);
      const runMs = (20 + 40 * rand()) * MINUTE;
      const elapsed = inProgress ? rand() * runMs : 0;
      const instance = enos.addInstance({
        flowId,
        triggerTime: now - elapsed,
        status: 2,
        owner: watcherIdentity.userName,
        userId: watcherIdentity.userId,
        orgId: ORG_ID,
      });
      endsAt.set(instance.instanceId, now - elapsed + runMs);
      const { threadTs, replyTs } = await postThread(`watched run ${n}`);
      const run = {
        instanceId: instance.instanceId,
        teamId: TEAM_ID,
        attemptId: `watched-${n}`,
        slackUserId: 'U0BENCHW1',
        identity: watcherIdentity,
        flowId,
        flowName: `watched flow ${n % WATCH_FLOWS}`,
        triggerTime: now - elapsed,
        channelId: CHANNEL,
        threadTs,
        reply: { channelId: CHANNEL, ts: replyTs },
        private: false,
      };
      if (inProgress) {
        // A run some way into its life: some polls without a change behind it, its next one due
        // within its current interval, so that the seeded watches are not all due at once.
        const step = Math.floor(rand() * 5);
        const watch: RunWatch = {
          ...newRunWatch(DEFAULT_WATCH_POLICY, run, now - elapsed),
          step,
          polls: step + 1,
          lastStatus: 2,
          lastPhase: 'running',
          nextPollAt: now + Math.floor(rand() * pollInterval(DEFAULT_WATCH_POLICY, step)),
        };
        await store.watches.put(watch);
      } else {
        // A run triggered now: watched as the trigger path watches it.
        await app.watcher.startWatch(run);
      }
      liveWatched.add(instance.instanceId);
      watchedThreads.set(instance.instanceId, threadTs);
    };
    for (let i = 0; i < WATCHED; i++) await newWatched(T0, true);

    // --- 50 backfills of 30 dates, started as the Start button starts them --------------------------
    const backfillThreads = new Set<string>();
    const progressTs = new Set<string>();
    const lastWritten = new Map<string, BackfillRecord>();
    for (let b = 0; b < BACKFILLS; b++) {
      const flowId = BACKFILL_FLOW_BASE + b;
      const identity = starters[b % STARTERS]!;
      enos.addFlow({ flowId, flowName: `backfilled flow ${b}`, owner: ` ${identity.userName} ; ops-lead ` });
      const runs: BackfillRecordRun[] = Array.from({ length: DATES }, (_, d) => {
        const businessDate = new Date(Date.UTC(2026, 9, 1 + d)).toISOString().slice(0, 10);
        const triggerTime = Date.parse(`${businessDate}T01:00:00Z`) + DAY;
        return {
          businessDate,
          triggerTime,
          local: `${new Date(triggerTime).toISOString().slice(0, 10)} 01:00`,
          state: 'pending',
          attempts: 0,
        };
      });
      const id = `bf-bench-${b}`;
      const { threadTs, replyTs } = await postThread(`backfill ${b}`);
      const claim = await store.claims.claim(`backfill-flow:${TEAM_ID}:${flowId}`, id, 30 * DAY);
      if (!claim.claimed) throw new Error('the flow of a bench backfill is taken');
      const record: BackfillRecord = {
        id,
        teamId: TEAM_ID,
        slackUserId: `U0BENCHB${b % STARTERS}`,
        identity,
        flowId,
        flowName: `backfilled flow ${b}`,
        owners: [identity.userName, 'ops-lead'],
        parameters: [{ key: 'REGION', value: 'eu' }],
        order: 'oldest-first',
        onFailure: 'stop',
        zone: 'UTC',
        serverZone: 'UTC',
        channelId: CHANNEL,
        threadTs,
        progress: { channelId: CHANNEL, ts: replyTs },
        runs,
        status: 'running',
        nextAt: T0,
        createdAt: T0,
        updatedAt: T0,
      };
      await store.backfills.put(record);
      lastWritten.set(id, record);
      backfillThreads.add(threadTs);
      progressTs.add(replyTs);
    }

    // The backfill records the engine writes, and what changed in each: counted in the bench only.
    const overhead = {
      runStateChanges: 0,
      backfillEnds: 0,
      recordWrites: 0,
      writesWithoutStateChange: 0,
      progressEdits: 0,
      threadPosts: 0,
    };
    const backfillStore = store.backfills;
    const put = backfillStore.put.bind(backfillStore);
    backfillStore.put = async (record) => {
      const before = lastWritten.get(record.id);
      let changes = 0;
      record.runs.forEach((run, i) => {
        if (run.state !== before?.runs[i]?.state) changes += 1;
      });
      if (record.status !== before?.status) {
        changes += 1;
        overhead.backfillEnds += record.status === 'running' ? 0 : 1;
      }
      overhead.recordWrites += 1;
      overhead.runStateChanges += changes;
      if (changes === 0) overhead.writesWithoutStateChange += 1;
      lastWritten.set(record.id, record);
      await put(record);
    };

    // --- the hour ---------------------------------------------------------------------------------
    const steps = Math.round((options.minutes * MINUTE) / STEP_MS);
    const minutes: BackfillMinute[] = Array.from({ length: options.minutes }, (_, minute) => ({
      minute,
      updateAndTrigger: 0,
      getFlow: 0,
      getFlowInstance: 0,
      other: 0,
      duePolls: 0,
      dueTriggers: 0,
    }));
    // The last due time seen and polled per watch: bounded by the watches, not by the hour.
    const dueSeen = new Map<string, number>();
    const duePolled = new Map<string, number>();
    let duePolls = 0;
    let duePolledCount = 0;
    let notDuePolls = 0;
    let repeatedPolls = 0;
    // Seconds from due time to poll, counted per whole step: a bounded histogram, not a growing list.
    const pollLateness = new Map<number, number>();
    let watchedReplaced = 0;
    const watcherCpu: number[] = [];
    const engineCpu: number[] = [];
    const memory: BackfillPhase['memory'] = [];
    const requests = enos.requests as FakeEnosRequest[];
    const calls = slack.calls as unknown as Array<(typeof slack.calls)[number]>;
    const messages = slack.messages as unknown as Array<(typeof slack.messages)[number]>;
    calls.length = 0;
    requests.length = 0;

    const sample = (minute: number) => {
      gc();
      const m = process.memoryUsage();
      memory.push({ minute, heapUsedMB: m.heapUsed / MB, rssMB: m.rss / MB });
    };
    const cpuMs = (start: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(start);
      return (d.user + d.system) / 1000;
    };

    for (let s = 0; s < steps; s++) {
      const now = T0 + s * STEP_MS;
      clock.set(now);
      const minute = Math.floor((s * STEP_MS) / MINUTE);
      const bucket = minutes[minute]!;
      moveRuns(now);
      if ((s * STEP_MS) % (5 * MINUTE) === 0) {
        // The fakes keep every message; those of finished runs are let go, so the heap is the app's.
        const keep = new Set([...backfillThreads, ...progressTs, ...watchedThreads.values()]);
        for (let i = messages.length - 1; i >= 0; i--) {
          const m = messages[i]!;
          if (!keep.has(m.ts) && !(m.thread_ts && keep.has(m.thread_ts))) messages.splice(i, 1);
        }
        for (const id of dueSeen.keys()) {
          if (isTerminalStatus(enos.instance(id)?.status ?? 1)) {
            dueSeen.delete(id);
            duePolled.delete(id);
          }
        }
        sample(minute);
      }

      // What is due at this pass: every watch whose poll time has come.
      const due = new Map<string, number>();
      for (const w of await store.watches.listDue(now, 100_000)) {
        due.set(w.instanceId, w.nextPollAt);
        if (dueSeen.get(w.instanceId) !== w.nextPollAt) {
          dueSeen.set(w.instanceId, w.nextPollAt);
          duePolls += 1;
          const m = minutes[Math.max(0, Math.floor((w.nextPollAt - T0) / MINUTE))];
          if (m) m.duePolls += 1;
        }
      }

      let cpu = process.cpuUsage();
      await app.backfills.tick();
      engineCpu.push(cpuMs(cpu));
      cpu = process.cpuUsage();
      await app.watcher.tick();
      watcherCpu.push(cpuMs(cpu));
      await composed.inFlight.drain(10_000);

      const ended: string[] = [];
      for (const r of requests) {
        if (r.action === 'flows.updateAndTrigger') bucket.updateAndTrigger += 1;
        else if (r.action === 'flows.get') bucket.getFlow += 1;
        else if (r.action === 'flowInstances.get') {
          bucket.getFlowInstance += 1;
          const id = r.query.flowInstId ?? '';
          const dueAt = due.get(id);
          if (dueAt === undefined) notDuePolls += 1;
          else {
            if (duePolled.get(id) === dueAt) repeatedPolls += 1;
            else duePolledCount += 1;
            duePolled.set(id, dueAt);
            const late = (now - dueAt) / 1000;
            pollLateness.set(late, (pollLateness.get(late) ?? 0) + 1);
          }
          if (liveWatched.has(id) && isTerminalStatus(enos.instance(id)?.status ?? 0)) ended.push(id);
        } else bucket.other += 1;
      }
      requests.length = 0;
      for (const c of calls) {
        if (c.token === SEEDER_TOKEN) continue;
        if (c.method === 'chat.update' && progressTs.has(String(c.args.ts))) overhead.progressEdits += 1;
        if (c.method === 'chat.postMessage' && backfillThreads.has(String(c.args.thread_ts)))
          overhead.threadPosts += 1;
      }
      calls.length = 0;

      // A watched run that ended is followed by a new one: 1,000 watched throughout.
      for (const id of ended) {
        if (await store.watches.get(id)) continue;
        liveWatched.delete(id);
        watchedThreads.delete(id);
        watchedReplaced += 1;
        await newWatched(now, false);
      }
      if (s % 120 === 0)
        log(
          `  simulated minute ${minute}: ${liveWatched.size} watched, wall ${((performance.now() - wallStart) / 1000).toFixed(0)} s`,
        );
    }
    clock.set(T0 + steps * STEP_MS);
    sample(options.minutes);

    // --- triggers against their due times -----------------------------------------------------------
    const delays: number[] = [];
    let earlyTriggers = 0;
    let minGap = Number.POSITIVE_INFINITY;
    const triggersOf = new Map<number, Array<{ at: number; code: number }>>();
    for (const t of enos.triggers) {
      const list = triggersOf.get(Number(t.flowId)) ?? [];
      list.push({ at: t.at, code: t.code });
      triggersOf.set(Number(t.flowId), list);
    }
    const refusedTriggers = enos.triggers.filter((t) => t.code !== 0).length;
    for (let b = 0; b < BACKFILLS; b++) {
      const record = await store.backfills.get(TEAM_ID, `bf-bench-${b}`);
      const sent = triggersOf.get(BACKFILL_FLOW_BASE + b) ?? [];
      if (!record) continue;
      let dueAt = T0;
      for (let i = 0; i < record.runs.length; i++) {
        const run = record.runs[i]!;
        const m = minutes[Math.floor((dueAt - T0) / MINUTE)];
        if (m) m.dueTriggers += 1;
        const trigger = sent[i];
        if (!trigger) break;
        if (trigger.at < dueAt) earlyTriggers += 1;
        delays.push((trigger.at - dueAt) / 1000);
        const next = sent[i + 1];
        if (next) minGap = Math.min(minGap, (next.at - trigger.at) / 1000);
        if (run.answeredAt === undefined || run.endedAt === undefined) break;
        dueAt = Math.max(run.endedAt, run.answeredAt + BACKFILL_SPACING_MS);
      }
    }

    const totals = { updateAndTrigger: 0, getFlow: 0, getFlowInstance: 0, other: 0 };
    for (const m of minutes) {
      totals.updateAndTrigger += m.updateAndTrigger;
      totals.getFlow += m.getFlow;
      totals.getFlowInstance += m.getFlowInstance;
      totals.other += m.other;
    }
    const hours = (x: number) => x / 60;
    const result: BackfillPhase = {
      simulatedMinutes: options.minutes,
      stepS: STEP_MS / 1000,
      backfills: BACKFILLS,
      dates: DATES,
      watched: WATCHED,
      wallS: (performance.now() - wallStart) / 1000,
      minutes,
      totals,
      duePolls,
      duePolled: duePolledCount,
      notDuePolls,
      repeatedPolls,
      triggers: delays.length,
      earlyTriggers,
      refusedTriggers,
      triggerDelayMedianS: percentile(delays, 50),
      triggerDelayMaxS: Math.max(...delays),
      minTriggerGapS: minGap,
      watcherCpu: cpuFigures(watcherCpu),
      engineCpu: cpuFigures(engineCpu),
      memory,
      heapSlopeMBPerHour: slope(memory.map((p) => [hours(p.minute), p.heapUsedMB])),
      rssSlopeMBPerHour: slope(memory.map((p) => [hours(p.minute), p.rssMB])),
      heapSlopeLoadedMBPerHour: slope(memory.slice(1).map((p) => [hours(p.minute), p.heapUsedMB])),
      rssSlopeLoadedMBPerHour: slope(memory.slice(1).map((p) => [hours(p.minute), p.rssMB])),
      overhead,
      watchedReplaced,
      appLogLines,
      appLogMessages,
      pollLatenessMedianS: histogramPercentile(pollLateness, 50),
      pollLatenessP90S: histogramPercentile(pollLateness, 90),
      pollLatenessMaxS: Math.max(...pollLateness.keys()),
    };
    return result;
  } finally {
    await composed.stop(5000).catch(() => undefined);
    await Promise.allSettled([slack.close(), enos.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

/** The console table and the docs section share these lines. */
export function renderBackfillMarkdown(
  r: BackfillPhase,
  context: { command: string; machine: string; at: string },
): string {
  const perMin = (n: number) => f1(n / r.simulatedMinutes);
  const maxOf = (key: keyof BackfillMinute) => Math.max(...r.minutes.map((m) => m[key]));
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');
  const o = r.overhead;
  const first = r.memory[0];
  const last = r.memory[r.memory.length - 1];
  const maxHeap = Math.max(...r.memory.map((p) => p.heapUsedMB));
  const maxRss = Math.max(...r.memory.map((p) => p.rssMB));
  const lines = [
    '## Backfill engine',
    '',
    `Generated by \`${context.command}\` on ${context.at} (${f1(r.wallS)} s of wall time for ${r.simulatedMinutes} simulated minutes).`,
    '',
    `- Machine: ${context.machine}.`,
    `- One process, one replica: the composed app (engine, run watcher, trigger-job path) on a SQLite store in a temporary directory, its clock injected; the fake Slack Web API and fake EnOS gateway on loopback in the same process. ` +
      `Simulated time advances in ${r.stepS} s steps; each step runs one engine pass and one watcher pass, as their timers do.`,
    `- Load: ${r.watched} watched runs (20–60 simulated minutes each, seeded part-way through; each that ends is replaced by a new one, ${r.watchedReplaced} over the run) ` +
      `and ${r.backfills} backfills of ${r.dates} dates on ${r.backfills} flows (runs of 1–3 simulated minutes, oldest first, so that the quicker ones end within the hour).`,
    '',
    '| EnOS call | total | per minute (mean) | per minute (max) |',
    '|---|---:|---:|---:|',
    `| Update And Trigger | ${r.totals.updateAndTrigger} | ${perMin(r.totals.updateAndTrigger)} | ${maxOf('updateAndTrigger')} |`,
    `| Get Flow | ${r.totals.getFlow} | ${perMin(r.totals.getFlow)} | ${maxOf('getFlow')} |`,
    `| Get Flow Instance | ${r.totals.getFlowInstance} | ${perMin(r.totals.getFlowInstance)} | ${maxOf('getFlowInstance')} |`,
    `| others (token included) | ${r.totals.other} | ${perMin(r.totals.other)} | ${maxOf('other')} |`,
    '',
    `The watcher takes at most 50 due watches per pass (its batch size), 600 Get Flow Instance per minute at a 5 s tick: ` +
      `${r.minutes.filter((m) => m.getFlowInstance >= 600).length} of the ${r.simulatedMinutes} minutes reached that ceiling, and a due poll waited for a later pass then (the lateness below).`,
    '',
    '| against what was due | measured |',
    '|---|---|',
    `| watch polls due (distinct due times) / polled | ${r.duePolls} / ${r.duePolled} |`,
    `| Get Flow Instance of a run not due at that pass | ${r.notDuePolls} |`,
    `| the same due time polled twice | ${r.repeatedPolls} |`,
    `| from due time to poll, median / p90 / max | ${f1(r.pollLatenessMedianS)} s / ${f1(r.pollLatenessP90S)} s / ${f1(r.pollLatenessMaxS)} s |`,
    `| backfill runs triggered | ${r.triggers} (${r.refusedTriggers} refused by EnOS) |`,
    `| triggered before due (max(previous end, previous answer + 61 s)) | ${r.earlyTriggers} |`,
    `| delay from due to Update And Trigger, median / max | ${f1(r.triggerDelayMedianS)} s / ${f1(r.triggerDelayMaxS)} s |`,
    `| shortest gap between two triggers of one flow | ${f1(r.minTriggerGapS)} s |`,
    `| Get Flow per Update And Trigger | ${ratio(r.totals.getFlow, r.totals.updateAndTrigger)} |`,
    '',
    '| CPU of one pass (process.cpuUsage, user + system) | passes | median ms | p90 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    `| watcher pass | ${r.watcherCpu.passes} | ${f2(r.watcherCpu.medianMs)} | ${f2(r.watcherCpu.p90Ms)} | ${f2(r.watcherCpu.maxMs)} |`,
    `| engine pass | ${r.engineCpu.passes} | ${f2(r.engineCpu.medianMs)} | ${f2(r.engineCpu.p90Ms)} | ${f2(r.engineCpu.maxMs)} |`,
    '',
    'The CPU is the whole process’s: it includes the fakes answering the pass’s calls on loopback (signature checks, JSON) and, for the watcher, the backfill ends it hands to the engine (one record write, one edit, the next step kicked).',
    '',
    `| memory after a forced GC, every 5 simulated minutes | first | last | max | slope |`,
    '|---|---:|---:|---:|---:|',
    `| heap used MB | ${f1(first?.heapUsedMB ?? Number.NaN)} | ${f1(last?.heapUsedMB ?? Number.NaN)} | ${f1(maxHeap)} | ${f2(r.heapSlopeMBPerHour)} MB per simulated hour (${f2(r.heapSlopeLoadedMBPerHour)} from 5′) |`,
    `| RSS MB | ${f1(first?.rssMB ?? Number.NaN)} | ${f1(last?.rssMB ?? Number.NaN)} | ${f1(maxRss)} | ${f2(r.rssSlopeMBPerHour)} MB per simulated hour (${f2(r.rssSlopeLoadedMBPerHour)} from 5′) |`,
    '',
    `The 0′ sample is taken after the seeding, before the first pass. Heap samples (MB): ${r.memory.map((p) => `${p.minute}′ ${f1(p.heapUsedMB)}`).join(', ')}. ` +
      `The fakes share the heap; the bench empties their call logs every step and lets go of finished runs’ messages; the fake EnOS keeps every instance (${r.watchedReplaced + r.triggers} new ones over the run), which the growth under load includes.`,
    '',
    '| a backfill’s own overhead | count | per run state change |',
    '|---|---:|---:|',
    `| run state changes (pending → running → done), and backfill status changes | ${o.runStateChanges} (${o.backfillEnds} status) | 1 |`,
    `| backfill record writes | ${o.recordWrites} | ${ratio(o.recordWrites, o.runStateChanges)} |`,
    `| of which changed no run state | ${o.writesWithoutStateChange} | |`,
    `| progress reply edits (chat.update) | ${o.progressEdits} | ${ratio(o.progressEdits, o.runStateChanges)} |`,
    `| messages in the backfills’ threads (chat.postMessage) | ${o.threadPosts} | ${ratio(o.threadPosts, o.runStateChanges)} |`,
    '',
    `The app wrote ${r.appLogLines} log lines at warn and above${
      r.appLogLines > 0
        ? `: ${Object.entries(r.appLogMessages)
            .sort((a, b) => b[1] - a[1])
            .map(([m, n]) => `${n} × “${m}”`)
            .join(', ')}`
        : ''
    }.`,
  ];
  return lines.join('\n');
}

export function machineLine(): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const name = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type();
  return (
    `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB; ${name}, Linux ${os.release()}; ` +
    `Node ${process.version}; load average ${os.loadavg()[0]?.toFixed(2)} at the start`
  );
}

/** Replaces the backfill section of docs/benchmarks.md (between its markers; appended if missing). */
export function writeBackfillSection(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(BACKFILL_START_MARKER);
  const end = current.indexOf(BACKFILL_END_MARKER);
  const block = `${BACKFILL_START_MARKER}\n${section.trim()}\n${BACKFILL_END_MARKER}`;
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + BACKFILL_END_MARKER.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/**
 * For `npm run bench`: the phase in a child node with `--expose-gc` (a forced GC, and a heap of its
 * own, apart from the other phases' fakes). Resolves with its figures.
 */
export async function measureBackfill(options: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<BackfillPhase> {
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-bench-backfill-out-'));
  const out = join(dir, 'backfill.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          join(ROOT, 'bench/measure-backfill.ts'),
          '--json',
          out,
          ...(options.quick ? ['--quick'] : []),
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      child.stdout.setEncoding('utf8');
      let buffered = '';
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) options.log(line);
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the backfill phase failed (exit ${code})`);
    return JSON.parse(readFileSync(out, 'utf8')) as BackfillPhase;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const minutesAt = argv.indexOf('--minutes');
  const minutes = minutesAt >= 0 ? Number(argv[minutesAt + 1]) : quick ? 15 : 60;
  const jsonAt = argv.indexOf('--json');
  const json = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  if (!(globalThis as { gc?: () => void }).gc) {
    // Again, in a node that can force a GC.
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...argv], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    process.exit(code ?? 1);
  }
  const log = (line: string) => console.log(line);
  const at = new Date().toISOString();
  const machine = machineLine();
  log(
    `backfill bench: ${BACKFILLS} backfills of ${DATES} dates, ${WATCHED} watched runs, ${quick ? 15 : 60} simulated minutes`,
  );
  const result = await simulateBackfills({ minutes, log });
  if (json) {
    writeFileSync(json, JSON.stringify(result));
    return;
  }
  const markdown = renderBackfillMarkdown(result, {
    command: `npx tsx bench/measure-backfill.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`,
    machine,
    at,
  });
  log('');
  log(markdown);
  if (argv.includes('--write') && minutes === 60) {
    writeBackfillSection(join(ROOT, 'docs/benchmarks.md'), markdown);
    log('\nwritten to docs/benchmarks.md');
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}

/**
 * Turns the measurements into the Markdown that `npm run bench` writes into docs/benchmarks.md,
 * between the `bench:results` markers (the hand-written text around them is kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AckPhase } from './measure-ack';
import type { ColdStartPhase } from './measure-cold-start';
import type { E2ePhase } from './measure-e2e';
import type { IntakePhase } from './measure-intake';
import type { MemoryPhase } from './measure-memory';
import type { OutboundCounts } from './world';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  kernel: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverage: number;
}

export interface BenchResults {
  startedAt: string;
  durationS: number;
  command: string;
  machine: Machine;
  settings: {
    logLevel: string;
    /** `app on CPU 1; bench, fakes and load generator on CPU 0`, or `none`. */
    pinning: string;
    quick: boolean;
    users: number;
    /** Which build of the app ran. */
    appBuild: string;
  };
  ack?: AckPhase;
  e2e?: E2ePhase;
  memory?: MemoryPhase;
  coldStart?: ColdStartPhase;
  /** What the durable intake's store writes add to each ack (bench/measure-intake.ts). */
  intake?: IntakePhase;
}

export const START_MARKER = '<!-- bench:results:start -->';
export const END_MARKER = '<!-- bench:results:end -->';

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(2));
const ms0 = (v: number) => v.toFixed(0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');
const levelName = (x: { connections: number; rate?: number }) =>
  x.rate === undefined ? `${x.connections}` : `${x.connections} at ${x.rate} req/s`;

/** The targets of the issue, evaluated; shared by the report and the console summary. */
export function evaluateTargets(r: BenchResults): Array<{ target: string; measured: string; met: boolean }> {
  const rows: Array<{ target: string; measured: string; met: boolean }> = [];
  for (const rate of [undefined, ...new Set(r.ack?.runs.map((x) => x.rate).filter((x) => x !== undefined))]) {
    const at50 = (kind: 'app' | 'bare') =>
      r.ack?.runs.find((x) => x.kind === kind && x.connections === 50 && x.rate === rate);
    const app50 = at50('app');
    const bare50 = at50('bare');
    if (!app50 || !bare50) continue;
    const q = app50.load.latency.p99 / bare50.load.latency.p99;
    const refused = app50.load.refused;
    rows.push({
      target: `ack p99 within 1.2× of bare Bolt at 50 connections, ${rate === undefined ? 'closed loop (saturated)' : `${rate} req/s`}`,
      measured:
        `${ms(app50.load.latency.p99)} ms vs ${ms(bare50.load.latency.p99)} ms = ${q.toFixed(2)}×` +
        (refused > 0 ? ` (${refused} of ${app50.load.ok} answers refused as busy)` : ''),
      met: q <= 1.2,
    });
  }
  const seq = r.e2e?.series.find((s) => s.concurrency === 1);
  if (seq) {
    rows.push({
      target: 'end-to-end p50 under 20 ms on loopback',
      measured: `${ms(seq.e2e.p50)} ms (one at a time)`,
      met: seq.e2e.p50 < 20,
    });
  }
  if (r.memory && r.memory.checkpoints.length >= 2) {
    const first = r.memory.checkpoints[0]?.gc;
    const last = r.memory.checkpoints[r.memory.checkpoints.length - 1]?.gc;
    if (first && last) {
      // The heap after a full GC is what the app holds on to. RSS after a GC also counts memory
      // already freed that V8 and malloc keep for reuse: it moves up and down with no trend over long
      // runs (docs/benchmarks.md), so it is shown, not judged.
      const heapGrowth = last.heapUsed - first.heapUsed;
      rows.push({
        target: 'flat memory (after-GC heap grows < 10% from the first to the last checkpoint)',
        measured: `heap ${mb(first.heapUsed)} → ${mb(last.heapUsed)} MB (RSS ${mb(first.rss)} → ${mb(last.rss)} MB)`,
        met: heapGrowth < 0.1 * first.heapUsed,
      });
    }
  }
  const outbound = r.e2e?.outbound;
  if (outbound) {
    rows.push({
      target: 'one token fetch for the whole run (per app process)',
      measured: `${outbound.tokenGet} token/get, ${outbound.tokenRefresh} token/refresh for ${r.e2e?.totalTriggers} triggers`,
      met: outbound.tokenGet + outbound.tokenRefresh === 1,
    });
    rows.push({
      target: 'users.info cached',
      measured: `${outbound.usersInfo} calls for ${r.e2e?.totalTriggers} triggers by ${r.settings.users} users`,
      met: outbound.usersInfo <= r.settings.users,
    });
  }
  return rows;
}

function outboundTable(counts: OutboundCounts, triggers: number): string[] {
  const rows: Array<[string, number]> = [
    ['EnOS token (token/get)', counts.tokenGet],
    ['EnOS token (token/refresh)', counts.tokenRefresh],
    ['EnOS Get Flow', counts.getFlow],
    ['EnOS Update And Trigger', counts.updateAndTrigger],
    ['EnOS Get Flow Instance (run watcher)', counts.getFlowInstance],
    ['EnOS other', counts.otherEnos],
    ['Slack users.info', counts.usersInfo],
    ['Slack chat.postMessage', counts.chatPostMessage],
    ['Slack chat.postEphemeral', counts.chatPostEphemeral],
    ['Slack chat.update (run watcher)', counts.chatUpdate],
    ['Slack chat.* other', counts.otherChat],
    ['Slack auth.test', counts.authTest],
    ['Slack other methods', counts.otherSlack],
    ['response_url posts', counts.responseUrl],
  ];
  return [
    '| outbound call | total | per trigger |',
    '|---|---:|---:|',
    ...rows.map(([name, n]) => `| ${name} | ${n} | ${(n / Math.max(1, triggers)).toFixed(3)} |`),
  ];
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `Generated by \`${r.command}\` on ${r.startedAt} in ${r.durationS.toFixed(0)} s${r.settings.quick ? ' (**quick mode: smaller samples**)' : ''}.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; ${m.os}, Linux ${m.kernel}; Node ${m.node}; load average ${m.loadAverage.toFixed(2)} at the start.`,
    `- App: \`node main.js\` of ${r.settings.appBuild}, \`NODE_ENV=production\`, \`LOG_FORMAT=json\`, \`LOG_LEVEL=${r.settings.logLevel}\`, SQLite store in a temporary directory.`,
    `- CPU pinning: ${r.settings.pinning}.`,
    `- Fakes: test/fakes/fake-slack-api.ts and test/fakes/fake-enos-gateway.ts on 127.0.0.1, no added latency; ${r.settings.users} linked users.`,
    '',
  );

  if (r.ack) {
    const a = r.ack;
    out.push(
      '### 1. Ack latency and throughput',
      '',
      `autocannon, each level one run: ${a.warmupS} s of warm-up (not counted, on the same connections) then ${a.measureS} s measured; ` +
        'latency = request written → ack read, 2xx only. ' +
        'Closed loop (a number of connections, each sending its next request when the ack arrives) unless a rate is given. ' +
        'The app’s answers include those that refused a trigger because its queue was full (“busy”, counted in the next table); ' +
        '“app accepted p99” is the p99 of the others alone.',
      '',
      '| connections | bare p50 ms | bare p99 ms | bare req/s | app p50 ms | app p99 ms | app req/s | app accepted p99 ms | app/bare p50 | app/bare p99 | app/bare req/s |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const key = (x: { connections: number; rate?: number }) => `${x.connections}@${x.rate ?? ''}`;
    const levels = [...new Map(a.runs.map((x) => [key(x), x])).values()];
    for (const level of levels) {
      const bare = a.runs.find((x) => x.kind === 'bare' && key(x) === key(level))?.load;
      const app = a.runs.find((x) => x.kind === 'app' && key(x) === key(level))?.load;
      if (!bare || !app) continue;
      out.push(
        `| ${levelName(level)} | ${ms(bare.latency.p50)} | ${ms(bare.latency.p99)} | ${ms0(bare.requestsPerSec)} | ` +
          `${ms(app.latency.p50)} | ${ms(app.latency.p99)} | ${ms0(app.requestsPerSec)} | ` +
          `${app.acceptedLatency.count > 0 ? ms(app.acceptedLatency.p99) : '–'} | ` +
          `${ratio(app.latency.p50, bare.latency.p50)} | ${ratio(app.latency.p99, bare.latency.p99)} | ` +
          `${ratio(app.requestsPerSec, bare.requestsPerSec)} |`,
      );
    }
    out.push(
      '',
      'The app’s work after each ack, per level:',
      '',
      '| connections | acked (with warm-up) | of which refused as busy | thread replies | of which triggered | max backlog (accepted, not yet replied) | drain after load ms | triggers completed/s | errors/non-2xx/timeouts |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const run of a.runs.filter((x) => x.kind === 'app')) {
      out.push(
        `| ${levelName(run)} | ${run.load.okTotal} | ${run.load.refusedTotal} | ${run.replies ?? '–'} | ${run.triggered ?? '–'} | ${run.maxBacklog ?? '–'} | ` +
          `${run.drainMs === undefined ? '–' : ms0(run.drainMs)} | ${run.completedPerSec === undefined ? '–' : ms0(run.completedPerSec)} | ${run.load.errors}/${run.load.non2xx}/${run.load.timeouts} |`,
      );
    }
    const t = a.appOutbound;
    out.push(
      '',
      `Over the closed-loop levels (one app process) the app answered ${a.appAcked} commands (warm-ups included; ` +
        `${a.appRefused} of them refused as busy), fetched ` +
        `${t.tokenGet + t.tokenRefresh} EnOS token(s), called users.info ${t.usersInfo} times, and EnOS started ` +
        `${t.enosTriggered} runs (${t.enosRefused} refused). Its run watcher polled ${t.getFlowInstance} runs and ` +
        `updated ${t.chatUpdate} thread replies. It wrote ${a.appLogLines} log lines` +
        (a.appLogLines > 0
          ? `: ${Object.entries(a.appLogMessages)
              .sort((x, y) => y[1] - x[1])
              .map(([m, n]) => `${n} × “${m}”`)
              .join(', ')}.`
          : '.'),
      '',
    );
  }

  if (r.e2e) {
    const e = r.e2e;
    out.push(
      '### 2. End to end: signed request → thread reply at the fake Slack',
      '',
      `After ${e.warmup} warm-up triggers; keep-alive connection(s) to the app.`,
      '',
      '| in flight | triggers | e2e p50 ms | e2e p90 ms | e2e p99 ms | e2e max ms | ack p50 ms | ack p99 ms | triggered | missing |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...e.series.map(
        (s) =>
          `| ${s.concurrency} | ${s.triggers} | ${ms(s.e2e.p50)} | ${ms(s.e2e.p90)} | ${ms(s.e2e.p99)} | ${ms(s.e2e.max)} | ` +
          `${ms(s.ack.p50)} | ${ms(s.ack.p99)} | ${s.triggered} | ${s.missing} |`,
      ),
      '',
      `Outbound calls of that app process over its whole life (${e.totalTriggers} triggers, warm-up included):`,
      '',
      ...outboundTable(e.outbound, e.totalTriggers),
      '',
    );
  }

  if (r.memory) {
    const mem = r.memory;
    out.push(
      '### 3. Memory of the app process',
      '',
      `${mem.warmup} warm-up triggers, then ${mem.triggers} triggers at ${mem.connections} connections in ` +
        `${mem.checkpoints.length} parts, each followed by a forced GC. Acks took ${mem.loadS.toFixed(1)} s; ` +
        `the last thread reply came ${mem.drainS.toFixed(1)} s after the start; at most ${mem.maxBacklog} ` +
        `triggers were acknowledged but not yet answered. ${mem.triggered} of ${mem.replies} replies report a triggered flow.`,
      '',
      '| point | RSS MB | heap used MB | heap total MB | external MB |',
      '|---|---:|---:|---:|---:|',
      `| after warm-up, forced GC | ${mb(mem.baseline.gc.rss)} | ${mb(mem.baseline.gc.heapUsed)} | ${mb(mem.baseline.gc.heapTotal)} | ${mb(mem.baseline.gc.external)} |`,
      `| **peak during the ${mem.triggers} triggers** | **${mb(mem.peakRss)}** | | | |`,
      ...mem.checkpoints.map(
        (c) =>
          `| after ${c.triggers} triggers, forced GC | ${mb(c.gc.rss)} | ${mb(c.gc.heapUsed)} | ${mb(c.gc.heapTotal)} | ${mb(c.gc.external)} |`,
      ),
      '',
      `Peak from ${mem.peakFromHwm ? 'VmHWM (reset with /proc/<pid>/clear_refs before the load) and' : ''} VmRSS sampled every 25 ms.`,
      '',
    );
  }

  if (r.coldStart) {
    const c = r.coldStart;
    out.push(
      '### 4. Cold start: spawn → `/healthz` 200',
      '',
      `${c.starts} starts each, after one unmeasured start.`,
      '',
      '| process | median ms | min ms | max ms |',
      '|---|---:|---:|---:|',
      `| app (\`node dist/main.js\`) | ${ms0(c.app.median)} | ${ms0(c.app.min)} | ${ms0(c.app.max)} |`,
      `| bare Bolt (\`node bench/bare-bolt.js\`) | ${ms0(c.bare.median)} | ${ms0(c.bare.min)} | ${ms0(c.bare.max)} |`,
      '',
    );
  }

  const targets = evaluateTargets(r);
  if (targets.length > 0) {
    out.push(
      '### Targets',
      '',
      '| target | measured | |',
      '|---|---|---|',
      ...targets.map((t) => `| ${t.target} | ${t.measured} | ${yes(t.met)} |`),
      '',
    );
  }
  return out.join('\n');
}

const TEMPLATE = `# Benchmarks

${START_MARKER}
${END_MARKER}
`;

/** Replaces what lies between the markers of `file` (created if missing) with `section`. */
export function writeResults(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : TEMPLATE;
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const base =
    start >= 0 && end > start ? current : `${current.trimEnd()}\n\n${START_MARKER}\n${END_MARKER}\n`;
  const s = base.indexOf(START_MARKER) + START_MARKER.length;
  const e = base.indexOf(END_MARKER);
  writeFileSync(file, `${base.slice(0, s)}\n${section.trim()}\n${base.slice(e)}`);
}

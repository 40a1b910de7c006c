/**
 * 5. What the durable intake adds to the ack: the two store writes a trigger request costs before
 * Slack gets its ack (the delivery claim, then the job; src/slack/trigger-from-slack.ts), timed
 * one request at a time on the store the app uses by default, a SQLite file (WAL). Each sample is
 * the claim plus the job write; the job is removed afterwards, untimed, as its worker would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { newTriggerJob } from '../src/core/trigger-job';
import { DELIVERY_TTL_MS } from '../src/slack/claim-delivery';
import { openStore } from '../src/store/open-store';

export interface IntakePhase {
  store: string;
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface IntakeOptions {
  samples: number;
  warmup: number;
  log: (line: string) => void;
}

export async function measureIntake(options: IntakeOptions): Promise<IntakePhase> {
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-intake-'));
  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`, {
    logger: pino({ level: 'silent' }),
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const id = `job-${i}`;
      const job = newTriggerJob(
        id,
        {
          teamId: 'T0BENCH01',
          slackUserId: 'U0BENCH01',
          channelId: 'C0BENCH01',
          teamDomain: 'bench',
          responseUrl: `https://hooks.slack.com/commands/T0BENCH01/${i}/abcdefghijklmnopqrstuvwx`,
          deliveryKey: `command:T0BENCH01:${i}.1234567890.abcdef`,
          source: 'command',
        },
        { flowId: 3377, when: { kind: 'now' }, parameters: [{ key: 'REPLACE', value: `v${i}` }] },
        Date.now(),
        30_000,
      );
      const started = performance.now();
      await store.claims.claim(`delivery:${job.origin.deliveryKey}`, id, DELIVERY_TTL_MS);
      await store.jobs.put(job);
      const took = performance.now() - started;
      if (i >= options.warmup) times.push(took);
      await store.jobs.remove(id);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const phase: IntakePhase = {
    store: 'SQLite file',
    samples: times.length,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: times[times.length - 1]!,
  };
  options.log(
    `  intake (delivery claim + job write, ${phase.store}, ${phase.samples} requests one at a time): ` +
      `p50 ${phase.p50Ms.toFixed(3)} ms, p90 ${phase.p90Ms.toFixed(3)} ms, p99 ${phase.p99Ms.toFixed(3)} ms, max ${phase.maxMs.toFixed(2)} ms`,
  );
  return phase;
}

/**
 * The store work of one trigger (read the link, claim the duplicate guard, write the audit
 * record, update the claim, write the record again), `triggers` times with 16 at once, on a
 * SQLite file: triggers per second and the process's CPU per trigger (main thread and the
 * libuv pool that runs SQLite). Not part of `npm run bench`; run it alone to compare two
 * versions of src/store:
 *
 *     npx tsx bench/measure-store.ts [triggers]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { AuditRecord, Link } from '../src/core/ports';
import { openStore } from '../src/store/open-store';

const CONCURRENCY = 16;
const WARM_UP = 50;

async function main(): Promise<void> {
  const triggers = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'flow-trigger-store-bench-'));
  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`, {
    logger: pino({ level: 'silent' }),
  });
  try {
    const link: Link = {
      teamId: 'T1',
      slackUserId: 'U1',
      userId: 'u1',
      userName: 'alice',
      orgId: 'o1',
      linkedBy: 'U0',
      linkedAt: new Date().toISOString(),
    };
    await store.links.put(link);
    const oneTrigger = async (i: number): Promise<void> => {
      const now = new Date().toISOString();
      await store.links.get('T1', 'U1');
      await store.claims.claim(`dup:${i}`, 'pending', 60_000);
      const record: AuditRecord = {
        id: `a${i}`,
        teamId: 'T1',
        slackUserId: 'U1',
        enosUserId: 'u1',
        enosUserName: 'alice',
        orgId: 'o1',
        flowId: 3377,
        triggerTime: Date.now(),
        zone: 'UTC',
        parameters: [{ key: 'REPLACE', value: 'ddee' }],
        source: 'command',
        requestedAt: now,
        updatedAt: now,
        channelId: 'C1',
        outcome: 'pending',
      };
      await store.audit.put(record);
      await store.claims.update(`dup:${i}`, 'posted', 60_000);
      await store.audit.put({ ...record, outcome: 'triggered', instanceId: `3377-${i}` });
    };

    for (let i = 0; i < WARM_UP; i += 1) await oneTrigger(-1 - i);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < triggers) await oneTrigger(next++);
    };
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuUsPerTrigger = (cpu.user + cpu.system) / triggers;
    console.log(
      `${triggers} triggers' store work, ${CONCURRENCY} at once: ${Math.round(elapsedMs)} ms, ` +
        `${Math.round((triggers / elapsedMs) * 1000)} triggers/s, ${Math.round(cpuUsPerTrigger)} µs CPU per trigger`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

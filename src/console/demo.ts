import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createEnosClient } from '../enos/create-enos-client';
import { DEMO_IDENTITY, DEMO_SLACK_USER, seedDemoWorld } from '../enos/simulator/demo-world';
import { scaledClock } from '../enos/simulator/scaled-clock';
import { startFakeEnosGateway } from '../enos/simulator/start-enos-simulator';
import { createLogger } from '../logger';
import { openStore } from '../store/open-store';
import { CONSOLE_HELP } from './run-console';
import { startConsole } from './start-console';

/** DEMO_TIME_SCALE: how many times faster the demo's clock runs (1 = real time). */
const TimeScale = z.coerce.number().min(1).max(1000).default(10);

/**
 * `npm run demo`: the EnOS simulator on loopback, an SQLite store in a temporary folder, a demo
 * user linked, and the terminal front end. Nothing leaves the machine and no variable is needed.
 */
async function demo(): Promise<number> {
  const scale = TimeScale.safeParse(process.env.DEMO_TIME_SCALE || undefined);
  if (!scale.success) {
    process.stderr.write('DEMO_TIME_SCALE must be a number from 1 to 1000 (default 10).\n');
    return 78;
  }
  // Logs only for what goes wrong, on stderr: stdout is the conversation.
  const logger = createLogger({
    level: 'error',
    format: 'pretty',
    destination: process.stderr,
  });
  const clock = scaledClock(scale.data);
  const folder = mkdtempSync(join(tmpdir(), 'flow-trigger-demo-'));
  const simulator = await startFakeEnosGateway({ clock, autoProgress: true });
  seedDemoWorld(simulator);
  const store = await openStore(`sqlite://${join(folder, 'demo.sqlite')}`, { logger });
  const enos = createEnosClient({
    gatewayUrl: simulator.url,
    accessKey: simulator.accessKey,
    secretKey: simulator.secretKey,
    logger,
  });
  try {
    await store.links.put({
      ...DEMO_SLACK_USER,
      ...DEMO_IDENTITY,
      linkedBy: DEMO_SLACK_USER.slackUserId,
      linkedAt: new Date(clock()).toISOString(),
    });
    await startConsole(
      {
        enos,
        links: store.links,
        claims: store.claims,
        audit: store.audit,
        watches: store.watches,
        clock,
        logger,
        as: DEMO_SLACK_USER,
        zone: 'UTC',
        serverZone: 'UTC',
        admins: [],
        selfLink: false,
        // Polls every 10 s of the demo's clock at first: each second at the default scale.
        watch: {
          policy: { minIntervalMs: 10_000, maxIntervalMs: 60_000, maxWatchMs: 3_600_000 },
          tickMs: 250,
        },
        enosTimeoutMs: 15_000,
        // Looked at 4 times a second: their waits (61 s between runs) pass on the demo's clock.
        backfills: { store: store.backfills, tickMs: 250 },
      },
      [
        `flow-trigger demo: an EnOS simulator on this machine, time ${scale.data}× faster (DEMO_TIME_SCALE), linked as the demo user.`,
        'Flows: 3377 daily load (succeeds), 3378 meter load (fails), 4000 (no task), 5000 (someone else’s), 6000 (locked).',
        ...CONSOLE_HELP,
      ],
      logger,
    );
    return 0;
  } finally {
    await Promise.allSettled([enos.close(), store.close(), simulator.close()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

demo().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`the demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);

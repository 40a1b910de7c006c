import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsoleBackfillStart,
  type ConsoleServices,
  composeConsole,
} from '../../src/console/compose-console';
import { createConsoleOutput } from '../../src/console/console-output';
import { answerLine, type ConsoleSession } from '../../src/console/run-console';
import { createEnosClient } from '../../src/enos/create-enos-client';
import { createLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store/open-store';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';

/**
 * The console's `start` after a backfill preview, with the backfill engine's port handed in (it is
 * wired at merge; here a recording port stands in for the engine): the engine gets exactly the
 * runs shown, and without the port `start` says that this build cannot start one.
 */
const NOW = Date.parse('2026-11-27T09:00:00Z');

let enos: FakeEnosGateway;
let dir: string;
let store: Store;
let printed: string;
let running: ConsoleServices[] = [];
let clients: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  enos = await startFakeEnosGateway({ clock: () => NOW });
  enos.setTimeZone('UTC');
  enos.addUser({ userId: 'u1', userName: 'ana', orgId: 'o1' });
  enos.addFlow({
    flowId: 3377,
    flowName: 'daily load',
    owner: 'ana',
    parameters: [{ key: 'REPLACE', value: 'none' }],
  });
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-console-backfill-'));
  store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  await store.links.put({
    teamId: 'T1',
    slackUserId: 'U1',
    userId: 'u1',
    userName: 'ana',
    orgId: 'o1',
    linkedBy: 'UADMIN',
    linkedAt: new Date(NOW).toISOString(),
  });
  printed = '';
});

afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await store.close();
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The console's session on the fake gateway and a real store, answering typed lines. */
function session(startBackfill?: (input: ConsoleBackfillStart) => Promise<{ backfillId: string }>) {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'error',
    format: 'json',
    destination: { write: (l: string) => logs.push(l) },
  });
  const out = createConsoleOutput({ write: (t) => (printed += t), tty: false, colour: false });
  const client = createEnosClient({
    gatewayUrl: enos.url,
    accessKey: enos.accessKey,
    secretKey: enos.secretKey,
    logger,
  });
  const services = composeConsole({
    enos: client,
    links: store.links,
    claims: store.claims,
    audit: store.audit,
    watches: store.watches,
    clock: () => NOW,
    logger,
    as: { teamId: 'T1', slackUserId: 'U1' },
    zone: 'Europe/Berlin',
    serverZone: 'UTC',
    admins: [],
    selfLink: false,
    watch: {
      policy: { minIntervalMs: 60_000, maxIntervalMs: 60_000, maxWatchMs: 3_600_000 },
      tickMs: 60_000,
    },
    enosTimeoutMs: 5_000,
    out,
    ...(startBackfill ? { startBackfill } : {}),
  });
  running.push(services);
  clients.push(client);
  const c: ConsoleSession = { services, out, logger, setRedrawPrompt: () => undefined };
  return { type: (line: string) => answerLine(line, c), logs };
}

test('start hands the engine exactly the runs previewed, as the console user, with the options', async () => {
  const started: ConsoleBackfillStart[] = [];
  const { type } = session(async (input) => {
    started.push(input);
    return { backfillId: 'bf-1' };
  });
  await type('backfill 3377 2026-11-01 to 2026-11-03 newest first keep going REPLACE=ddee');
  expect(printed).toContain('3 runs for business dates 2026-11-01 … 2026-11-03, newest first');
  expect(printed).toContain('Parameters, for every run: REPLACE=ddee (instead of none)');
  await type('start');
  expect(started).toEqual([
    {
      as: { teamId: 'T1', slackUserId: 'U1' },
      identity: expect.objectContaining({ userId: 'u1', userName: 'ana', orgId: 'o1' }),
      flow: expect.objectContaining({ flowId: 3377, flowName: 'daily load' }),
      // The flow's daily time is 01:00 server time (UTC): each business date + 1 day, newest first.
      runs: [
        {
          businessDate: '2026-11-03',
          triggerTime: Date.parse('2026-11-04T01:00:00Z'),
          local: '2026-11-04 02:00',
          serverLocal: '2026-11-04 01:00',
        },
        {
          businessDate: '2026-11-02',
          triggerTime: Date.parse('2026-11-03T01:00:00Z'),
          local: '2026-11-03 02:00',
          serverLocal: '2026-11-03 01:00',
        },
        {
          businessDate: '2026-11-01',
          triggerTime: Date.parse('2026-11-02T01:00:00Z'),
          local: '2026-11-02 02:00',
          serverLocal: '2026-11-02 01:00',
        },
      ],
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
      order: 'newest-first',
      onFailure: 'keep-going',
    },
  ]);
  expect(printed).toContain('Backfill bf-1 started: 3 run(s), one at a time.');
  // The engine triggers; the console's preview and start never did.
  expect(enos.triggers).toEqual([]);
});

test('without the engine, start says so and nothing runs; no after the question starts nothing', async () => {
  const { type } = session();
  await type('backfill 3377 2026-11-01');
  expect(printed).toMatch(
    /^2026-11-01 → 2026-11-02 02:00 Europe\/Berlin · 2026-11-02 01:00 server time \(UTC\)$/m,
  );
  await type('start');
  expect(printed).toContain(
    'Starting a backfill from the console is not available in this build: nothing was triggered.',
  );

  const started: ConsoleBackfillStart[] = [];
  const withEngine = session(async (input) => {
    started.push(input);
    return { backfillId: 'bf-2' };
  });
  await withEngine.type('backfill 3377 2026-11-01');
  await withEngine.type('n');
  expect(printed).toMatch(/^Not started\.$/m);
  expect(started).toEqual([]);
  expect(enos.triggers).toEqual([]);
});

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';

/**
 * `npm run console -- --as T…:U…` against a configured EnOS (the simulator, moved by the test) and
 * store: it acts as that user's link, prints the run's end, and audits with source `console`.
 */
jest.setTimeout(90_000);

const root = join(__dirname, '..', '..');
let enos: FakeEnosGateway;
let dir: string;
let child: ChildProcessWithoutNullStreams;
let output = '';
let errors = '';

function waitFor(pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const match = output.slice(from).match(pattern);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match);
      }
    }, 50);
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no ${pattern} in the console's output:\n${output}\nstderr:\n${errors}`));
    }, timeoutMs);
  });
}

beforeAll(async () => {
  enos = await startFakeEnosGateway();
  enos.setTimeZone('UTC');
  enos.addUser({ userId: 'u1', userName: 'ana', orgId: 'o1' });
  enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: 'ana' });
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-console-test-'));
  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  await store.links.put({
    teamId: 'T1',
    slackUserId: 'U1',
    userId: 'u1',
    userName: 'ana',
    orgId: 'o1',
    linkedBy: 'UADMIN',
    linkedAt: new Date().toISOString(),
  });
  await store.close();
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill();
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `console-main.ts --as T1:U1` against the simulator and the test store, its output collected. */
function startConsoleProcess(extraEnv: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  output = '';
  errors = '';
  const proc = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(root, 'src', 'console', 'console-main.ts'),
      '--as',
      'T1:U1',
    ],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NO_COLOR: '1',
        SLACK_BOT_TOKEN: 'xoxb-console-test-token',
        SLACK_SIGNING_SECRET: 'console-test-signing-secret',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        ENOS_API_GATEWAY_URL: enos.url,
        ENOS_ACCESS_KEY: enos.accessKey,
        ENOS_SECRET_KEY: enos.secretKey,
        ENOS_ORG_ID: 'o1',
        STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
        ENOS_SERVER_TIMEZONE: 'UTC',
        ...extraEnv,
      },
    },
  );
  proc.stdout.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  proc.stderr.on('data', (c: Buffer) => {
    errors += c.toString('utf8');
  });
  return proc;
}

test('--as T1:U1 triggers as ana, shows the run end, audits with source console', async () => {
  child = startConsoleProcess({ WATCH_POLL_MIN_SECONDS: '1' });
  await waitFor(/flow-trigger console, as U1 \(EnOS user ana\) in T1/);
  child.stdin.write('3377 now REPLACE=ddee\n');
  const [, instanceId = ''] = await waitFor(/Flow instance ID: (3377-\d{14})/);
  expect(enos.triggers).toEqual([
    expect.objectContaining({
      userId: 'u1',
      orgId: 'o1',
      flowId: 3377,
      parameters: [{ key: 'REPLACE', value: 'ddee' }],
      code: 0,
      instanceId,
    }),
  ]);
  enos.setInstanceStatus(instanceId, 1);
  await waitFor(new RegExp(`Flow 3377 · daily load succeeded .*\\(instance ${instanceId}\\)`));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end();
  expect(await exited).toBe(0);

  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  try {
    const records = await store.audit.listVisible('T1', {
      slackUserId: 'U1',
      channelId: 'console',
      limit: 10,
    });
    expect(records).toEqual([
      expect.objectContaining({ flowId: 3377, source: 'console', slackUserId: 'U1', instanceId }),
    ]);
  } finally {
    await store.close();
  }
});

test('without --as it says how to call it', async () => {
  const usage = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/console/console-main.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH },
    },
  );
  let said = '';
  usage.stderr.on('data', (c: Buffer) => {
    said += c.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => usage.on('exit', resolve));
  expect(code).toBe(64);
  expect(said).toContain('usage: npm run console -- --as <SlackUserId>');
});

test('POLICY_FILE applies in the console too: a rule that names channels refuses it, before EnOS', async () => {
  const policyFile = join(dir, 'policy.yml');
  writeFileSync(
    policyFile,
    'rules:\n  - name: loads from on-call only\n    flows: [3377]\n    channels: [C0ONCALL1]\n',
  );
  const before = enos.triggers.length;
  child = startConsoleProcess({ POLICY_FILE: policyFile });
  await waitFor(/flow-trigger console, as U1/);
  child.stdin.write('3377 now REPLACE=policy\n');
  await waitFor(/loads from on-call only/);
  expect(output).toMatch(/not triggered/i);
  // The preview and the backfill's preview are asked without a conversation too, and ask nothing.
  let from = output.length;
  child.stdin.write('preview 3377 REPLACE=policy\n');
  await waitFor(/lets people run flow 3377 only from .*, and the console has no channel\./, 30_000, from);
  from = output.length;
  child.stdin.write('backfill 3377 last 2 days\n');
  await waitFor(
    /lets people backfill flow 3377 only from .*, and the console has no channel\./,
    30_000,
    from,
  );
  expect(output).not.toMatch(/^(trigger|start)\? \[y\/N\]$/m);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end();
  expect(await exited).toBe(0);
  expect(enos.triggers).toHaveLength(before);
});

/**
 * POLICY_FILE in the real process: a bad file stops the start with exit code 78 and every problem;
 * SIGHUP reloads the file, and a bad file then keeps the policy in force and logs why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeEnosGateway, startFakeEnosGateway } from './fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/fake-slack-api';
import { type Run, runMain } from './helpers/run-main';
import { sendSlashCommand } from './helpers/slack-requests';
import { textOf } from './helpers/text-of';
import { waitFor } from './helpers/wait-for';

let dir: string;
let slack: FakeSlackApi;
let enos: FakeEnosGateway;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-policy-'));
  slack = await startFakeSlackApi({ channels: [{ id: 'C0ONCALL1', name: 'data-oncall' }] });
  enos = await startFakeEnosGateway();
});
afterEach(async () => {
  await slack.close();
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'policy-test-signing-secret';
const env = (): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: 'xoxb-policy-test-token',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.apiUrl,
  ENOS_API_GATEWAY_URL: enos.url,
  ENOS_ACCESS_KEY: enos.accessKey,
  ENOS_SECRET_KEY: enos.secretKey,
  ENOS_ORG_ID: 'o15578227985571',
  ENOS_SERVER_TIMEZONE: 'UTC',
  FLOW_TRIGGER_ADMINS: 'U0ADMIN01',
  PORT: '0',
  LOG_FORMAT: 'json',
  STORE_URL: 'sqlite://data/store.sqlite',
  POLICY_FILE: 'policy.yml',
});

const logLines = (run: Run) => run.stdout.map((l) => JSON.parse(l) as { msg: string; [k: string]: unknown });
const waitForLog = (run: Run, msg: string, after = 0) =>
  waitFor(
    () =>
      logLines(run)
        .slice(after)
        .find((l) => l.msg === msg),
    {
      timeoutMs: 15_000,
      description: `the log line "${msg}" (stderr: ${run.stderr.join('')})`,
    },
  );

it('a bad policy file stops the start with exit code 78, listing every problem', async () => {
  writeFileSync(
    join(dir, 'policy.yml'),
    'rules:\n  - name: x\n    flows: [3377]\n    channels: ["#nowhere"]\n    colour: red\n',
  );
  const run = runMain(env(), dir);
  expect(await run.exit).toBe(78);
  const message = run.stderr.join('');
  expect(message).toContain('the policy file policy.yml has 1 problem(s)');
  expect(message).toContain('colour');
  expect(message).not.toContain('xoxb-policy-test-token');
}, 20_000);

it('SIGHUP reloads the file; a bad file keeps the policy in force', async () => {
  const file = join(dir, 'policy.yml');
  writeFileSync(file, 'rules: []\n');
  const run = runMain(env(), dir);
  const running = await waitForLog(run, 'flow-trigger is running');
  const base = `http://127.0.0.1:${running.port as number}`;
  enos.addUser({ userId: 'u1', userName: 'alice', orgId: 'o15578227985571' });
  enos.addFlow({ flowId: 3377, flowName: 'daily load', owner: 'alice' });
  slack.addUser({ id: 'U0ALICE01', name: 'alice', tz: 'UTC' });
  await sendSlashCommand(base, SECRET, {
    text: 'link <@U0ALICE01|alice> u1 alice',
    user_id: 'U0ADMIN01',
    response_url: slack.responseUrl('link'),
  });
  await slack.waitForResponse('link', undefined, 5000);

  // A bad file: logged with its problems, the empty policy stays.
  writeFileSync(file, 'rules:\n  - name: x\n    flows: []\n');
  let seen = run.stdout.length;
  run.child.kill('SIGHUP');
  const kept = await waitForLog(
    run,
    'policy file not reloaded: keeping the policy in force; fix the file and send SIGHUP again',
    seen,
  );
  expect(String(kept.problems)).toContain('flows');
  await sendSlashCommand(base, SECRET, {
    text: '3377',
    user_id: 'U0ALICE01',
    response_url: slack.responseUrl('first'),
  });
  await slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts !== undefined, 5000);
  expect(enos.triggers).toHaveLength(1);

  // A good file: in force at once.
  writeFileSync(file, 'rules:\n  - name: on-call only\n    flows: [3377]\n    channels: ["#data-oncall"]\n');
  seen = run.stdout.length;
  run.child.kill('SIGHUP');
  await waitForLog(run, 'policy file reloaded', seen);
  await sendSlashCommand(base, SECRET, {
    text: '3377 X=1',
    user_id: 'U0ALICE01',
    channel_id: 'C0OTHER01',
    response_url: slack.responseUrl('second'),
  });
  const refused = await slack.waitForResponse('second', undefined, 5000);
  expect(textOf({ args: refused.body as Record<string, unknown> })).toContain(
    'Policy rule "on-call only" lets people run flow 3377 only from <#C0ONCALL1>',
  );
  expect(enos.triggers).toHaveLength(1);
  expect(slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);

  run.child.kill('SIGTERM');
  expect(await run.exit).toBe(0);
}, 40_000);

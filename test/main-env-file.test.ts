/**
 * main reads a `.env` file in its working directory, and a variable of the real environment wins
 * over the file's. A real process against the loopback fakes, configured only through the file.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeEnosGateway, startFakeEnosGateway } from './fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from './fakes/fake-slack-api';
import { runMain } from './helpers/run-main';
import { waitFor } from './helpers/wait-for';

let dir: string;
let slack: FakeSlackApi;
let enos: FakeEnosGateway;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flow-trigger-env-'));
  slack = await startFakeSlackApi();
  enos = await startFakeEnosGateway();
});
afterEach(async () => {
  await slack.close();
  await enos.close();
  rmSync(dir, { recursive: true, force: true });
});

it('starts from a .env file alone, and lets the real environment override it', async () => {
  writeFileSync(
    join(dir, '.env'),
    [
      '# as copied from .env.example and filled in',
      'SLACK_BOT_TOKEN=xoxb-env-file-token',
      'SLACK_SIGNING_SECRET="env-file-signing-secret"',
      `SLACK_API_URL=${slack.apiUrl}`,
      `ENOS_API_GATEWAY_URL=${enos.url}`,
      `ENOS_ACCESS_KEY=${enos.accessKey}`,
      `ENOS_SECRET_KEY=${enos.secretKey}`,
      'ENOS_ORG_ID=o15578227985571',
      'STORE_URL=sqlite://from-env-file/store.sqlite',
      'PORT=0',
      'LOG_FORMAT=pretty',
      '',
    ].join('\n'),
  );
  // Only LOG_FORMAT comes from the real environment: JSON lines prove it won over the file.
  const run = runMain({ LOG_FORMAT: 'json' }, dir);
  const running = await waitFor(
    () =>
      run.stdout
        .map((l) => JSON.parse(l) as { msg: string; port?: number })
        .find((l) => l.msg === 'flow-trigger is running'),
    { timeoutMs: 15_000, description: `the app to start (stderr: ${run.stderr.join('')})` },
  );
  const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
  expect(health.status).toBe(200);

  // The file's token and API URL reached Bolt: the fake Slack saw auth.test with that token.
  const [authTest] = slack.callsOf('auth.test');
  expect(authTest!.token).toBe('xoxb-env-file-token');
  // The file's STORE_URL: the SQLite file was created where it says, relative to the directory.
  expect(existsSync(join(dir, 'from-env-file', 'store.sqlite'))).toBe(true);

  run.child.kill('SIGTERM');
  expect(await run.exit).toBe(0);
  const all = run.stdout.join('\n') + run.stderr.join('');
  for (const secret of ['xoxb-env-file-token', 'env-file-signing-secret', enos.secretKey]) {
    expect(all).not.toContain(secret);
  }
}, 30_000);

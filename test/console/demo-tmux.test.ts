import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run demo` in a real terminal (tmux): the prompt, and the run's progress line rewritten in
 * place (one line per run that goes from running to succeeded), where a pipe gets a new line per
 * change (demo.test.ts). Needs tmux; without it the test is skipped and says so.
 */
jest.setTimeout(90_000);

const root = join(__dirname, '..', '..');
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) {
  // biome-ignore lint/suspicious/noConsole: the reason the terminal test does not run, in the test output.
  console.warn('tmux is not installed: the demo is not tested in a real terminal (apt-get install tmux).');
}
const maybe = hasTmux ? test : test.skip;

// A server of our own (-L): another tmux on the machine is never touched.
const socket = `flow-trigger-test-${process.pid}`;
const session = 'demo';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);

/** Polls the screen until `test` holds; the screens seen on the way, last one last. */
async function until(test: (s: string) => boolean, timeoutMs = 40_000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    seen.push(s);
    if (test(s)) return seen;
    if (Date.now() > deadline)
      throw new Error(`the terminal never showed what was expected; last screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
});

maybe('in a terminal: the progress line changes in place; a preview asks at the prompt', async () => {
  const command = [
    'cd',
    JSON.stringify(root),
    '&& DEMO_TIME_SCALE=10 exec',
    JSON.stringify(process.execPath),
    JSON.stringify(join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')),
    'src/console/demo.ts',
  ].join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', command);
  await until((s) => /^flow-trigger>/m.test(s));

  tmux('send-keys', '-t', session, '3377 now', 'Enter');
  const seen = await until((s) => /daily load succeeded in \d+ s/.test(s));
  const last = seen.at(-1) ?? '';
  const instanceId = last.match(/Flow instance ID: (3377-\d{14})/)?.[1];
  expect(instanceId).toBeDefined();
  const progress = new RegExp(`^ +↳ Flow 3377 run ${instanceId}: (\\w+)`, 'gm');
  // On the way, the progress line said running; at the end one line says succeeded, and no
  // running line is left above it: it was rewritten, not followed by a new line.
  expect(seen.some((s) => [...s.matchAll(progress)].some((m) => m[1] === 'running'))).toBe(true);
  expect([...last.matchAll(progress)].map((m) => m[1])).toEqual(['succeeded']);
  // The prompt is back, below everything.
  expect(last.trimEnd().split('\n').at(-1)).toBe('flow-trigger>');

  // After a preview, the question is the prompt, the answer is typed on its line, and the usual
  // prompt comes back below what the answer printed.
  tmux('send-keys', '-t', session, 'preview 3377 REPLACE=tty', 'Enter');
  await until((s) => /^trigger\? \[y\/N\]/m.test(s));
  tmux('send-keys', '-t', session, 'n', 'Enter');
  const answered = (await until((s) => /^Not triggered\.$/m.test(s))).at(-1) ?? '';
  expect(answered).toMatch(/^trigger\? \[y\/N\] n\nNot triggered\.\nflow-trigger>/m);
  expect(answered).not.toMatch(/Parameters for this run: REPLACE=tty/);

  // exit ends the demo, and with it the session.
  tmux('send-keys', '-t', session, 'exit', 'Enter');
  const deadline = Date.now() + 10_000;
  while (spawnSync('tmux', ['-L', socket, 'has-session', '-t', session]).status === 0) {
    if (Date.now() > deadline) throw new Error(`exit did not end the demo; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

maybe('in a terminal: a backfill’s progress is one line rewritten in place, then its end', async () => {
  const command = [
    'cd',
    JSON.stringify(root),
    '&& DEMO_TIME_SCALE=100 exec',
    JSON.stringify(process.execPath),
    JSON.stringify(join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')),
    'src/console/demo.ts',
  ].join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', command);
  await until((s) => /^flow-trigger>/m.test(s));
  tmux('send-keys', '-t', session, 'backfill 3377 last 3 days', 'Enter');
  await until((s) => /^start\? \[y\/N\]/m.test(s));
  tmux('send-keys', '-t', session, 'start', 'Enter');
  const seen = await until((s) => /the backfill of flow 3377 · daily load finished: 3\/3 done/.test(s));
  const last = seen.at(-1) ?? '';
  const line = /^ +↳ Backfill of flow 3377: (\d)\/3 done/gm;
  // On the way it said 1/3; at the end one progress line is left, 3/3: rewritten, not appended.
  expect(seen.some((s) => [...s.matchAll(line)].some((m) => m[1] === '1'))).toBe(true);
  expect([...last.matchAll(line)].map((m) => m[1])).toEqual(['3']);
  expect(last.trimEnd().split('\n').at(-1)).toBe('flow-trigger>');
  tmux('send-keys', '-t', session, 'exit', 'Enter');
  const deadline = Date.now() + 10_000;
  while (spawnSync('tmux', ['-L', socket, 'has-session', '-t', session]).status === 0) {
    if (Date.now() > deadline) throw new Error(`exit did not end the demo; screen:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

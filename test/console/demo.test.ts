import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run demo` as a user drives it: typed lines on standard input, answers read on standard
 * output (not a terminal, NO_COLOR set: plain lines, no escapes), the real app core against the
 * EnOS simulator, time 10× faster.
 */
jest.setTimeout(90_000);

const root = join(__dirname, '..', '..');
let demo: ChildProcessWithoutNullStreams;
let output = '';
let errors = '';

/** Resolves once standard output holds `pattern` after `from`; the text from there on. */
function waitFor(pattern: RegExp, from = 0, timeoutMs = 40_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output.slice(from).match(pattern);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match);
      }
    };
    const poll = setInterval(check, 50);
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`no ${pattern} in the demo's output:\n${output.slice(from)}\nstderr:\n${errors}`));
    }, timeoutMs);
    check();
  });
}

function type(line: string): number {
  const mark = output.length;
  demo.stdin.write(`${line}\n`);
  return mark;
}

beforeAll(async () => {
  demo = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/console/demo.ts'],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', DEMO_TIME_SCALE: '10' },
    },
  );
  demo.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  demo.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  await waitFor(/exit {2,}quit/);
});

afterAll(() => {
  if (demo.exitCode === null) demo.kill();
});

test('3377 now: the request, the instance ID, the run going, and "succeeded"', async () => {
  const from = type('3377 now');
  await waitFor(/@UDEMO is triggering flow 3377 · daily load now/, from);
  const [, instanceId] = await waitFor(/Flow instance ID: (3377-\d{14})/, from);
  await waitFor(new RegExp(`Flow 3377 run ${instanceId}: running`), from);
  await waitFor(new RegExp(`Flow 3377 · daily load succeeded in \\d+ s \\(instance ${instanceId}\\)`), from);
  // Plain lines: no terminal escapes when the output is not a terminal.
  expect(output).not.toContain('\x1b');
});

test('3378 now: failed, with the failed task and its log tail', async () => {
  const from = type('3378 now');
  const [, instanceId] = await waitFor(/Flow instance ID: (3378-\d{14})/, from);
  await waitFor(
    new RegExp(`Flow 3378 · meter load failed \\(FAIL\\) in \\d+ s \\(instance ${instanceId}\\)`),
    from,
  );
  await waitFor(/Failed task: load_meter_data \(FAIL\)/, from);
  await waitFor(/ERROR load_meter_data: meter M-1042 sent a reading in the future/, from);
});

test('refusals in words: someone else’s flow, a locked one, one with no task', async () => {
  let from = type('5000 now');
  await waitFor(/Not triggered\. Your EnOS user demo is not an owner of flow 5000 · billing export/, from);
  from = type('6000 now');
  await waitFor(/Not triggered\..*6000 · month end close.*locked/i, from);
  from = type('4000 now');
  await waitFor(/Not triggered\..*4000 · empty draft.*no task/i, from);
});

test('status, history, help, a usage error, and preview not yet in the console', async () => {
  const first = output.match(/Flow instance ID: (3377-\d{14})/)?.[1];
  let from = type(`status ${first}`);
  await waitFor(new RegExp(`Flow 3377 · daily load, instance ${first}`), from);
  await waitFor(/Succeeded/, from);
  from = type('history');
  await waitFor(/The last \d+ trigger attempts, newest first/, from);
  await waitFor(/Succeeded · flow 3377 · daily load by @UDEMO/, from);
  await waitFor(/Refused \(not-owner\) · flow 5000/, from);
  from = type('help');
  await waitFor(/3377 at 14:00 REPLACE=ddee/, from);
  from = type('3377 at 25:99');
  await waitFor(/25:99/, from);
  from = type('preview 3377');
  await waitFor(/preview is not available in the console yet/, from);
});

test('exit ends the demo cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  type('exit');
  expect(await exited).toBe(0);
  expect(errors).toBe('');
});

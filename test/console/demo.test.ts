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

test('status, history, help and a usage error', async () => {
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
});

test('preview, then trigger: the checks and the exact request, then that request runs and succeeds', async () => {
  const from = type('preview 3377 REPLACE=ddee NEW_KEY="a b"');
  await waitFor(/Preview of flow 3377 · daily load\. Nothing was sent to EnOS\./, from);
  const [, local, utc, epochMs] = await waitFor(
    /Trigger time: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC · (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC · epoch ms (\d+) \(now: resolved again when you answer y\)/,
    from,
  );
  // The demo's user is in UTC: the three forms of the time agree.
  expect(local).toBe(utc);
  expect(new Date(Number(epochMs)).toISOString().slice(0, 16).replace('T', ' ')).toBe(utc);
  // ${cal_dt}: the trigger's date in the server's zone (UTC) minus one day.
  const calDt = new Date(Number(epochMs) - 86_400_000).toISOString().slice(0, 10);
  await waitFor(new RegExp(`\\$\\{cal_dt\\}: ${calDt} \\(the trigger date in the server's zone UTC`), from);
  await waitFor(
    /Parameters given:\n• REPLACE = ddee replaces none\n• NEW_KEY = a b \(new: the flow has no such parameter\)\n/,
    from,
  );
  await waitFor(/Left as the flow has them:\n• cal_dt = \$\{cal_dt\}\n/, from);
  await waitFor(/EnOS user demo\.\ntrigger\? \[y\/N\]\n/, from);
  // Nothing was sent yet: no request message, no instance.
  expect(output.slice(from)).not.toMatch(/is triggering|Flow instance ID/);

  const at = type('trigger');
  await waitFor(/@UDEMO is triggering flow 3377 · daily load now/, at);
  // Exactly the previewed parameters reach the trigger (the request message lists what is sent).
  await waitFor(/Parameters for this run: REPLACE=ddee NEW_KEY=a b\n/, at);
  const [, instanceId] = await waitFor(/Flow instance ID: (3377-\d{14})/, at);
  await waitFor(new RegExp(`Flow 3377 · daily load succeeded in \\d+ s \\(instance ${instanceId}\\)`), at);
});

test('preview answered no: nothing runs; a refused preview asks nothing', async () => {
  let from = type('preview 3377 at 2026-01-01 10:00');
  await waitFor(/back-dated: EnOS starts the run at once/, from);
  await waitFor(/trigger\? \[y\/N\]\n/, from);
  const no = type('n');
  await waitFor(/^Not triggered\.$/m, no);
  from = type('preview 5000');
  // Between the no and the next command, nothing was announced or sent.
  expect(output.slice(no, from)).not.toMatch(/is triggering|Flow instance ID/);
  await waitFor(
    /It would not be triggered\. Your EnOS user demo is not an owner of flow 5000 · billing export/,
    from,
  );
  // No question: the next line is a command of its own.
  from = type('y');
  await waitFor(/y is neither a flow id nor a command/, from);
  const previews = output.split('Preview of flow 5000')[1] ?? '';
  expect(previews).not.toMatch(/^trigger\? \[y\/N\]$/m);
  expect(previews).not.toMatch(/is triggering flow 5000/);
});

test('backfill preview: one line per business date, the checks, then start? answered no', async () => {
  let from = type('backfill 3377 last 3 days');
  const [, first, last] = await waitFor(
    /Preview of a backfill of flow 3377 · daily load: 3 runs for business dates (\S+) … (\S+), oldest first/,
    from,
  );
  await waitFor(/start\? \[y\/N\]\n/, from);
  const runs = [
    ...output.slice(from).matchAll(/^(\d{4}-\d{2}-\d{2}) → (\S+ \S+) UTC · (\S+ \S+) server time \(UTC\)$/gm),
  ];
  // One line per business date, consecutive days from the first to the last.
  const dates = runs.map((r) => r[1]);
  const day = (d: string | undefined, plus: number) =>
    new Date(Date.parse(`${d}T00:00:00Z`) + plus * 86_400_000).toISOString().slice(0, 10);
  expect(dates).toEqual([first, day(first, 1), day(first, 2)]);
  expect(dates[2]).toBe(last);
  for (const [, businessDate, local, server] of runs) {
    // Each run is triggered the day after its business date (the offset), at the flow's daily time.
    expect(local).toBe(`${day(businessDate, 1)} 01:00`);
    expect(server).toBe(local);
  }
  await waitFor(/Checks: ✓ you are linked to EnOS user demo, an owner of this flow/, from);
  // Starting it is test/console/demo-backfill.test.ts: here, no starts nothing.
  from = type('n');
  await waitFor(/Not started\./, from);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(output.slice(from)).not.toMatch(/started a backfill|Backfill of flow 3377/);
  // A locked flow's backfill is previewed with its refusal, and asks nothing.
  from = type('backfill 6000 last 2 days');
  await waitFor(/Checks: ⛔ Not triggered\. Flow 6000 · month end close is locked in EnOS/, from);
  await waitFor(/Parameters: none given/, from);
  from = type('help');
  await waitFor(/exit {2,}quit/, from);
  const locked = output.split('backfill of flow 6000')[1] ?? '';
  expect(locked).not.toMatch(/^start\? \[y\/N\]$/m);
});

test('exit ends the demo cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  type('exit');
  expect(await exited).toBe(0);
  expect(errors).toBe('');
});

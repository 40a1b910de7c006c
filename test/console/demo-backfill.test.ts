import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * A short backfill in `npm run demo`, as a user drives it: `backfill …`, `start`, then the
 * progress lines and the end on standard output (not a terminal: plain lines), the real engine
 * and trigger path against the EnOS simulator, time 100× faster (61 s between runs: 0.6 s).
 */
jest.setTimeout(90_000);

const root = join(__dirname, '..', '..');
let demo: ChildProcessWithoutNullStreams;
let output = '';
let errors = '';

/** Resolves once standard output holds `pattern` after `from`; the match. */
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

/** The previewed runs: business date → trigger time (UTC, `YYYYMMDDHHmmss`, as instance IDs carry it). */
function previewedRuns(text: string): Array<{ date: string; stamp: string }> {
  return [...text.matchAll(/^(\d{4}-\d{2}-\d{2}) → (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC/gm)].map(
    (m) => ({
      date: m[1]!,
      stamp: `${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}00`,
    }),
  );
}

beforeAll(async () => {
  demo = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/console/demo.ts'],
    { cwd: root, env: { ...process.env, NO_COLOR: '1', DEMO_TIME_SCALE: '100' } },
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

test('backfill 3377 last 3 days, start: each run triggered at its previewed time, in order, then "3/3 done"', async () => {
  const from = type('backfill 3377 last 3 days');
  await waitFor(/start\? \[y\/N\]\n/, from);
  const runs = previewedRuns(output.slice(from));
  expect(runs).toHaveLength(3);
  // Nothing triggered before `start`.
  expect(output.slice(from)).not.toMatch(/instance 3377-/);

  const at = type('start');
  await waitFor(/@UDEMO started a backfill of flow 3377 · daily load: 3 runs for business dates/, at);
  const [, id] = await waitFor(/Backfill ([0-9a-f-]{36}) started: 3 run\(s\), one at a time\./, at);
  // One run at a time, oldest first: each run's instance is EnOS's run at its previewed trigger time.
  for (const [i, run] of runs.entries()) {
    await waitFor(
      new RegExp(
        `↳ Backfill of flow 3377: ${i}/3 done · 1 running \\(${run.date}\\) · 0 failed · ${run.date} running \\(instance 3377-${run.stamp}\\)`,
      ),
      at,
    );
    await waitFor(
      new RegExp(`↳ Backfill of flow 3377: ${i + 1}/3 done · 0 running · 0 failed · ${run.date} done`),
      at,
    );
  }
  await waitFor(
    /↳ @UDEMO the backfill of flow 3377 · daily load finished: 3\/3 done · 0 running · 0 failed\./,
    at,
  );
  // No run twice, and no other run than the three.
  const instances = new Set(output.slice(at).match(/instance 3377-\d{14}/g));
  expect([...instances].sort()).toEqual(runs.map((r) => `instance 3377-${r.stamp}`).sort());
  expect(id).toBeDefined();
  expect(output).not.toContain('\x1b');
});

test('a failing flow (3378): the backfill stops at the first failed run, the next dates wait', async () => {
  const from = type('backfill 3378 last 3 days');
  await waitFor(/start\? \[y\/N\]\n/, from);
  const runs = previewedRuns(output.slice(from));
  expect(runs).toHaveLength(3);
  const at = type('y');
  await waitFor(/Backfill [0-9a-f-]{36} started: 3 run\(s\), one at a time\./, at);
  await waitFor(
    new RegExp(`↳ Backfill of flow 3378: 0/3 done · 1 running \\(${runs[0]!.date}\\) · 0 failed`),
    at,
  );
  await waitFor(
    new RegExp(
      `↳ @UDEMO the backfill of flow 3378 · meter load stopped: the run for business date ${runs[0]!.date} failed \\(it stops at the first failed run\\)\\..*The console has no Retry or Skip: type exit to free the flow, then start a new backfill of the dates left; 2 other dates wait\\.`,
    ),
    at,
  );
  await waitFor(/↳ Backfill of flow 3378: 0\/3 done · 0 running · 1 failed/, at);
  // Well past the spacing (61 s of the demo's clock): the next date was not triggered.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect(output.slice(at)).not.toMatch(new RegExp(`running \\(${runs[1]!.date}\\)`));
  expect(new Set(output.slice(at).match(/instance 3378-\d{14}/g)).size).toBe(1);
  // A second backfill of the flow is refused while this one waits.
  const again = type('backfill 3378 last 2 days');
  await waitFor(/start\? \[y\/N\]\n/, again);
  const refused = type('start');
  await waitFor(/Not started: flow 3378 already has a backfill in progress/, refused);
  // The prompt stays usable: at exit, the stopped backfill is named and its flow freed.
  const bye = type('exit');
  await waitFor(/Backfill [0-9a-f-]{36} of flow 3378 was left unfinished\./, bye);
});

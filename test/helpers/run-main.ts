/** `src/main.ts` as a real child process (through tsx), for tests of the composition root. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');
// Resolved from the project: the child runs in a temporary directory.
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** A started app process and what it printed so far. */
export interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

/** Starts `src/main.ts` in `cwd` with exactly `env` (plus PATH). */
export function runMain(env: NodeJS.ProcessEnv, cwd: string): Run {
  // Only what we pass: the developer's own environment must not leak into the test. Any unhandled
  // promise rejection crashes the process (strict), so a test that ends in exit 0 proves there was none.
  const child = spawn(
    process.execPath,
    ['--unhandled-rejections=strict', '--import', TSX, join(ROOT, 'src/main.ts')],
    {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (d: Buffer) => stdout.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exit };
}

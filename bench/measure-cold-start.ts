/**
 * 4. Cold start: from spawning `node dist/main.js` to `GET /healthz` answering 200 (polled every
 * 5 ms), `starts` times, for the app and for bare Bolt. The app opens an existing SQLite store and
 * calls auth.test on the fake Slack, as a restart in production would.
 */
import { type ServerKind, startServer } from './start-server';
import { median } from './trigger-requests';
import type { World } from './world';

/** Milliseconds from spawn to the first 200 from /healthz. */
export interface StartTimes {
  median: number;
  min: number;
  max: number;
  all: number[];
}

export interface ColdStartPhase {
  starts: number;
  app: StartTimes;
  bare: StartTimes;
}

export async function measureColdStart(options: {
  world: World;
  starts: number;
  cpu?: number;
  logLevel: string;
  log: (line: string) => void;
}): Promise<ColdStartPhase> {
  const { world } = options;
  const measure = async (kind: ServerKind) => {
    const all: number[] = [];
    for (let i = 0; i < options.starts; i += 1) {
      const server = await startServer({
        kind,
        env: kind === 'app' ? world.appEnv(options.logLevel) : world.bareEnv(),
        cwd: world.dir,
        cpu: options.cpu,
        pollMs: 5,
      });
      all.push(server.startupMs);
      await server.stop();
    }
    const summary: StartTimes = { median: median(all), min: Math.min(...all), max: Math.max(...all), all };
    options.log(
      `  ${kind.padEnd(4)} cold start: median ${summary.median.toFixed(0)} ms (min ${summary.min.toFixed(0)}, max ${summary.max.toFixed(0)})`,
    );
    return summary;
  };
  // Alternate nothing: each kind's starts run back to back, after one unmeasured start each to
  // bring node and the modules into the page cache (a first start after a build reads from disk).
  for (const kind of ['app', 'bare'] as const) {
    const warm = await startServer({
      kind,
      env: kind === 'app' ? world.appEnv(options.logLevel) : world.bareEnv(),
      cwd: world.dir,
      cpu: options.cpu,
    });
    await warm.stop();
  }
  const app = await measure('app');
  const bare = await measure('bare');
  return { starts: options.starts, app, bare };
}

/**
 * What reading a failed run's logs costs the event loop: masking secrets and cutting the tail of a
 * 1 MB log (the most EnOS is asked for), for typical log lines and for one giant line, and fitting
 * the tail into a Slack section. Run alone: `npx tsx bench/measure-failure-logs.ts` (not part of
 * `npm run bench`). Prints milliseconds per log, the median of 20 runs.
 */
import { LOG_TAIL_MAX_LENGTH, logTail } from '../src/core/log-tail';
import { maskSecrets, maskSecretsGradually } from '../src/core/mask-secrets';
import { fitCodeBlock } from '../src/slack/ui/failure-log-blocks';

function lines(make: (i: number) => string): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < LOG_TAIL_MAX_LENGTH; i++) {
    const line = make(i);
    out.push(line);
    length += line.length + 1;
  }
  return out.join('\n').slice(0, LOG_TAIL_MAX_LENGTH);
}

const logs: Record<string, string> = {
  'typical lines (~90 chars)': lines(
    (i) =>
      `2026-11-27 09:00:${String(i % 60).padStart(2, '0')} INFO loaded batch ${i} of table sales.daily rows=1200`,
  ),
  'every 10th line a secret': lines((i) =>
    i % 10 === 0 ? `connect password=p${i} token: abc${i}` : `row ${i} loaded ok`,
  ),
  'one 1 MB line': 'x'.repeat(LOG_TAIL_MAX_LENGTH),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

for (const [name, log] of Object.entries(logs)) {
  const runs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const tail = logTail(log, { mask: maskSecrets });
    fitCodeBlock(tail.text, 2900);
    runs.push(performance.now() - started);
  }
  console.log(`${name.padEnd(28)} tail (masked) + fit of 1 MB: ${median(runs).toFixed(1)} ms (median of 20)`);
}

// The Full log button masks the whole log (up to 10 MB) in slices, yielding between them: the
// longest the event loop is held is one slice.
async function measureWholeLog(): Promise<void> {
  const tenMb = Array.from({ length: 10 }, () => logs['every 10th line a secret']).join('\n');
  let longest = 0;
  let last = performance.now();
  const started = performance.now();
  await maskSecretsGradually(tenMb, async () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  });
  console.log(
    `whole 10 MB log (every 10th line a secret), masked in slices: ${(performance.now() - started).toFixed(0)} ms in all, ` +
      `event loop held ${longest.toFixed(1)} ms at most`,
  );
}

void measureWholeLog();

import type { BackfillRun } from '../../src/core/backfill-progress';
import { backfillProgressMessage } from '../../src/slack/ui/backfill-progress-message';
import { findLimitViolations } from '../fakes/slack-payload-limits';
import { textOf } from '../helpers/text-of';

function runs(count: number): BackfillRun[] {
  const day = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i): BackfillRun => {
    const businessDate = new Date(start + i * day).toISOString().slice(0, 10);
    const state: BackfillRun['state'] =
      i < count / 2 ? 'done' : i === Math.floor(count / 2) ? 'running' : 'pending';
    return {
      businessDate,
      triggerTime: start + (i + 1) * day,
      state,
      ...(state === 'pending'
        ? {}
        : {
            instanceId: `3377-${businessDate.replaceAll('-', '')}010000`,
            status: state === 'done' ? 'SUCCESS' : 'RUNNING',
          }),
    };
  });
}

describe('the progress reply of a backfill', () => {
  it('shows the progress line and one line per run', () => {
    const message = backfillProgressMessage({ flowId: 3377, flowName: 'daily load' }, runs(4));
    expect(textOf({ args: message as unknown as Record<string, unknown> })).toMatchInlineSnapshot(`
"Backfill of flow *3377* · daily load: 2/4 done · 1 running (2026-01-03) · 0 failed
\`2026-01-01\` · \`3377-20260101010000\` · :white_check_mark: done (\`SUCCESS\`)
\`2026-01-02\` · \`3377-20260102010000\` · :white_check_mark: done (\`SUCCESS\`)
\`2026-01-03\` · \`3377-20260103010000\` · :arrow_forward: running (\`RUNNING\`)
\`2026-01-04\` · :white_circle: waiting its turn"
`);
  });

  it('lists 100 runs whole, within Slack’s limits', () => {
    const message = backfillProgressMessage({ flowId: 3377, flowName: 'x'.repeat(3000) }, runs(100));
    expect(findLimitViolations('message', message)).toEqual([]);
    const text = textOf({ args: message as unknown as Record<string, unknown> });
    expect(text).toContain('50/100 done · 1 running (2026-02-20) · 0 failed');
    expect(text.match(/^`2026-\d{2}-\d{2}`/gm)).toHaveLength(100);
  });

  it('stays within Slack’s limits for 3,000 runs, saying how many are left out', () => {
    const message = backfillProgressMessage({ flowId: 3377 }, runs(3000));
    expect(findLimitViolations('message', message)).toEqual([]);
    expect(textOf({ args: message as unknown as Record<string, unknown> })).toMatch(/… and \d+ more$/);
  });
});

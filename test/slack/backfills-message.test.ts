import type { BackfillRecord } from '../../src/core/backfill';
import { backfillLine, backfillsMessage } from '../../src/slack/ui/backfills-message';
import { findLimitViolations } from '../fakes/slack-payload-limits';
import { backfillRecord } from '../helpers/backfill-record';
import { textOf } from '../helpers/text-of';

const text = (message: { text: string; blocks: unknown[] }) =>
  textOf({ args: message as unknown as Record<string, unknown> });

describe('`/flow-trigger backfills`', () => {
  it('lists each active backfill: status, flow, starter, progress line and a link to its thread', () => {
    const running = backfillRecord(['done', 'done', 'skipped', 'running', 'pending', 'pending', 'pending'], {
      slackUserId: 'U0ALICE01',
      flowName: 'daily load',
      channelId: 'C0FAKE001',
      threadTs: '1764000000.000100',
    });
    const stopped = backfillRecord(['done', 'failed', 'pending'], {
      id: 'bf-2',
      flowId: 4242,
      flowName: undefined as unknown as string,
      slackUserId: 'U0CAROL01',
      status: 'stopped',
      channelId: 'D0DIRECT1',
    });
    const message = backfillsMessage([running, stopped], { teamDomain: 'acme' });
    expect(text(message)).toBe(
      ':calendar: *2 active backfills*, newest first\n' +
        ':arrow_forward: *Running* · backfill of flow *3377* · daily load · started by <@U0ALICE01>\n' +
        '3/7 done · 1 running (2026-11-04) · 0 failed · <https://acme.slack.com/archives/C0FAKE001/p1764000000000100|thread>\n' +
        ':octagonal_sign: *Stopped* at `2026-11-02` · backfill of flow *4242* · started by <@U0CAROL01>\n' +
        '1/3 done · 0 running · 1 failed\n' +
        'Progress as the backfill last recorded it. Its starter and the flow’s owners can pause, resume or cancel ' +
        'it with the buttons in its thread.',
    );
    expect(message.text).toBe(':calendar: *2 active backfills*, newest first');
  });

  it('says so when no backfill is running', () => {
    expect(text(backfillsMessage([], {}))).toBe(':calendar: No backfill is running in this workspace.');
  });

  it('shows a paused backfill as such, and links without a team domain', () => {
    const paused = backfillRecord(['done', 'pending'], { status: 'paused' });
    expect(backfillLine(paused)).toBe(
      ':double_vertical_bar: *Paused* · backfill of flow *3377* · daily load\n' +
        '1/2 done · 0 running · 0 failed · <https://slack.com/archives/C1/p1764000000000100|thread>',
    );
  });

  it('keeps 50 (and 1,000) backfills of long-named flows within Slack’s limits, saying how many are left out', () => {
    const many = (count: number): BackfillRecord[] =>
      Array.from({ length: count }, (_, i) =>
        backfillRecord(Array(100).fill('pending'), {
          id: `bf-${i}`,
          flowId: 1000 + i,
          flowName: `<!channel> ${'n'.repeat(3000)}`,
        }),
      );
    for (const count of [50, 1000]) {
      const message = backfillsMessage(many(count), { teamDomain: 'acme' });
      expect(findLimitViolations('message', message)).toEqual([]);
      expect(text(message)).not.toContain('<!channel>');
    }
    const fifty = text(backfillsMessage(many(50), {}));
    expect(fifty.match(/backfill of flow \*\d+\*/g)).toHaveLength(50);
    expect(text(backfillsMessage(many(1000), {}))).toMatch(/… and \d+ more/);
  });
});

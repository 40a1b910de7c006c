import type { AuditRecord } from '../../src/core/ports';
import { homeView } from '../../src/slack/ui/home-view';
import { findLimitViolations } from '../fakes/slack-payload-limits';
import { backfillRecord } from '../helpers/backfill-record';
import { textOf } from '../helpers/text-of';

const record = (i: number): AuditRecord => ({
  id: `a-${i}`,
  teamId: 'T1',
  slackUserId: 'U0ALICE01',
  enosUserId: 'u1',
  enosUserName: 'alice',
  orgId: 'o1',
  flowId: 3377,
  flowName: 'n'.repeat(500),
  triggerTime: Date.UTC(2026, 10, 27),
  zone: 'UTC',
  parameters: [],
  source: 'command',
  requestedAt: new Date(Date.UTC(2026, 10, 27)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 10, 27)).toISOString(),
  channelId: 'C1',
  threadTs: '1764000000.000100',
  outcome: 'triggered',
  instanceId: `3377-${i}`,
});

describe('the Home tab’s backfills', () => {
  const base = { admins: [], selfLink: false, now: Date.UTC(2026, 10, 27, 9) };

  it('keeps 50 backfills of long-named flows and 10 triggers within a view’s limits, triggers still shown', () => {
    const backfills = Array.from({ length: 50 }, (_, i) =>
      backfillRecord(Array(100).fill('done'), {
        id: `bf-${i}`,
        flowId: 1000 + i,
        flowName: `<!here> ${'x'.repeat(3000)}`,
      }),
    );
    const view = homeView({
      ...base,
      entries: Array.from({ length: 10 }, (_, i) => ({ record: record(i) })),
      backfills,
    });
    expect(findLimitViolations('view', view)).toEqual([]);
    const text = textOf({ args: view as unknown as Record<string, unknown> });
    expect(text).toContain('*Your backfills in progress*');
    expect(text.match(/backfill of flow \*\d+\*/g)).toHaveLength(50);
    expect(text).not.toContain('<!here>');
    // The backfills take at most 10 blocks: the last triggers keep their room.
    expect(text).toContain('*Your last triggers*');
    expect(text.match(/instance `3377-\d`/g)).toHaveLength(10);
  });

  it('says how many are left out when even 10 blocks cannot hold them', () => {
    const backfills = Array.from({ length: 500 }, (_, i) =>
      backfillRecord(['running'], { id: `bf-${i}`, flowId: 1000 + i, flowName: 'y'.repeat(3000) }),
    );
    const view = homeView({ ...base, entries: [], backfills });
    expect(findLimitViolations('view', view)).toEqual([]);
    const text = textOf({ args: view as unknown as Record<string, unknown> });
    expect(text).toMatch(/… and \d+ more/);
    expect(text).toContain('*Your last triggers*');
  });

  it('has no backfill section without backfills (the tab is as before)', () => {
    const view = homeView({ ...base, entries: [] });
    expect(textOf({ args: view as unknown as Record<string, unknown> })).not.toContain('backfill');
    expect(homeView({ ...base, entries: [], backfills: [] })).toEqual(view);
  });
});

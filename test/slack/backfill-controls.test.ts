import type { types } from '@slack/bolt';
import { BACKFILL_ACTION, BACKFILL_ACTIONS_BLOCK } from '../../src/slack/ids';
import { BACKFILL_CONTROL_OF, backfillControlBlocks } from '../../src/slack/ui/backfill-controls';
import { backfillRecord } from '../helpers/backfill-record';

function buttons(blocks: types.KnownBlock[]): types.Button[] {
  expect(blocks).toHaveLength(1);
  const [block] = blocks as [types.ActionsBlock];
  expect(block.type).toBe('actions');
  expect(block.block_id).toBe(BACKFILL_ACTIONS_BLOCK);
  return block.elements as types.Button[];
}

const shown = (list: types.Button[]) => list.map((b) => [b.action_id, b.text.text]);

describe('backfillControlBlocks', () => {
  it('running: Pause, Cancel remaining, Cancel all (behind a confirmation naming EnOS)', () => {
    const list = buttons(backfillControlBlocks(backfillRecord(['done', 'running', 'pending'])));
    expect(shown(list)).toEqual([
      [BACKFILL_ACTION.pause, 'Pause'],
      [BACKFILL_ACTION.cancelRemaining, 'Cancel remaining'],
      [BACKFILL_ACTION.cancelAll, 'Cancel all'],
    ]);
    const cancelAll = list[2]!;
    expect(cancelAll.style).toBe('danger');
    expect(cancelAll.confirm?.title?.text).toBe('Cancel the whole backfill?');
    expect(cancelAll.confirm?.text.text).toContain('The run in progress is cancelled in EnOS');
    expect(cancelAll.confirm?.confirm?.text).toBe('Cancel all');
    expect(list[0]!.confirm).toBeUndefined();
  });

  it('paused: Resume, Cancel remaining, Cancel all', () => {
    const list = buttons(backfillControlBlocks(backfillRecord(['done', 'pending'], { status: 'paused' })));
    expect(shown(list)).toEqual([
      [BACKFILL_ACTION.resume, 'Resume'],
      [BACKFILL_ACTION.cancelRemaining, 'Cancel remaining'],
      [BACKFILL_ACTION.cancelAll, 'Cancel all'],
    ]);
  });

  it('stopped at a failure: Retry <date> and continue, Skip <date> and continue, Cancel remaining', () => {
    const list = buttons(
      backfillControlBlocks(backfillRecord(['done', 'failed', 'pending'], { status: 'stopped' })),
    );
    expect(shown(list)).toEqual([
      [BACKFILL_ACTION.retry, 'Retry 2026-11-02 and continue'],
      [BACKFILL_ACTION.skip, 'Skip 2026-11-02 and continue'],
      [BACKFILL_ACTION.cancelRemaining, 'Cancel remaining'],
    ]);
  });

  it.each(['finished', 'cancelled'] as const)('%s: no buttons at all', (status) => {
    expect(backfillControlBlocks(backfillRecord(['done', 'cancelled'], { status }))).toEqual([]);
  });

  it('every button carries the backfill id and nothing else, and maps back to its control', () => {
    for (const status of ['running', 'paused', 'stopped'] as const) {
      const record = backfillRecord(['failed', 'pending'], { status, id: 'bf-xyz' });
      for (const b of buttons(backfillControlBlocks(record))) {
        expect(b.value).toBe('bf-xyz');
        expect(BACKFILL_CONTROL_OF[b.action_id!]).toBeDefined();
      }
    }
    expect(Object.values(BACKFILL_CONTROL_OF).sort()).toEqual(
      ['cancel-all', 'cancel-remaining', 'pause', 'resume', 'retry', 'skip'].sort(),
    );
  });

  it('keeps button texts within Slack’s 75 characters whatever the stored date', () => {
    const record = backfillRecord(['failed'], { status: 'stopped' });
    record.runs[0] = { ...record.runs[0]!, businessDate: 'x'.repeat(200) };
    for (const b of buttons(backfillControlBlocks(record)))
      expect(b.text.text.length).toBeLessThanOrEqual(75);
  });
});

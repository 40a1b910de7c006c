import { parseEnosTime } from '../../src/core/parse-enos-time';
import type { FlowInstance } from '../../src/core/ports';
import { failedTasks, isTerminalStatus, runPhase, statusName } from '../../src/core/run-status';
import { runDurationMs, runViewOf } from '../../src/core/run-view';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);

describe('run status', () => {
  it('knows the terminal statuses of docs/enos-api.md §3.4', () => {
    const terminal = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter(isTerminalStatus).map(statusName);
    expect(terminal).toEqual(['FAIL', 'SUCCESS', 'INTERNAL_ERROR', 'TIMEOUT', 'CANCEL', 'SKIP']);
    expect(statusName(42)).toBe('STATUS 42');
  });

  it('reads INIT as scheduled before the trigger time and waiting after it', () => {
    expect(runPhase(0, NOW + 1, NOW)).toBe('scheduled');
    expect(runPhase(0, NOW, NOW)).toBe('waiting');
    expect(runPhase(0, undefined, NOW)).toBe('waiting');
    expect([5, 6].map((s) => runPhase(s, NOW + 1, NOW))).toEqual(['waiting', 'waiting']);
  });

  it('maps every status to a phase; unknown codes keep the watch going', () => {
    expect([-1, 1, 2, 3, 4, 7, 8, 9, 10, 42].map((s) => runPhase(s, NOW, NOW))).toEqual([
      'failed',
      'succeeded',
      'running',
      'suspended',
      'failed',
      'failed',
      'cancelled',
      'running',
      'skipped',
      'running',
    ]);
  });

  it('lists the tasks that failed, in graph order', () => {
    const tasks = [
      { taskName: 'a', status: 'SUCCESS' },
      { taskName: 'b', status: 'fail' },
      { taskName: 'c', status: 'TIMEOUT' },
      { taskName: 'd', status: 'CANCEL' },
      { taskName: 'e' },
    ];
    expect(failedTasks({ tasks }).map((t) => t.taskName)).toEqual(['b', 'c']);
  });
});

describe('EnOS server times', () => {
  it('reads `yyyy-MM-dd HH:mm:ss` in the configured server zone', () => {
    expect(parseEnosTime('2026-11-27 09:00:05', 'UTC')).toBe(NOW + 5000);
    expect(parseEnosTime('2026-11-27 17:00:05', 'Asia/Shanghai')).toBe(NOW + 5000);
    expect(parseEnosTime(' 2026-11-27T10:00:00 ', 'Europe/Berlin')).toBe(NOW);
  });

  it('reads an ambiguous local time (clocks going back) as the earlier instant', () => {
    // 2026-10-25 02:30 happens twice in Berlin: first at 00:30 UTC.
    expect(parseEnosTime('2026-10-25 02:30:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('takes epoch milliseconds as they are, and refuses anything else', () => {
    expect(parseEnosTime(String(NOW), 'UTC')).toBe(NOW);
    for (const text of [undefined, '', 'yesterday', '2026-13-01 00:00:00', '2026-11-27 24:00:00']) {
      expect(parseEnosTime(text, 'UTC')).toBeUndefined();
    }
  });
});

describe('runViewOf', () => {
  const instance: FlowInstance = {
    instanceId: '3377-20261127090000',
    flowId: 3377,
    flowName: 'daily load',
    status: 2,
    triggerTime: '2026-11-27 17:00:00',
    startTime: '2026-11-27 17:00:10',
    endTime: '2026-11-27 17:00:40',
    parameters: [],
    tasks: [{ taskName: 'load', status: 'RUNNING' }],
  };

  it('has no end while the run is not finished, even if EnOS sends one', () => {
    const view = runViewOf(instance, { serverZone: 'Asia/Shanghai', now: NOW + 60_000 });
    expect(view).toEqual({
      instanceId: '3377-20261127090000',
      flowId: 3377,
      flowName: 'daily load',
      phase: 'running',
      status: 2,
      finished: false,
      triggerTime: NOW,
      startedAt: NOW + 10_000,
      failedTasks: [],
    });
    expect(runDurationMs(view)).toBeUndefined();
  });

  it('prefers the trigger time the app sent, and measures a finished run', () => {
    const view = runViewOf(
      { ...instance, status: -1, tasks: [{ taskName: 'load', status: 'FAIL' }] },
      { serverZone: 'Asia/Shanghai', now: NOW + 60_000, triggerTime: NOW - 1 },
    );
    expect(view).toMatchObject({
      phase: 'failed',
      finished: true,
      triggerTime: NOW - 1,
      endedAt: NOW + 40_000,
    });
    expect(runDurationMs(view)).toBe(30_000);
    expect(view.failedTasks).toEqual([{ taskName: 'load', status: 'FAIL' }]);
  });
});

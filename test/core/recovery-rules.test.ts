/** The pure rules of recovery: which jobs may still be sent, and which listed instance a lost send created. */
import type { ListedFlowInstance } from '../../src/core/ports';
import {
  checkBackoffMs,
  findSentInstance,
  mayStillSend,
  notFoundIsFinal,
} from '../../src/core/recovery-rules';
import type { ResolvedTime } from '../../src/core/resolve-time';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const now: ResolvedTime = {
  epochMs: T0,
  zone: 'UTC',
  local: '2026-11-27 09:00',
  immediate: true,
  backdated: false,
};

describe('mayStillSend', () => {
  it('sends a job younger than the maximum age, whatever its time', () => {
    expect(mayStillSend(T0, now, T0 + 599_999, 600_000)).toBe(true);
    expect(
      mayStillSend(
        T0,
        { ...now, immediate: false, backdated: true, epochMs: T0 - 86_400_000 },
        T0 + 1000,
        600_000,
      ),
    ).toBe(true);
    expect(mayStillSend(T0, undefined, T0 + 1000, 600_000)).toBe(true);
  });

  it('does not send an older one, unless its scheduled time is still ahead', () => {
    expect(mayStillSend(T0, now, T0 + 600_000, 600_000)).toBe(false);
    expect(mayStillSend(T0, undefined, T0 + 600_000, 600_000)).toBe(false);
    const scheduled = { ...now, immediate: false, epochMs: T0 + 3_600_000 };
    expect(mayStillSend(T0, scheduled, T0 + 700_000, 600_000)).toBe(true);
    expect(mayStillSend(T0, scheduled, T0 + 3_600_001, 600_000)).toBe(false);
  });
});

describe('findSentInstance', () => {
  const sent = { flowId: 3377, triggerTime: T0, parameters: [{ key: 'REPLACE', value: 'ddee' }], sentAt: T0 };
  const instance = (over: Partial<ListedFlowInstance>): ListedFlowInstance => ({
    instanceId: '3377-1',
    flowId: 3377,
    flowName: 'daily load',
    status: 0,
    triggerTime: '2026-11-27 09:00:00',
    createTime: '2026-11-27 09:00:01',
    parameters: [
      { key: 'OTHER', value: 'x' },
      { key: 'REPLACE', value: 'ddee' },
    ],
    tasks: [],
    ...over,
  });

  it('reads EnOS’s zone-less trigger time in the server’s zone, within ±1 s', () => {
    // 17:00 in GMT+8 is 09:00 UTC.
    const shanghai = instance({ triggerTime: '2026-11-27 17:00:01', createTime: '2026-11-27 17:00:02' });
    expect(findSentInstance([shanghai], sent, 'Asia/Shanghai')).toBe(shanghai);
    expect(findSentInstance([shanghai], sent, 'UTC')).toBeUndefined();
    expect(findSentInstance([instance({ triggerTime: '2026-11-27 09:00:02' })], sent, 'UTC')).toBeUndefined();
  });

  it('ignores another flow, and a run created before the send (less the skew margin)', () => {
    expect(findSentInstance([instance({ flowId: 33770 })], sent, 'UTC')).toBeUndefined();
    expect(findSentInstance([instance({ createTime: '2026-11-27 08:58:59' })], sent, 'UTC')).toBeUndefined();
    const skewed = instance({ createTime: '2026-11-27 08:59:30' });
    expect(findSentInstance([skewed], sent, 'UTC')).toBe(skewed);
  });

  it('picks, among several, the one carrying the parameters sent', () => {
    const other = instance({ instanceId: '3377-2', parameters: [{ key: 'REPLACE', value: 'zzz' }] });
    const mine = instance({ instanceId: '3377-3' });
    expect(findSentInstance([other, mine], sent, 'UTC')).toBe(mine);
    expect(
      findSentInstance([other, instance({ instanceId: '3377-4', parameters: [] })], sent, 'UTC'),
    ).toBeUndefined();
  });
});

describe('when to conclude and when to ask again', () => {
  it('concludes "not found" only after the request timeout plus 60 s', () => {
    expect(notFoundIsFinal(T0, T0 + 15_000 + 59_999, 15_000)).toBe(false);
    expect(notFoundIsFinal(T0, T0 + 75_000, 15_000)).toBe(true);
  });

  it('backs off from 5 s, doubling, to at most 5 minutes', () => {
    expect([1, 2, 3, 4, 10].map(checkBackoffMs)).toEqual([5000, 10_000, 20_000, 40_000, 300_000]);
  });
});

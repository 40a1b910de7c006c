// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import type { Flow } from '../../src/core/ports';
import { compareParameters, type PreviewInput, previewTrigger } from '../../src/core/preview-trigger';
import { resolveTime } from '../../src/core/resolve-time';

const FLOW: Flow = {
  flowId: 3377,
  flowName: 'daily load',
  freq: '0 30 2 * * ? *',
  owners: ['ana.lopez', 'bo'],
  parameters: [
    { key: 'REPLACE', value: 'aabb' },
    { key: 'DAY', value: '${cal_dt}' },
    { key: 'MODE', value: 'full' },
  ],
  tasks: [{ taskName: 'load_meter_data', taskId: 't1' }],
  locked: false,
  isUserLocked: false,
};
const ANA = { userId: 'u15426865866571', orgId: 'o15578227985571', userName: 'ana.lopez' };
/** 2026-12-01 05:30 UTC: 06:30 in Berlin, 13:30 in Shanghai. */
const NOW = Date.UTC(2026, 11, 1, 5, 30);

function resolved(spec: Parameters<typeof resolveTime>[0], zone = 'Europe/Berlin') {
  const result = resolveTime(spec, { now: NOW, zone });
  if (!result.ok) throw new Error(result.error.message);
  return result.time;
}

function input(overrides: Partial<PreviewInput> = {}): PreviewInput {
  const when = { kind: 'today' as const, hour: 14, minute: 0 };
  return {
    flow: FLOW,
    identity: ANA,
    when,
    time: resolved(when),
    parameters: [
      { key: 'REPLACE', value: 'ddee' },
      { key: 'NOTE', value: 'rerun & <check>' },
    ],
    serverZone: 'GMT+8',
    calDtOffsetDays: 1,
    ...overrides,
  };
}

describe('previewTrigger', () => {
  it('shows the mission example: times, ${cal_dt}, parameters replaced, new and left, and the exact request', () => {
    expect(previewTrigger(input())).toEqual({
      flowId: 3377,
      flowName: 'daily load',
      check: { ok: true },
      time: {
        zone: 'Europe/Berlin',
        local: '2026-12-01 14:00',
        utc: '2026-12-01 13:00',
        epochMs: Date.UTC(2026, 11, 1, 13),
        immediate: false,
        backdated: false,
        resolvedAgainAtClick: false,
      },
      // 13:00 UTC is 21:00 on 1 December in the server's zone: ${cal_dt} is the day before.
      calDt: '2026-11-30',
      serverZone: 'UTC+08:00',
      given: [
        { key: 'REPLACE', value: 'ddee', replaces: { kind: 'flow-value', value: 'aabb' } },
        { key: 'NOTE', value: 'rerun & <check>', replaces: { kind: 'new' } },
      ],
      unchanged: [
        { key: 'DAY', value: '${cal_dt}' },
        { key: 'MODE', value: 'full' },
      ],
      request: {
        flowId: 3377,
        triggerTime: Date.UTC(2026, 11, 1, 13),
        parameters: [
          { key: 'REPLACE', value: 'ddee' },
          { key: 'NOTE', value: 'rerun & <check>' },
        ],
      },
    });
  });

  it('computes ${cal_dt} on the server date, which may differ from the caller date', () => {
    // 23:30 in Berlin on 1 December is 06:30 on 2 December in Shanghai.
    const late = { kind: 'today' as const, hour: 23, minute: 30 };
    expect(previewTrigger(input({ when: late, time: resolved(late) })).calDt).toBe('2026-12-01');
    expect(previewTrigger(input({ when: late, time: resolved(late), serverZone: 'UTC' })).calDt).toBe(
      '2026-11-30',
    );
    expect(previewTrigger(input({ when: late, time: resolved(late), calDtOffsetDays: 0 })).calDt).toBe(
      '2026-12-02',
    );
  });

  it('marks a back-dated run, and `now` and `in …` as resolved again at the click', () => {
    const past = {
      kind: 'date' as const,
      year: 2026,
      month: 11,
      day: 2,
      hour: 2,
      minute: 30,
      zone: 'Asia/Shanghai',
    };
    expect(previewTrigger(input({ when: past, time: resolved(past) }))).toMatchObject({
      time: {
        zone: 'Asia/Shanghai',
        local: '2026-11-02 02:30',
        utc: '2026-11-01 18:30',
        backdated: true,
        resolvedAgainAtClick: false,
      },
      calDt: '2026-11-01',
    });
    const now = { kind: 'now' as const };
    expect(previewTrigger(input({ when: now, time: resolved(now) })).time).toMatchObject({
      epochMs: NOW,
      immediate: true,
      resolvedAgainAtClick: true,
    });
    const soon = { kind: 'relative' as const, minutes: 10 };
    expect(previewTrigger(input({ when: soon, time: resolved(soon) })).time.resolvedAgainAtClick).toBe(true);
    const { when: _omitted, ...withoutWhen } = input({ time: resolved(now) });
    expect(previewTrigger(withoutWhen).time.resolvedAgainAtClick).toBe(true);
  });

  it.each([
    [{ owners: ['bo'] }, 'not-owner'],
    [{ locked: true }, 'flow-locked'],
    [{ isUserLocked: true }, 'user-locked'],
    [{ tasks: [] }, 'no-tasks'],
  ])('reports the check a trigger would fail: %j', (change, reason) => {
    const preview = previewTrigger(input({ flow: { ...FLOW, ...change } }));
    expect(preview.check).toEqual({ ok: false, reason });
    // The request is still shown exactly: the preview says what would have been sent.
    expect(preview.request.parameters).toHaveLength(2);
  });

  it('with no parameters given, leaves every flow parameter as it is', () => {
    const preview = previewTrigger(input({ parameters: [] }));
    expect(preview.given).toEqual([]);
    expect(preview.unchanged).toEqual(FLOW.parameters);
    expect(preview.request.parameters).toEqual([]);
  });

  it('gives no ${cal_dt} when the server zone cannot be read, and shows the zone as given', () => {
    const preview = previewTrigger(input({ serverZone: 'Nowhere/Land' }));
    expect(preview.calDt).toBeUndefined();
    expect(preview.serverZone).toBe('Nowhere/Land');
  });
});

describe('compareParameters', () => {
  it('pairs each given value with the flow value it replaces, keeps the given order and the flow order', () => {
    expect(
      compareParameters(
        [
          { key: 'A', value: '1' },
          { key: 'B', value: '' },
          { key: 'A', value: 'second A' },
          { key: 'C', value: '3' },
        ],
        [
          { key: 'C', value: 'c' },
          { key: 'Z', value: '' },
          { key: 'B', value: 'b' },
        ],
      ),
    ).toEqual({
      given: [
        { key: 'C', value: 'c', replaces: { kind: 'flow-value', value: '3' } },
        { key: 'Z', value: '', replaces: { kind: 'new' } },
        { key: 'B', value: 'b', replaces: { kind: 'flow-value', value: '' } },
      ],
      unchanged: [
        { key: 'A', value: '1' },
        { key: 'A', value: 'second A' },
      ],
    });
  });

  it('compares keys exactly, as EnOS does', () => {
    expect(compareParameters([{ key: 'day', value: '1' }], [{ key: 'DAY', value: '2' }])).toEqual({
      given: [{ key: 'DAY', value: '2', replaces: { kind: 'new' } }],
      unchanged: [{ key: 'day', value: '1' }],
    });
  });
});

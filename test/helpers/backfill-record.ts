import type { BackfillRecord, BackfillRecordRun } from '../../src/core/backfill';
import type { BackfillRunState } from '../../src/core/backfill-progress';

const DAY_MS = 86_400_000;
/** 2026-11-02 02:00 UTC: the trigger time of business date 2026-11-01. */
const FIRST_TRIGGER = Date.UTC(2026, 10, 2, 2);

/** One run of business date 2026-11-(01 + index), in the given state. */
export function backfillRun(index: number, state: BackfillRunState, extra: Partial<BackfillRecordRun> = {}) {
  const triggerTime = FIRST_TRIGGER + index * DAY_MS;
  const businessDate = new Date(triggerTime - DAY_MS).toISOString().slice(0, 10);
  const run: BackfillRecordRun = {
    businessDate,
    triggerTime,
    local: `${new Date(triggerTime).toISOString().slice(0, 10)} 02:00`,
    state,
    attempts: state === 'pending' ? 0 : 1,
  };
  if (state !== 'pending' && !(state === 'cancelled' && extra.instanceId === undefined)) {
    run.instanceId = `3377-${businessDate.replaceAll('-', '')}020000`;
    run.answeredAt = triggerTime + 1_000;
  }
  return { ...run, ...extra };
}

/** A started backfill of flow 3377, as the engine writes it; `states` gives its runs in order. */
export function backfillRecord(
  states: readonly BackfillRunState[],
  overrides: Partial<BackfillRecord> = {},
): BackfillRecord {
  return {
    id: 'bf-1',
    teamId: 'T1',
    slackUserId: 'U_STARTER',
    identity: { userId: 'u100', orgId: 'o100', userName: 'ana.lopez' },
    flowId: 3377,
    flowName: 'daily load',
    owners: ['ana.lopez', 'bo.chen'],
    parameters: [{ key: 'REPLACE', value: 'ddee' }],
    order: 'oldest-first',
    onFailure: 'stop',
    zone: 'UTC',
    serverZone: 'UTC',
    channelId: 'C1',
    threadTs: '1764000000.000100',
    progress: { channelId: 'C1', ts: '1764000000.000200' },
    runs: states.map((state, index) => backfillRun(index, state)),
    status: 'running',
    nextAt: 1_000,
    createdAt: 500,
    updatedAt: 500,
    ...overrides,
  };
}

import { StoreError } from '../../src/core/errors';
import type { AuditRecord } from '../../src/core/ports';
import type { Store } from '../../src/store/open-store';
import { anAuditRecord, uniqueTeam } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

/** An ISO instant `minutes` after a fixed base. */
function at(minutes: number): string {
  return new Date(Date.parse('2026-03-01T08:00:00Z') + minutes * 60_000).toISOString();
}

describe.each(backends)('AuditStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('put, get, and put again replaces the record', async () => {
    const team = uniqueTeam();
    const record = anAuditRecord({ teamId: team, id: 'attempt-1' });
    expect(await store.audit.get(team, 'attempt-1')).toBeUndefined();

    await store.audit.put(record);
    expect(await store.audit.get(team, 'attempt-1')).toEqual(record);

    const done: AuditRecord = {
      ...record,
      outcome: 'failed',
      threadTs: '1700000000.000100',
      error: { code: 'ENOS_API_ERROR', message: 'EnOS error 62102: bad', enosCode: 62102 },
      updatedAt: at(5),
    };
    await store.audit.put(done);
    expect(await store.audit.get(team, 'attempt-1')).toEqual(done);
    expect(await store.audit.listRecent(team, { limit: 10 })).toEqual([done]);
  });

  test('records are per team', async () => {
    const teamA = uniqueTeam();
    const teamB = uniqueTeam();
    await store.audit.put(anAuditRecord({ teamId: teamA, id: 'same-id', flowId: 1 }));
    await store.audit.put(anAuditRecord({ teamId: teamB, id: 'same-id', flowId: 2 }));
    expect((await store.audit.get(teamA, 'same-id'))?.flowId).toBe(1);
    expect((await store.audit.get(teamB, 'same-id'))?.flowId).toBe(2);
    expect((await store.audit.listRecent(teamA, { limit: 10 })).map((r) => r.flowId)).toEqual([1]);
  });

  describe('listRecent', () => {
    const team = uniqueTeam();
    // Written out of order: the order must come from requestedAt, not from insertion.
    const records = [
      anAuditRecord({ teamId: team, id: 'r3', slackUserId: 'U1', flowId: 10, requestedAt: at(3) }),
      anAuditRecord({ teamId: team, id: 'r1', slackUserId: 'U1', flowId: 20, requestedAt: at(1) }),
      anAuditRecord({ teamId: team, id: 'r5', slackUserId: 'U2', flowId: 10, requestedAt: at(5) }),
      anAuditRecord({ teamId: team, id: 'r2', slackUserId: 'U2', flowId: 20, requestedAt: at(2) }),
      anAuditRecord({ teamId: team, id: 'r4', slackUserId: 'U1', flowId: 10, requestedAt: at(4) }),
    ];
    const ids = (list: AuditRecord[]) => list.map((record) => record.id);

    beforeAll(async () => {
      for (const record of records) await store.audit.put(record);
      await store.audit.put(anAuditRecord({ teamId: uniqueTeam(), id: 'elsewhere', requestedAt: at(9) }));
    });

    test('newest first, this team only', async () => {
      expect(ids(await store.audit.listRecent(team, { limit: 10 }))).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    });

    test('limit', async () => {
      expect(ids(await store.audit.listRecent(team, { limit: 2 }))).toEqual(['r5', 'r4']);
      expect(await store.audit.listRecent(team, { limit: 0 })).toEqual([]);
    });

    test('by Slack user, by flow, and by both', async () => {
      expect(ids(await store.audit.listRecent(team, { slackUserId: 'U1', limit: 10 }))).toEqual([
        'r4',
        'r3',
        'r1',
      ]);
      expect(ids(await store.audit.listRecent(team, { flowId: 20, limit: 10 }))).toEqual(['r2', 'r1']);
      expect(ids(await store.audit.listRecent(team, { slackUserId: 'U2', flowId: 10, limit: 10 }))).toEqual([
        'r5',
      ]);
      expect(await store.audit.listRecent(team, { slackUserId: 'U9', limit: 10 })).toEqual([]);
    });

    test('returns whole records', async () => {
      const [newest] = await store.audit.listRecent(team, { limit: 1 });
      expect(newest).toEqual(records[2]);
    });
  });

  test('listRecent pages past many non-matching records', async () => {
    const team = uniqueTeam();
    await store.audit.put(
      anAuditRecord({ teamId: team, id: 'oldest', slackUserId: 'URARE', requestedAt: at(0) }),
    );
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        store.audit.put(
          anAuditRecord({ teamId: team, id: `busy-${i}`, slackUserId: 'UBUSY', requestedAt: at(1 + i) }),
        ),
      ),
    );
    expect((await store.audit.listRecent(team, { slackUserId: 'URARE', limit: 5 })).map((r) => r.id)).toEqual(
      ['oldest'],
    );
    const all = await store.audit.listRecent(team, { limit: 200 });
    expect(all).toHaveLength(121);
    expect(all[0]?.id).toBe('busy-119');
  });

  test('put refuses an invalid record with a StoreError', async () => {
    const team = uniqueTeam();
    const invalid = anAuditRecord({ teamId: team, id: 'bad', requestedAt: 'yesterday' });
    await expect(store.audit.put(invalid)).rejects.toBeInstanceOf(StoreError);
    expect(await store.audit.get(team, 'bad')).toBeUndefined();
  });
});

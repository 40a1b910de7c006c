/**
 * What `history` and the Home tab read (per-user and per-conversation indexes) and retention
 * (deleteOlderThan), on both backends, each with a store of its own: retention works across teams.
 */
import { createClient } from '@keyv/redis';
import type { AuditRecord } from '../../src/core/ports';
import type { Store } from '../../src/store/open-store';
import { anAuditRecord, uniqueTeam } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

function at(minutes: number): string {
  return new Date(Date.parse('2026-03-01T08:00:00Z') + minutes * 60_000).toISOString();
}

/** Entries of a sorted index, read around the store (Redis ZCARD, or the SQLite table). */
async function indexSize(factory: StoreFactory, name: string): Promise<number> {
  if (factory.backend === 'redis') {
    const client = createClient({ url: factory.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.zCard(name);
    } finally {
      await client.close();
    }
  }
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  const db = new sqlite3.Database(factory.url.replace(/^sqlite:\/\//, ''));
  try {
    return await new Promise<number>((resolve, reject) =>
      db.get('SELECT COUNT(*) AS n FROM sorted_index WHERE name = ?', [name], (error, row: { n: number }) =>
        error ? reject(error) : resolve(row.n),
      ),
    );
  } finally {
    db.close();
  }
}

const ids = (list: AuditRecord[]) => list.map((record) => record.id);

describe.each(backends)('audit history and retention on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;

  beforeEach(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterEach(async () => {
    await factory?.teardown();
  });

  test('listVisible: the caller’s own attempts anywhere, and the ones announced in this conversation', async () => {
    const team = uniqueTeam();
    const records = [
      anAuditRecord({
        teamId: team,
        id: 'own-elsewhere',
        slackUserId: 'U1',
        channelId: 'CPRIVATE',
        threadTs: '1.1',
        requestedAt: at(1),
      }),
      anAuditRecord({
        teamId: team,
        id: 'other-here',
        slackUserId: 'U2',
        channelId: 'CHERE',
        threadTs: '2.2',
        requestedAt: at(2),
      }),
      // Another user's result that went to them privately: not announced here, so not shown.
      anAuditRecord({
        teamId: team,
        id: 'other-here-private',
        slackUserId: 'U2',
        channelId: 'CHERE',
        requestedAt: at(3),
      }),
      anAuditRecord({
        teamId: team,
        id: 'other-elsewhere',
        slackUserId: 'U2',
        channelId: 'CPRIVATE',
        threadTs: '4.4',
        requestedAt: at(4),
      }),
      anAuditRecord({
        teamId: team,
        id: 'own-here',
        slackUserId: 'U1',
        channelId: 'CHERE',
        requestedAt: at(5),
        flowId: 99,
      }),
    ];
    for (const record of records) await store.audit.put(record);
    await store.audit.put(
      anAuditRecord({ teamId: uniqueTeam(), id: 'other-team', slackUserId: 'U1', channelId: 'CHERE' }),
    );

    const visible = await store.audit.listVisible(team, { slackUserId: 'U1', channelId: 'CHERE', limit: 10 });
    expect(ids(visible)).toEqual(['own-here', 'other-here', 'own-elsewhere']);
    expect(
      ids(await store.audit.listVisible(team, { slackUserId: 'U1', channelId: 'CHERE', limit: 2 })),
    ).toEqual(['own-here', 'other-here']);
    expect(
      ids(
        await store.audit.listVisible(team, { slackUserId: 'U1', channelId: 'CHERE', flowId: 99, limit: 10 }),
      ),
    ).toEqual(['own-here']);
    // From another user's view of the private channel: their own and what was announced there.
    expect(
      ids(await store.audit.listVisible(team, { slackUserId: 'U3', channelId: 'CPRIVATE', limit: 10 })),
    ).toEqual(['other-elsewhere', 'own-elsewhere']);
    expect(ids(await store.audit.listRecent(team, { slackUserId: 'U2', limit: 10 }))).toEqual([
      'other-elsewhere',
      'other-here-private',
      'other-here',
    ]);
  });

  test('deleteOlderThan removes old records and every index entry, across teams, in batches', async () => {
    const teams = [uniqueTeam(), uniqueTeam()];
    for (const [t, team] of teams.entries()) {
      for (let i = 0; i < 5; i++) {
        await store.audit.put(
          anAuditRecord({
            teamId: team,
            id: `old:${i}`,
            slackUserId: 'U1',
            channelId: 'C1',
            requestedAt: at(i),
          }),
        );
      }
      await store.audit.put(
        anAuditRecord({
          teamId: team,
          id: `new-${t}`,
          slackUserId: 'U1',
          channelId: 'C1',
          requestedAt: at(100),
        }),
      );
    }
    const cutoff = Date.parse(at(50));
    expect(await store.audit.deleteOlderThan(cutoff, 4)).toBe(4);
    expect(await store.audit.deleteOlderThan(cutoff, 4)).toBe(4);
    expect(await store.audit.deleteOlderThan(cutoff, 4)).toBe(2);
    expect(await store.audit.deleteOlderThan(cutoff, 4)).toBe(0);

    for (const [t, team] of teams.entries()) {
      expect(await store.audit.get(team, 'old:0')).toBeUndefined();
      expect(ids(await store.audit.listRecent(team, { limit: 10 }))).toEqual([`new-${t}`]);
      expect(
        ids(await store.audit.listVisible(team, { slackUserId: 'U1', channelId: 'C1', limit: 10 })),
      ).toEqual([`new-${t}`]);
      expect(await indexSize(factory, factory.keys.auditIndex(team))).toBe(1);
      expect(await indexSize(factory, factory.keys.auditUserIndex(team, 'U1'))).toBe(1);
      expect(await indexSize(factory, factory.keys.auditChannelIndex(team, 'C1'))).toBe(1);
    }
    expect(await indexSize(factory, factory.keys.auditAgeIndex())).toBe(2);
  });
});

import type { Store } from '../../src/store/open-store';
import { captureLogger } from './capture-logger';
import { aLink, anAuditRecord, uniqueTeam } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

describe.each(backends)('corrupted records on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  const log = captureLogger();

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open({ logger: log.logger });
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('a link that is not JSON reads as missing, is logged, and is left out of the list', async () => {
    const team = uniqueTeam();
    await store.links.put(aLink({ teamId: team, slackUserId: 'U1' }));
    await store.links.put(aLink({ teamId: team, slackUserId: 'U2' }));
    const key = factory.keys.link(team, 'U1');
    await factory.writeRaw(key, '{"value":{"teamId":');

    expect(await store.links.get(team, 'U1')).toBeUndefined();
    expect((await store.links.list(team)).map((link) => link.slackUserId)).toEqual(['U2']);
    expect(log.entries()).toContainEqual(
      expect.objectContaining({ key, msg: expect.stringContaining('not valid JSON') }),
    );

    // The way out: an admin links the user again.
    await store.links.put(aLink({ teamId: team, slackUserId: 'U1' }));
    expect(await store.links.get(team, 'U1')).toEqual(aLink({ teamId: team, slackUserId: 'U1' }));
  });

  test('a link of the wrong shape reads as missing and the log names the fields, not the values', async () => {
    const team = uniqueTeam();
    const key = factory.keys.link(team, 'U1');
    await factory.writeRaw(
      key,
      JSON.stringify({ value: { teamId: team, slackUserId: 'U1', userId: 'secret-ish' } }),
    );

    expect(await store.links.get(team, 'U1')).toBeUndefined();
    const entry = log.entries().find((e) => e.key === key);
    expect(entry?.msg).toContain('unexpected shape');
    expect(JSON.stringify(entry?.issues)).toContain('orgId');
    expect(log.text()).not.toContain('secret-ish');
  });

  test('a corrupted audit record reads as missing and is skipped by listRecent', async () => {
    const team = uniqueTeam();
    await store.audit.put(
      anAuditRecord({ teamId: team, id: 'good', requestedAt: '2026-03-01T10:00:00.000Z' }),
    );
    await store.audit.put(
      anAuditRecord({ teamId: team, id: 'bad', requestedAt: '2026-03-01T11:00:00.000Z' }),
    );
    await factory.writeRaw(
      factory.keys.audit(team, 'bad'),
      JSON.stringify({ value: { id: 'bad', flowId: 'x' } }),
    );

    expect(await store.audit.get(team, 'bad')).toBeUndefined();
    expect((await store.audit.listRecent(team, { limit: 10 })).map((r) => r.id)).toEqual(['good']);
  });
});

/**
 * AUDIT_RETENTION_DAYS in the background: old records go (with their index entries, see
 * audit-history.test.ts), recent ones stay, on a real store.
 */
import type { Store } from '../../src/store/open-store';
import { startAuditRetention } from '../../src/store/start-audit-retention';
import { waitFor } from '../helpers/wait-for';
import { captureLogger } from './capture-logger';
import { anAuditRecord, uniqueTeam } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

const NOW = Date.parse('2026-11-27T09:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

describe.each(backends)('audit retention on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  const team = uniqueTeam();

  beforeEach(async () => {
    factory = await makeFactory();
    store = await factory.open();
    for (let i = 0; i < 7; i++) {
      await store.audit.put(anAuditRecord({ teamId: team, id: `old-${i}`, requestedAt: daysAgo(91 + i) }));
    }
    await store.audit.put(anAuditRecord({ teamId: team, id: 'recent', requestedAt: daysAgo(89) }));
  });
  afterEach(async () => {
    await factory?.teardown();
  });

  test('a pass deletes every record older than the retention, in batches, and logs how many', async () => {
    const { logger, entries } = captureLogger();
    const retention = startAuditRetention({
      audit: store.audit,
      clock: () => NOW,
      retentionDays: 90,
      logger,
      batch: 3,
    });
    expect(await retention.runOnce()).toBe(7);
    expect((await store.audit.listRecent(team, { limit: 20 })).map((r) => r.id)).toEqual(['recent']);
    expect(await retention.runOnce()).toBe(0);
    await retention.stop();
    expect(entries()).toContainEqual(
      expect.objectContaining({ msg: 'old audit records deleted', deleted: 7, retentionDays: 90 }),
    );
  });

  test('the timer runs passes by itself until stopped; 0 days keeps everything', async () => {
    const { logger } = captureLogger();
    const keep = startAuditRetention({
      audit: store.audit,
      clock: () => NOW,
      retentionDays: 0,
      logger,
      firstDelayMs: 0,
    });
    await keep.stop();
    expect(await store.audit.listRecent(team, { limit: 20 })).toHaveLength(8);

    const retention = startAuditRetention({
      audit: store.audit,
      clock: () => NOW,
      retentionDays: 90,
      logger,
      firstDelayMs: 0,
      intervalMs: 10,
    });
    await waitFor(async () => (await store.audit.listRecent(team, { limit: 20 })).length === 1, {
      description: 'the timer deleted the old records',
    });
    await retention.stop();
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` is an EnOS system variable that must pass through verbatim
/** The preview store on both backends: a record by team and id, kept verbatim, gone after its TTL. */

import type { StoredPreview } from '../../src/core/ports';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

const preview = (id: string, teamId = 'T1'): StoredPreview => ({
  id,
  teamId,
  slackUserId: 'U1',
  channelId: 'C1',
  flowId: 3377,
  when: { kind: 'date', year: 2026, month: 11, day: 27, hour: 23, minute: 30, zone: 'Europe/Berlin' },
  pinnedEpochMs: Date.UTC(2026, 10, 27, 22, 30),
  backdated: false,
  parameters: [
    { key: 'DAY', value: '${cal_dt}' },
    { key: 'K', value: '<!here> a:b' },
  ],
  createdAt: Date.UTC(2026, 10, 27, 9, 0),
});

describe.each(backends)('PreviewStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('keeps a preview verbatim, by team and id; ids with separators do not collide', async () => {
    const id = `p-${process.pid}:a`;
    await store.previews.put(preview(id), 60_000);
    await store.previews.put(preview(`p-${process.pid}`, 'T1:a'), 60_000);
    expect(await store.previews.get('T1', id)).toEqual(preview(id));
    expect(await store.previews.get('T2', id)).toBeUndefined();
    expect(await store.previews.get('T1:a', `p-${process.pid}`)).toEqual(preview(`p-${process.pid}`, 'T1:a'));
    expect(await store.previews.get('T1', `p-${process.pid}:a:x`)).toBeUndefined();
  });

  test('forgets a preview after its TTL', async () => {
    const id = `p-${process.pid}-short`;
    await store.previews.put(preview(id), 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.previews.get('T1', id)).toBeUndefined();
  });

  test('refuses to write an invalid preview', async () => {
    await expect(
      store.previews.put({ ...preview('bad'), flowId: 1.5 } as StoredPreview, 60_000),
    ).rejects.toThrow(/flowId/);
  });
});

/** The trigger job store on both backends: records, the due-time index, and what a crash can leave. */

import { newTriggerJob, type TriggerJob } from '../../src/core/trigger-job';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
let counter = 0;

/** A job with a unique ID, accepted at `acceptedAt` and due at `dueAt`. */
function aJob(dueAt: number, overrides: Partial<TriggerJob> = {}): TriggerJob {
  counter += 1;
  const id = `job-${process.pid}-${counter}`;
  return {
    ...newTriggerJob(
      id,
      {
        teamId: 'T1',
        slackUserId: 'U1',
        channelId: 'C1',
        teamDomain: 'acme',
        responseUrl: 'https://hooks.slack.com/commands/T1/1/abc',
        deliveryKey: `command:T1:${id}`,
        source: 'command',
      },
      { flowId: 3377, when: { kind: 'now' }, parameters: [{ key: 'REPLACE', value: '${cal_dt}' }] },
      BASE,
      5000,
    ),
    dueAt,
    ...overrides,
  };
}

describe.each(backends)('JobStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  let made: TriggerJob[];

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  beforeEach(() => {
    made = [];
  });
  afterEach(async () => {
    for (const job of made) await store.jobs.remove(job.id);
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  const put = async (job: TriggerJob) => {
    made.push(job);
    await store.jobs.put(job);
    return job;
  };

  test('put, get, advance a step and remove one job', async () => {
    const job = await put(aJob(BASE + 5000));
    expect(await store.jobs.get(job.id)).toEqual(job);
    const sent: TriggerJob = {
      ...job,
      dueAt: BASE + 10_000,
      state: {
        step: 'sent',
        sentAt: BASE + 1000,
        identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
        time: { epochMs: BASE, zone: 'UTC', local: '2026-11-27 09:00', immediate: true, backdated: false },
        thread: { channelId: 'C1', threadTs: '1.000100', private: false },
      },
    };
    await store.jobs.put(sent);
    expect(await store.jobs.get(job.id)).toEqual(sent);
    await store.jobs.remove(job.id);
    expect(await store.jobs.get(job.id)).toBeUndefined();
    await store.jobs.remove(job.id);
  });

  test('listDue returns the jobs due, most overdue first, at most `limit`', async () => {
    const late = await put(aJob(BASE + 30_000));
    const early = await put(aJob(BASE + 10_000));
    const notYet = await put(aJob(BASE + 60_000));
    const ids = async (now: number, limit: number) => (await store.jobs.listDue(now, limit)).map((j) => j.id);
    expect(await ids(BASE, 10)).toEqual([]);
    expect(await ids(BASE + 30_000, 10)).toEqual([early.id, late.id]);
    expect(await ids(BASE + 30_000, 1)).toEqual([early.id]);
    await store.jobs.put({ ...early, dueAt: BASE + 70_000 });
    expect(await ids(BASE + 60_000, 10)).toEqual([late.id, notYet.id]);
  });

  test('an index entry whose record is gone is dropped, not due forever', async () => {
    const orphan = await put(aJob(BASE + 1000));
    const fine = await put(aJob(BASE + 2000));
    await factory.writeRaw(factory.keys.job(orphan.id), 'not json');
    expect((await store.jobs.listDue(BASE + 5000, 1)).map((j) => j.id)).toEqual([]);
    expect((await store.jobs.listDue(BASE + 5000, 1)).map((j) => j.id)).toEqual([fine.id]);
  });

  test('refuses to write a job whose step does not carry what it needs', async () => {
    await expect(
      store.jobs.put({ ...aJob(BASE), state: { step: 'sent' } } as unknown as TriggerJob),
    ).rejects.toThrow(/invalid trigger job \(state/);
  });

  test('another Store on the same data sees the same jobs (a restarted or another replica)', async () => {
    const job = await put(aJob(BASE + 1000));
    const other = await factory.open();
    expect((await other.jobs.listDue(BASE + 1000, 10)).map((j) => j.id)).toEqual([job.id]);
  });
});

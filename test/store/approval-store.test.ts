/**
 * The approval request store on both backends: records, the index of pending requests by deadline,
 * and decisions made at once through two Stores on the same data (as two replicas): none is lost.
 */
import type { ApprovalRequest } from '../../src/core/approval-request';
import { updateApproval } from '../../src/core/approval-update';
import type { Store } from '../../src/store/open-store';
import { backends, type StoreFactory } from './store-factories';

const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
let counter = 0;

function aRequest(deadline: number, overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  counter += 1;
  return {
    id: `req-${process.pid}-${counter}`,
    teamId: 'T1',
    requesterId: 'U0REQ',
    channelId: 'C1',
    source: 'command',
    payload: {
      kind: 'trigger',
      flowId: 3377,
      flowName: 'daily load',
      when: { kind: 'now' },
      time: { epochMs: BASE, zone: 'UTC', local: '2026-11-27 09:00', immediate: true, backdated: false },
      parameters: [{ key: 'REPLACE', value: '<!channel>' }],
      identity: { userId: 'u1', userName: 'alice', orgId: 'o1' },
    },
    rule: { index: 0, name: 'second person' },
    summary: 'needs 1 approval',
    approvers: ['U0A', 'U0B', 'U0C', 'U0D', 'U0E', 'U0F'],
    count: 6,
    requestedAt: BASE,
    deadline,
    state: 'pending',
    approvedBy: [],
    ...overrides,
  };
}

describe.each(backends)('ApprovalStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
    other = await factory.open();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('put, get, list the expired pending ones by deadline, and drop decided ones from the index', async () => {
    const late = aRequest(BASE + 2000);
    const early = aRequest(BASE + 1000);
    const future = aRequest(BASE + 60_000);
    for (const r of [late, early, future]) await store.approvals.put(r);
    expect(await store.approvals.get(early.id)).toEqual(early);
    const expired = await store.approvals.listExpired(BASE + 5000, 10);
    expect(expired.map((r) => r.id)).toEqual([early.id, late.id]);
    await store.approvals.put({ ...early, state: 'rejected', decidedAt: BASE + 1500 });
    expect((await store.approvals.listExpired(BASE + 5000, 10)).map((r) => r.id)).toEqual([late.id]);
    // The decided request is still there for late clicks.
    expect(await store.approvals.get(early.id)).toMatchObject({ state: 'rejected' });
    await store.approvals.remove(late.id);
    expect(await store.approvals.get(late.id)).toBeUndefined();
    expect(await store.approvals.listExpired(BASE + 5000, 10)).toEqual([]);
    await store.approvals.remove(future.id);
    await store.approvals.remove(early.id);
  });

  test('six approvers deciding at once through two Stores are all counted, each once', async () => {
    const request = aRequest(BASE + 60_000);
    await store.approvals.put(request);
    const clock = () => BASE + 10;
    const results = await Promise.all(
      request.approvers.flatMap((userId, i) => {
        // Each approver clicks twice, on both "replicas".
        const decide = (s: Store) =>
          updateApproval({ approvals: s.approvals, claims: s.claims, clock }, request.id, userId, {
            kind: 'approve',
          });
        return i % 2 === 0 ? [decide(store), decide(other)] : [decide(other), decide(store)];
      }),
    );
    const effects = results.map((r) => (r.kind === 'decided' ? r.effect.kind : r.kind));
    expect(effects.filter((e) => e === 'approved')).toHaveLength(1);
    expect(effects.filter((e) => e === 'counted')).toHaveLength(5);
    expect(effects.filter((e) => e === 'already-approved' || e === 'already-final')).toHaveLength(6);
    const stored = await other.approvals.get(request.id);
    expect(stored?.state).toBe('approved');
    expect(stored?.approvedBy.map((a) => a.userId).sort()).toEqual([...request.approvers].sort());
    await store.approvals.remove(request.id);
  });
});

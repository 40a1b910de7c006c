import { FakeEnosState } from '../../src/enos/simulator/simulator-state';

/**
 * How the simulator's runs go by themselves (the demo's `autoProgress`): a run starts at its trigger
 * time, or at once when it is back-dated (as EnOS runs a back-dated trigger), and runs for its plan's
 * time from there.
 */
describe('the simulator’s runs on its clock', () => {
  const day = 24 * 60 * 60 * 1000;
  let now: number;
  let state: FakeEnosState;

  beforeEach(() => {
    now = Date.UTC(2026, 11, 2, 3, 0, 0);
    state = new FakeEnosState(() => now, true);
    state.addUser({ userId: 'u1', userName: 'alice', orgId: 'o1' });
    state.addFlow({ flowId: 3377, owner: 'alice', run: { runMs: 30_000 } });
  });

  const instance = (id: string) =>
    state.getInstance('u1', 'o1', id).data as {
      status: number;
      startTime: string | null;
      endTime: string | null;
    };

  it('runs a back-dated trigger from its creation, for the plan’s time, not from the date it names', () => {
    const answer = state.updateAndTrigger('u1', 'o1', {
      flowId: 3377,
      triggerTime: now - 3 * day,
      parameters: [],
    });
    const id = (answer.data as { flowInstanceId: string }).flowInstanceId;
    expect(instance(id)).toMatchObject({ status: 2, startTime: '2026-12-02 03:00:00', endTime: null });
    now += 29_000;
    expect(instance(id).status).toBe(2);
    now += 1_000;
    expect(instance(id)).toMatchObject({
      status: 1,
      startTime: '2026-12-02 03:00:00',
      endTime: '2026-12-02 03:00:30',
    });
  });

  it('waits for a trigger time ahead, then runs from it', () => {
    const answer = state.updateAndTrigger('u1', 'o1', {
      flowId: 3377,
      triggerTime: now + 60_000,
      parameters: [],
    });
    const id = (answer.data as { flowInstanceId: string }).flowInstanceId;
    expect(instance(id)).toMatchObject({ status: 5, startTime: '2026-12-02 03:01:00' });
    now += 60_000;
    expect(instance(id)).toMatchObject({ status: 2, startTime: '2026-12-02 03:01:00' });
    now += 30_000;
    expect(instance(id)).toMatchObject({ status: 1, endTime: '2026-12-02 03:01:30' });
  });
});

import { createInFlight, type InFlightOptions } from '../src/in-flight';

/** A piece of work the test finishes by hand. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setUp(options: Partial<InFlightOptions> = {}) {
  const errors: unknown[] = [];
  const overload: Array<{ full: boolean; waiting: number; refused: number }> = [];
  const shares: Array<{ owner: string; full: boolean; waiting: number; refused: number }> = [];
  const inFlight = createInFlight({
    concurrency: 2,
    queueLimit: 3,
    queuePerUser: 100,
    onError: (error) => errors.push(error),
    onOverload: (event) => overload.push(event),
    onShareOverload: (event) => shares.push(event),
    ...options,
  });
  /** Queues `work` for `owner` (one owner unless said): its settlement, or undefined when refused. */
  const enqueue = (work: () => Promise<unknown>, owner = 'T1:U1', abandon?: () => Promise<void>) => {
    const result = inFlight.enqueue(async () => void (await work()), { owner, abandon });
    return result.queued ? result.done : undefined;
  };
  return { inFlight, errors, overload, shares, enqueue };
}

describe('createInFlight', () => {
  it('starts work on the next turn of the event loop, not in the caller’s microtasks', async () => {
    const { inFlight, enqueue } = setUp();
    const started: string[] = [];
    void inFlight.run(async () => {
      started.push('run');
    });
    expect(enqueue(async () => void started.push('queued'))).toBeDefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([]);
    await turn();
    await turn();
    expect(started.sort()).toEqual(['queued', 'run']);
  });

  it('runs at most `concurrency` queued works at once, in the order they came', async () => {
    const { inFlight, enqueue } = setUp({ concurrency: 2, queueLimit: 10 });
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      enqueue(async () => {
        started.push(i);
        await g.opened;
      }),
    );
    await turn();
    await turn();
    expect(started).toEqual([0, 1]);
    expect(inFlight.size).toBe(5);
    expect(inFlight.waiting).toBe(3);
    gates[1]?.open();
    await done[1];
    await turn();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    await Promise.all(done);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(inFlight.size).toBe(0);
  });

  it('does not count `run` work against the concurrency: a modal opens while triggers wait', async () => {
    const { inFlight, enqueue } = setUp({ concurrency: 1, queueLimit: 5 });
    const blocker = gate();
    void enqueue(() => blocker.opened);
    let ran = false;
    await inFlight.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    blocker.open();
  });

  it('refuses beyond the queue limit, tells the operator once per overload, and accepts again', async () => {
    const { overload, enqueue } = setUp({ concurrency: 1, queueLimit: 2 });
    const blocker = gate();
    const accepted = [enqueue(() => blocker.opened)];
    await turn(); // the first takes the one slot
    accepted.push(
      enqueue(async () => {}),
      enqueue(async () => {}),
    );
    expect(accepted.every((p) => p !== undefined)).toBe(true);
    expect(enqueue(async () => {})).toBeUndefined();
    expect(enqueue(async () => {})).toBeUndefined();
    expect(overload).toEqual([{ full: true, waiting: 2, refused: 0 }]);
    blocker.open();
    await Promise.all(accepted);
    await turn();
    expect(overload).toEqual([
      { full: true, waiting: 2, refused: 0 },
      { full: false, waiting: 1, refused: 2 },
    ]);
    expect(enqueue(async () => {})).toBeDefined();
  });

  it('reports one overload while the queue hovers at its limit, until it is half empty', async () => {
    const { inFlight, overload, enqueue } = setUp({ concurrency: 1, queueLimit: 4 });
    const gates = Array.from({ length: 6 }, gate);
    const work = (i: number) => () => gates[i]!.opened;
    void enqueue(work(0));
    await turn(); // the first takes the slot
    for (let i = 1; i <= 4; i += 1) expect(enqueue(work(i))).toBeDefined();
    expect(enqueue(async () => {})).toBeUndefined();
    gates[0]!.open(); // one leaves the queue: 3 wait, room for one more
    for (let i = 0; i < 5 && inFlight.waiting > 3; i += 1) await turn();
    expect(inFlight.waiting).toBe(3);
    expect(enqueue(work(5))).toBeDefined();
    expect(enqueue(async () => {})).toBeUndefined();
    expect(overload).toEqual([{ full: true, waiting: 4, refused: 0 }]);
    for (const g of gates) g.open();
    await inFlight.drain(1000);
    expect(overload).toEqual([
      { full: true, waiting: 4, refused: 0 },
      { full: false, waiting: 2, refused: 2 },
    ]);
  });

  it('counts work queued in the same turn that free slots will take as not waiting', () => {
    const { enqueue } = setUp({ concurrency: 3, queueLimit: 0 });
    const results = Array.from({ length: 4 }, () => enqueue(async () => {}));
    expect(results.map((r) => r !== undefined)).toEqual([true, true, true, false]);
  });

  it('reports a failure of the work and goes on with the next', async () => {
    const { errors, enqueue } = setUp({ concurrency: 1 });
    const boom = new Error('boom');
    const first = enqueue(async () => {
      throw boom;
    });
    let second = false;
    const next = enqueue(async () => {
      second = true;
    });
    await Promise.all([first, next]);
    expect(errors).toEqual([boom]);
    expect(second).toBe(true);
  });

  it('drains queued work too, and says true when everything finished', async () => {
    const { inFlight, enqueue } = setUp({ concurrency: 1, queueLimit: 5 });
    const finished: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      void enqueue(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished.push(i);
      });
    }
    await expect(inFlight.drain(5000)).resolves.toBe(true);
    expect(finished).toEqual([0, 1, 2, 3]);
  });

  it('abandons, with a notice each and in turn order, the queued work that never started when the grace ends', async () => {
    const { inFlight, enqueue } = setUp({ concurrency: 1, queueLimit: 5 });
    const blocker = gate();
    const events: string[] = [];
    void enqueue(
      () => blocker.opened.then(() => void events.push('first finished')),
      'T1:U1',
      async () => void events.push('first abandoned'),
    );
    const waiting = [
      ['T1:U1', 'a1'],
      ['T1:U1', 'a2'],
      ['T1:U2', 'b1'],
    ].map(([owner, name]) =>
      enqueue(
        async () => void events.push(`work ${name}`),
        owner,
        async () => void events.push(`abandoned ${name}`),
      ),
    );
    await turn();
    await expect(inFlight.drain(30)).resolves.toBe(false);
    await Promise.all(waiting); // settled by the abandon
    // U1's first work had the last turn, so U2's is next.
    expect(events).toEqual(['abandoned b1', 'abandoned a1', 'abandoned a2']);
    expect(inFlight.waiting).toBe(0);
    blocker.open();
    await expect(inFlight.drain(1000)).resolves.toBe(true);
    expect(events).toEqual(['abandoned b1', 'abandoned a1', 'abandoned a2', 'first finished']);
  });
});

describe('the fair share of the trigger queue', () => {
  /** Queues one piece of work per name, for its owner, that records when it starts. */
  function queueAll(
    enqueue: ReturnType<typeof setUp>['enqueue'],
    works: Array<[owner: string, name: string]>,
  ) {
    const started: string[] = [];
    const done = works.map(([owner, name]) => enqueue(async () => void started.push(name), owner));
    return { started, done };
  }

  it('serves the callers in turns, one trigger each, in arrival order within a caller', async () => {
    const { enqueue } = setUp({ concurrency: 1, queueLimit: 100 });
    const blocker = gate();
    void enqueue(() => blocker.opened, 'T1:UX');
    await turn(); // the blocker takes the one slot: everything below waits
    const { started, done } = queueAll(enqueue, [
      ['T1:UA', 'a1'],
      ['T1:UA', 'a2'],
      ['T1:UA', 'a3'],
      ['T1:UB', 'b1'],
      ['T1:UA', 'a4'],
      ['T1:UB', 'b2'],
      ['T1:UC', 'c1'],
      ['T2:UA', 'other team a1'],
    ]);
    expect(done.every((d) => d !== undefined)).toBe(true);
    blocker.open();
    await Promise.all(done);
    expect(started).toEqual(['a1', 'b1', 'c1', 'other team a1', 'a2', 'b2', 'a3', 'a4']);
  });

  it('puts a caller who comes back after their turns ran out at the back of the turns', async () => {
    const { enqueue } = setUp({ concurrency: 1, queueLimit: 100 });
    const blocker = gate();
    void enqueue(() => blocker.opened, 'T1:UX');
    await turn();
    const first = queueAll(enqueue, [
      ['T1:UA', 'a1'],
      ['T1:UB', 'b1'],
      ['T1:UB', 'b2'],
    ]);
    blocker.open();
    await first.done[0]; // a1 ran: A has nothing left waiting
    const later = queueAll(enqueue, [['T1:UA', 'a2']]);
    await Promise.all([...first.done, ...later.done]);
    expect([...first.started, ...later.started]).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('refuses a caller beyond their share, and only them, saying whose and how many', async () => {
    const { inFlight, enqueue } = setUp({ concurrency: 1, queueLimit: 100, queuePerUser: 2 });
    const blocker = gate();
    void enqueue(() => blocker.opened, 'T1:UX');
    await turn();
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UA' })).toMatchObject({ queued: true });
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UA' })).toMatchObject({ queued: true });
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UA' })).toEqual({
      queued: false,
      reason: 'share-full',
      waiting: 2,
    });
    // The same Slack user in another workspace is another caller.
    expect(inFlight.enqueue(async () => {}, { owner: 'T2:UA' })).toMatchObject({ queued: true });
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UB' })).toMatchObject({ queued: true });
    expect(inFlight.waiting).toBe(4);
    blocker.open();
    await inFlight.drain(1000);
  });

  it('tells the operator once when a caller’s share fills and once when it is back to half', async () => {
    const { inFlight, enqueue, shares, overload } = setUp({
      concurrency: 1,
      queueLimit: 100,
      queuePerUser: 4,
    });
    const blocker = gate();
    void enqueue(() => blocker.opened, 'T1:UX');
    await turn();
    const gates = Array.from({ length: 4 }, gate);
    const accepted = gates.map((g) => enqueue(() => g.opened, 'T1:UA'));
    expect(accepted.every((a) => a !== undefined)).toBe(true);
    for (let i = 0; i < 5; i += 1) expect(enqueue(async () => {}, 'T1:UA')).toBeUndefined();
    expect(shares).toEqual([{ owner: 'T1:UA', full: true, waiting: 4, refused: 0 }]);
    blocker.open(); // the first of A's takes the slot and holds it: 3 wait
    for (let i = 0; i < 5 && inFlight.waiting > 3; i += 1) await turn();
    expect(inFlight.waiting).toBe(3);
    expect(enqueue(async () => {}, 'T1:UA')).toBeDefined(); // room for one: 4 wait again
    expect(enqueue(async () => {}, 'T1:UA')).toBeUndefined();
    expect(shares).toHaveLength(1);
    for (const g of gates) g.open();
    await inFlight.drain(1000);
    expect(shares).toEqual([
      { owner: 'T1:UA', full: true, waiting: 4, refused: 0 },
      { owner: 'T1:UA', full: false, waiting: 2, refused: 6 },
    ]);
    // A caller's flood is not a full queue.
    expect(overload).toEqual([]);
    expect(enqueue(async () => {}, 'T1:UA')).toBeDefined();
  });

  it('lets one caller’s burst fill the free slots, and keeps their share for what waits', () => {
    const { inFlight } = setUp({ concurrency: 3, queueLimit: 100, queuePerUser: 2 });
    const results = Array.from({ length: 6 }, () => inFlight.enqueue(async () => {}, { owner: 'T1:UA' }));
    expect(results.map((r) => r.queued)).toEqual([true, true, true, true, true, false]);
  });

  it('still refuses everyone beyond the queue limit, the share coming first for its caller', async () => {
    const { inFlight, enqueue, overload } = setUp({ concurrency: 1, queueLimit: 3, queuePerUser: 2 });
    const blocker = gate();
    void enqueue(() => blocker.opened, 'T1:UX');
    await turn();
    const accepted = [
      enqueue(async () => {}, 'T1:UA'),
      enqueue(async () => {}, 'T1:UA'),
      enqueue(async () => {}, 'T1:UB'),
    ];
    expect(accepted.every((a) => a !== undefined)).toBe(true);
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UC' })).toEqual({
      queued: false,
      reason: 'queue-full',
      waiting: 3,
    });
    expect(inFlight.enqueue(async () => {}, { owner: 'T1:UA' })).toEqual({
      queued: false,
      reason: 'share-full',
      waiting: 2,
    });
    expect(overload).toEqual([{ full: true, waiting: 3, refused: 0 }]);
    blocker.open();
    await Promise.all(accepted);
    await inFlight.drain(1000);
    expect(overload).toEqual([
      { full: true, waiting: 3, refused: 0 },
      { full: false, waiting: 1, refused: 1 },
    ]);
  });

  it('keeps the order of a long line of one caller, with another caller taking turns', async () => {
    const { enqueue } = setUp({ concurrency: 1, queueLimit: 10_000, queuePerUser: 10_000 });
    const started: string[] = [];
    const done = [];
    for (let i = 0; i < 3000; i += 1) done.push(enqueue(async () => void started.push(`a${i}`), 'T1:UA'));
    for (let i = 0; i < 3; i += 1) done.push(enqueue(async () => void started.push(`b${i}`), 'T1:UB'));
    await Promise.all(done);
    expect(started.slice(0, 7)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3']);
    expect(started.filter((s) => s.startsWith('a'))).toEqual(Array.from({ length: 3000 }, (_, i) => `a${i}`));
  });
});

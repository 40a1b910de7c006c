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
  const inFlight = createInFlight({
    concurrency: 2,
    queueLimit: 3,
    onError: (error) => errors.push(error),
    onOverload: (event) => overload.push(event),
    ...options,
  });
  return { inFlight, errors, overload };
}

describe('createInFlight', () => {
  it('starts work on the next turn of the event loop, not in the caller’s microtasks', async () => {
    const { inFlight } = setUp();
    const started: string[] = [];
    void inFlight.run(async () => {
      started.push('run');
    });
    expect(inFlight.enqueue(async () => void started.push('queued'))).toBeDefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([]);
    await turn();
    await turn();
    expect(started.sort()).toEqual(['queued', 'run']);
  });

  it('runs at most `concurrency` queued works at once, in the order they came', async () => {
    const { inFlight } = setUp({ concurrency: 2, queueLimit: 10 });
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      inFlight.enqueue(async () => {
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
    const { inFlight } = setUp({ concurrency: 1, queueLimit: 5 });
    const blocker = gate();
    void inFlight.enqueue(() => blocker.opened);
    let ran = false;
    await inFlight.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    blocker.open();
  });

  it('refuses beyond the queue limit, tells the operator once per overload, and accepts again', async () => {
    const { inFlight, overload } = setUp({ concurrency: 1, queueLimit: 2 });
    const blocker = gate();
    const accepted = [inFlight.enqueue(() => blocker.opened)];
    await turn(); // the first takes the one slot
    accepted.push(
      inFlight.enqueue(async () => {}),
      inFlight.enqueue(async () => {}),
    );
    expect(accepted.every((p) => p !== undefined)).toBe(true);
    expect(inFlight.enqueue(async () => {})).toBeUndefined();
    expect(inFlight.enqueue(async () => {})).toBeUndefined();
    expect(overload).toEqual([{ full: true, waiting: 2, refused: 0 }]);
    blocker.open();
    await Promise.all(accepted);
    await turn();
    expect(overload).toEqual([
      { full: true, waiting: 2, refused: 0 },
      { full: false, waiting: 1, refused: 2 },
    ]);
    expect(inFlight.enqueue(async () => {})).toBeDefined();
  });

  it('reports one overload while the queue hovers at its limit, until it is half empty', async () => {
    const { inFlight, overload } = setUp({ concurrency: 1, queueLimit: 4 });
    const gates = Array.from({ length: 6 }, gate);
    const work = (i: number) => () => gates[i]!.opened;
    void inFlight.enqueue(work(0));
    await turn(); // the first takes the slot
    for (let i = 1; i <= 4; i += 1) expect(inFlight.enqueue(work(i))).toBeDefined();
    expect(inFlight.enqueue(async () => {})).toBeUndefined();
    gates[0]!.open(); // one leaves the queue: 3 wait, room for one more
    for (let i = 0; i < 5 && inFlight.waiting > 3; i += 1) await turn();
    expect(inFlight.waiting).toBe(3);
    expect(inFlight.enqueue(work(5))).toBeDefined();
    expect(inFlight.enqueue(async () => {})).toBeUndefined();
    expect(overload).toEqual([{ full: true, waiting: 4, refused: 0 }]);
    for (const g of gates) g.open();
    await inFlight.drain(1000);
    expect(overload).toEqual([
      { full: true, waiting: 4, refused: 0 },
      { full: false, waiting: 2, refused: 2 },
    ]);
  });

  it('counts work queued in the same turn that free slots will take as not waiting', () => {
    const { inFlight } = setUp({ concurrency: 3, queueLimit: 0 });
    const results = Array.from({ length: 4 }, () => inFlight.enqueue(async () => {}));
    expect(results.map((r) => r !== undefined)).toEqual([true, true, true, false]);
  });

  it('reports a failure of the work and goes on with the next', async () => {
    const { inFlight, errors } = setUp({ concurrency: 1 });
    const boom = new Error('boom');
    const first = inFlight.enqueue(async () => {
      throw boom;
    });
    let second = false;
    const next = inFlight.enqueue(async () => {
      second = true;
    });
    await Promise.all([first, next]);
    expect(errors).toEqual([boom]);
    expect(second).toBe(true);
  });

  it('drains queued work too, and says true when everything finished', async () => {
    const { inFlight } = setUp({ concurrency: 1, queueLimit: 5 });
    const finished: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      void inFlight.enqueue(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished.push(i);
      });
    }
    await expect(inFlight.drain(5000)).resolves.toBe(true);
    expect(finished).toEqual([0, 1, 2, 3]);
  });

  it('abandons, with a notice each, the queued work that never started when the grace ends', async () => {
    const { inFlight } = setUp({ concurrency: 1, queueLimit: 5 });
    const blocker = gate();
    const events: string[] = [];
    void inFlight.enqueue(
      () => blocker.opened.then(() => void events.push('first finished')),
      async () => void events.push('first abandoned'),
    );
    const waiting = [1, 2].map((i) =>
      inFlight.enqueue(
        async () => void events.push(`work ${i}`),
        async () => void events.push(`abandoned ${i}`),
      ),
    );
    await turn();
    await expect(inFlight.drain(30)).resolves.toBe(false);
    await Promise.all(waiting); // settled by the abandon
    expect(events).toEqual(['abandoned 1', 'abandoned 2']);
    expect(inFlight.waiting).toBe(0);
    blocker.open();
    await expect(inFlight.drain(1000)).resolves.toBe(true);
    expect(events).toEqual(['abandoned 1', 'abandoned 2', 'first finished']);
  });
});

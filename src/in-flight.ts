/**
 * Work that continues after Slack has been answered (Bolt acks first, then the handler goes on).
 *
 * Two kinds of it:
 * - `run`: work that cannot wait, such as opening a modal (its trigger_id lives 3 s) or cancelling
 *   a run. It starts at once.
 * - `enqueue`: triggers. At most `concurrency` run at once; the others wait in a queue of at most
 *   `queueLimit`, and beyond that `enqueue` refuses, so the listener can say so in its ack. Why:
 *   each trigger costs a few milliseconds of the one event loop that also answers Slack, and an
 *   unbounded number of them at once delays every ack behind them and holds ~100 KB each; a
 *   waiting trigger holds only its request (docs/benchmarks.md, "What changed").
 *
 * The queue is fair between callers: each trigger has an `owner` (a caller: team and Slack user),
 * each owner has at most `queuePerUser` triggers waiting (beyond, only that owner is refused), and
 * owners take turns: one waiting trigger per owner per turn, in arrival order within an owner. So
 * one caller's flood can neither fill the queue nor make everyone else wait behind it.
 *
 * Everything starts on the next turn of the event loop (setImmediate), not in the microtasks right
 * after its ack: when a burst of commands arrives at once, all their acks go out first.
 *
 * Shutdown (`drain`) waits for both kinds, queued triggers included; a trigger still waiting when
 * the grace ends is not dropped silently: its `abandon` tells the caller that nothing was triggered.
 */
export interface InFlight {
  /** Starts `work` now and counts it until it settles. Never rejects: failures are the work's own to report. */
  run(work: () => Promise<void>): Promise<void>;
  /**
   * Queues `work` (a trigger) for its owner's turn. When queued, `done` resolves once it has run,
   * or was abandoned at shutdown; when refused, nothing was queued, and the caller must be told.
   */
  enqueue(work: () => Promise<void>, options: EnqueueOptions): Enqueued;
  /** Work counted: running, both kinds, plus queued. */
  readonly size: number;
  /** Triggers waiting for a turn, all owners together. */
  readonly waiting: number;
  /**
   * Resolves when nothing is in flight, with true; or after `timeoutMs`, with false, once the
   * queued triggers that never started have been abandoned.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface EnqueueOptions {
  /** Whose trigger it is (`team:user`): owners take turns, and each has its own share of the queue. */
  owner: string;
  /** Tells the caller that nothing was triggered, when shutdown comes before the work's turn. */
  abandon?: () => Promise<void>;
}

/**
 * What `enqueue` did. Refused: `queue-full` when `queueLimit` triggers wait (`waiting`: all of
 * them), `share-full` when this owner already has `queuePerUser` waiting (`waiting`: theirs).
 */
export type Enqueued =
  | { queued: true; done: Promise<void> }
  | { queued: false; reason: 'queue-full' | 'share-full'; waiting: number };

export interface InFlightOptions {
  /** Queued work running at once. */
  concurrency: number;
  /** Queued work waiting at most, all owners together; `enqueue` refuses beyond. */
  queueLimit: number;
  /** Queued work waiting at most per owner (at least 1); `enqueue` refuses that owner alone beyond. */
  queuePerUser: number;
  onError: (error: unknown) => void;
  /**
   * Called when the queue starts refusing, and when it is back to half full or less (with how many
   * it refused meanwhile): two log lines per overload, not two per trigger at its edge.
   */
  onOverload?: (event: { full: boolean; waiting: number; refused: number }) => void;
  /** The same for one owner's share: when it starts refusing them, and when theirs is back to half. */
  onShareOverload?: (event: { owner: string; full: boolean; waiting: number; refused: number }) => void;
}

/** How long `drain` gives the abandon notices once the grace is over. */
const ABANDON_WAIT_MS = 3000;

interface Queued {
  work: () => Promise<void>;
  abandon?: () => Promise<void>;
  settle: () => void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * First in, first out, in O(1): `Array.prototype.shift` copies the whole array once it is long
 * (100,000 waiting cost ~0.2 ms per trigger taken; bench/fair-share.ts). Taken items are dropped in
 * bulk now and then.
 */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T; // let the taken item be collected
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export function createInFlight(options: InFlightOptions): InFlight {
  const { concurrency, queueLimit, queuePerUser, onError } = options;
  const pending = new Set<Promise<void>>();
  // Each owner's waiting work in arrival order, and the owners with waiting work in the order of
  // their next turn: an owner goes to the back once served, or when its first trigger arrives.
  const lines = new Map<string, Fifo<Queued>>();
  const turns = new Fifo<string>();
  let waiting = 0;
  let active = 0;
  let pumping = false;
  let refused = 0;
  /** Owners refused since their share was last at half or less, with how many times. */
  const refusedOf = new Map<string, number>();

  /** Runs `work` counted in `pending`; swallows (reports) its failure. */
  const track = (work: () => Promise<void>): Promise<void> => {
    const p = (async () => {
      try {
        await work();
      } catch (error) {
        onError(error);
      }
    })();
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  };

  /** The next owner's oldest waiting work, the owner going to the back of the turns. */
  const takeNext = (): Queued | undefined => {
    const owner = turns.shift();
    if (owner === undefined) return undefined;
    const line = lines.get(owner) as Fifo<Queued>;
    const item = line.shift() as Queued;
    waiting -= 1;
    if (line.length > 0) turns.push(owner);
    else lines.delete(owner);
    const ownRefused = refusedOf.get(owner);
    if (ownRefused !== undefined && line.length <= queuePerUser / 2) {
      options.onShareOverload?.({ owner, full: false, waiting: line.length, refused: ownRefused });
      refusedOf.delete(owner);
    }
    return item;
  };

  /** Starts queued work up to the concurrency, on the next turn of the loop. */
  const pump = () => {
    if (pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      while (active < concurrency && waiting > 0) {
        const item = takeNext() as Queued;
        active += 1;
        void track(item.work).finally(() => {
          active -= 1;
          item.settle();
          pump();
        });
      }
      if (refused > 0 && waiting <= queueLimit / 2) {
        options.onOverload?.({ full: false, waiting, refused });
        refused = 0;
      }
    });
  };

  const queuedDone = new Set<Promise<void>>();

  return {
    run: (work) =>
      track(async () => {
        await nextTurn();
        await work();
      }),
    enqueue(work, { owner, abandon }) {
      // Work queued this turn that a free slot will take is not waiting: it does not count. The
      // same allowance applies to a share, so one caller's burst still fills the free slots; when
      // several callers burst in the same turn, a share may hold that many more for a moment.
      const free = Math.max(0, concurrency - active);
      const line = lines.get(owner);
      const own = line?.length ?? 0;
      // The share first: a caller who fills their own share is told so, whatever the others do.
      if (own >= queuePerUser + free) {
        const ownRefused = refusedOf.get(owner) ?? 0;
        if (ownRefused === 0) options.onShareOverload?.({ owner, full: true, waiting: own, refused: 0 });
        refusedOf.set(owner, ownRefused + 1);
        return { queued: false, reason: 'share-full', waiting: own };
      }
      if (waiting >= queueLimit + free) {
        if (refused === 0) options.onOverload?.({ full: true, waiting, refused: 0 });
        refused += 1;
        return { queued: false, reason: 'queue-full', waiting };
      }
      let settle = () => {};
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      queuedDone.add(done);
      void done.then(() => queuedDone.delete(done));
      const item = { work, abandon, settle };
      if (line) line.push(item);
      else {
        const fresh = new Fifo<Queued>();
        fresh.push(item);
        lines.set(owner, fresh);
        turns.push(owner);
      }
      waiting += 1;
      pump();
      return { queued: true, done };
    },
    get size() {
      return pending.size + waiting;
    },
    get waiting() {
      return waiting;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        while (pending.size > 0 || queuedDone.size > 0) {
          const done = await Promise.race([
            Promise.allSettled([...pending, ...queuedDone]).then(() => true),
            timeout,
          ]);
          if (!done) break;
        }
      } finally {
        clearTimeout(timer);
      }
      if (pending.size === 0 && queuedDone.size === 0) return true;
      // The grace is over: whatever never started is abandoned, each caller told, in turn order.
      // No share is "back to half" then: the owners' triggers are dropped, not served.
      refusedOf.clear();
      const left: Queued[] = [];
      for (let item = takeNext(); item; item = takeNext()) left.push(item);
      const notices = left.map((item) =>
        (async () => {
          try {
            await item.abandon?.();
          } catch (error) {
            onError(error);
          } finally {
            item.settle();
          }
        })(),
      );
      await Promise.race([
        Promise.allSettled(notices),
        new Promise((resolve) => setTimeout(resolve, ABANDON_WAIT_MS).unref()),
      ]);
      return false;
    },
  };
}

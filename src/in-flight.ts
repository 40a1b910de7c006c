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
   * Queues `work` (a trigger). Resolves when it has run, or was abandoned at shutdown; `undefined`
   * when the queue is full: nothing was queued, and the caller must be told.
   */
  enqueue(work: () => Promise<void>, abandon?: () => Promise<void>): Promise<void> | undefined;
  /** Work counted: running, both kinds, plus queued. */
  readonly size: number;
  /** Triggers waiting for a turn. */
  readonly waiting: number;
  /**
   * Resolves when nothing is in flight, with true; or after `timeoutMs`, with false, once the
   * queued triggers that never started have been abandoned.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface InFlightOptions {
  /** Queued work running at once. */
  concurrency: number;
  /** Queued work waiting at most; `enqueue` refuses beyond. */
  queueLimit: number;
  onError: (error: unknown) => void;
  /**
   * Called when the queue starts refusing, and when it is back to half full or less (with how many
   * it refused meanwhile): two log lines per overload, not two per trigger at its edge.
   */
  onOverload?: (event: { full: boolean; waiting: number; refused: number }) => void;
}

/** How long `drain` gives the abandon notices once the grace is over. */
const ABANDON_WAIT_MS = 3000;

interface Queued {
  work: () => Promise<void>;
  abandon?: () => Promise<void>;
  settle: () => void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createInFlight(options: InFlightOptions): InFlight {
  const { concurrency, queueLimit, onError } = options;
  const pending = new Set<Promise<void>>();
  const queue: Queued[] = [];
  let active = 0;
  let pumping = false;
  let refused = 0;

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

  /** Starts queued work up to the concurrency, on the next turn of the loop. */
  const pump = () => {
    if (pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      while (active < concurrency && queue.length > 0) {
        const item = queue.shift() as Queued;
        active += 1;
        void track(item.work).finally(() => {
          active -= 1;
          item.settle();
          pump();
        });
      }
      if (refused > 0 && queue.length <= queueLimit / 2) {
        options.onOverload?.({ full: false, waiting: queue.length, refused });
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
    enqueue(work, abandon) {
      // Work queued this turn that a free slot will take is not waiting: it does not count.
      if (queue.length >= queueLimit + Math.max(0, concurrency - active)) {
        if (refused === 0) options.onOverload?.({ full: true, waiting: queue.length, refused: 0 });
        refused += 1;
        return undefined;
      }
      let settle = () => {};
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      queuedDone.add(done);
      void done.then(() => queuedDone.delete(done));
      queue.push({ work, abandon, settle });
      pump();
      return done;
    },
    get size() {
      return pending.size + queue.length;
    },
    get waiting() {
      return queue.length;
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
      // The grace is over: whatever never started is abandoned, each caller told.
      const left = queue.splice(0);
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

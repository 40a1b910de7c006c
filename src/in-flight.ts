/**
 * Work that continues after Slack has been answered (Bolt acks first, then the handler goes on).
 * Shutdown waits for it, so that a trigger in flight is finished and reported, not cut off.
 */
export interface InFlight {
  /** Runs `work` and keeps it counted until it settles. Never rejects: failures are the work's own to report. */
  run(work: () => Promise<void>): Promise<void>;
  readonly size: number;
  /** Resolves when nothing is in flight, or after `timeoutMs`, with whether everything finished. */
  drain(timeoutMs: number): Promise<boolean>;
}

export function createInFlight(onError: (error: unknown) => void): InFlight {
  const pending = new Set<Promise<void>>();
  return {
    run(work) {
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
    },
    get size() {
      return pending.size;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        while (pending.size > 0) {
          const done = await Promise.race([Promise.allSettled([...pending]).then(() => true), timeout]);
          if (!done) return false;
        }
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

import type { Logger } from 'pino';
import type { AuditStore, Clock } from '../core/ports';

/** Options of {@link startAuditRetention}. */
export interface AuditRetentionOptions {
  audit: AuditStore;
  clock: Clock;
  /** AUDIT_RETENTION_DAYS: records requested longer ago are deleted; 0 keeps them forever. */
  retentionDays: number;
  logger: Logger;
  /** Between passes (default hourly). */
  intervalMs?: number;
  /** Before the first pass (default one minute: not in the way of the start). */
  firstDelayMs?: number;
  /** Records deleted per store round (default 500): a long backlog never blocks the store for long. */
  batch?: number;
}

/** The running retention: `runOnce` for tests and benches, `stop` at shutdown. */
export interface AuditRetention {
  /** One pass: deletes every record older than the retention, in batches; returns how many. */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Deletes old audit records and their index entries in the background. The timer is unref'd, so it
 * never keeps the process alive; replicas may each run it, since deleting is idempotent. A failed
 * pass (the store unreachable) is logged and tried again at the next interval.
 */
export function startAuditRetention(options: AuditRetentionOptions): AuditRetention {
  const { audit, clock, retentionDays, logger } = options;
  const batch = options.batch ?? 500;
  let running: Promise<number> | undefined;
  let stopped = false;

  const pass = async (): Promise<number> => {
    const cutoff = clock() - retentionDays * DAY_MS;
    let total = 0;
    for (;;) {
      const deleted = await audit.deleteOlderThan(cutoff, batch);
      total += deleted;
      if (deleted < batch || stopped) break;
      // Let other work through between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (total > 0) logger.info({ deleted: total, retentionDays }, 'old audit records deleted');
    return total;
  };

  const runOnce = (): Promise<number> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    runOnce().catch((error: unknown) =>
      logger.warn({ err: error }, 'deleting old audit records failed; trying again at the next interval'),
    );
  };

  const timers: NodeJS.Timeout[] = [];
  if (retentionDays > 0) {
    const first = setTimeout(() => {
      tick();
      const every = setInterval(tick, options.intervalMs ?? 3_600_000);
      every.unref();
      timers.push(every);
    }, options.firstDelayMs ?? 60_000);
    first.unref();
    timers.push(first);
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

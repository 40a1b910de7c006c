import type { Logger } from 'pino';
import { clockSkewMs, MAX_CLOCK_SKEW_MS } from '../core/clock-skew';
import type { Clock, EnosGateway } from '../core/ports';

/** How often the EnOS clock is compared with ours after the first check. */
export const CLOCK_CHECK_INTERVAL_MS = 3_600_000;

/** The running check: `check()` compares once more; `stop()` ends the hourly timer. */
export interface ServerClockWatch {
  /** The first comparison, made at once. */
  readonly first: Promise<number | undefined>;
  /** The skew measured (ms, EnOS ahead positive), or undefined when EnOS could not say. */
  check(): Promise<number | undefined>;
  stop(): void;
}

/**
 * Compares EnOS's clock (Get Current Time) with ours now and every hour, and logs a warning beyond
 * 30 s: a skewed server starts runs "now" at another time than the caller meant, and its zone-less
 * times read wrong. The timer is unref'd (it never keeps the process alive); stop it at shutdown.
 */
export function watchServerClock(options: {
  enos: Pick<EnosGateway, 'getCurrentTime'>;
  logger: Logger;
  clock?: Clock;
  intervalMs?: number;
}): ServerClockWatch {
  const clock = options.clock ?? Date.now;
  const { enos, logger } = options;
  const check = async (): Promise<number | undefined> => {
    try {
      const sentAt = clock();
      const serverMs = await enos.getCurrentTime();
      const skew = clockSkewMs(serverMs, sentAt, clock());
      if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
        logger.warn(
          { skewSeconds: Math.round(skew / 1000), enosTime: new Date(serverMs).toISOString() },
          `the EnOS server’s clock is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} ours: ` +
            'runs for "now" may start at another time, and run times may read wrong; check NTP on both sides',
        );
      }
      return skew;
    } catch (error) {
      logger.warn({ err: error }, 'could not read the EnOS server’s clock to compare it with ours');
      return undefined;
    }
  };
  const first = check();
  const timer = setInterval(() => void check(), options.intervalMs ?? CLOCK_CHECK_INTERVAL_MS);
  timer.unref();
  return { first, check, stop: () => clearInterval(timer) };
}

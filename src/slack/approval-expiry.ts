import type { ApprovalDeps } from './approval-decisions';
import { decideFromSlack } from './approval-decisions';

/** How often pending requests are looked at, and how many per pass. */
export interface ApprovalExpiryOptions {
  /** 0 runs no timer (tests call tick()). */
  tickMs: number;
  batchSize: number;
}

export const DEFAULT_APPROVAL_EXPIRY_OPTIONS: ApprovalExpiryOptions = { tickMs: 15_000, batchSize: 50 };

/** The pass's lease: one replica expires requests at a time. */
export const APPROVAL_EXPIRY_LEASE_KEY = 'lease:approval-expiry';
const LEASE_MS = 60_000;

export interface ApprovalExpiry {
  start(): void;
  stop(): Promise<void>;
  /** One pass at the app's clock; resolves with how many requests it expired. */
  tick(): Promise<number>;
}

/**
 * The expiry of approval requests nobody decided within their rule's timeout: every `tickMs`, on
 * the app's clock, the requests whose deadline passed (the store's index by deadline, so a pass
 * reads only those) each get an `expire` decision, through the same atomic update as a click (a
 * late Approve and the expiry cannot both win). The pass runs under a lease, so one replica does
 * it; the others find the lease taken and skip.
 */
export function createApprovalExpiry(deps: ApprovalDeps, options: ApprovalExpiryOptions): ApprovalExpiry {
  const logger = deps.logger.child({ component: 'approval-expiry' });
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<number> | undefined;
  let stopped = false;

  const pass = async (): Promise<number> => {
    const approvals = deps.approvals;
    if (!approvals) return 0;
    const owner = deps.jobRunner.ownerId;
    const lease = await deps.claims.claim(APPROVAL_EXPIRY_LEASE_KEY, owner, LEASE_MS);
    if (!lease.claimed) return 0;
    try {
      const due = await approvals.listExpired(deps.clock(), options.batchSize);
      for (const request of due) {
        await decideFromSlack(deps, {
          requestId: request.id,
          userId: 'expiry',
          action: { kind: 'expire' },
          log: logger,
          // Nobody clicked: the thread and the requester's mention say it.
          tell: async () => undefined,
        });
      }
      if (due.length > 0) logger.info({ expired: due.length }, 'approval requests expired');
      return due.length;
    } finally {
      await deps.claims.release(APPROVAL_EXPIRY_LEASE_KEY).catch(() => undefined);
    }
  };

  const tick = (): Promise<number> => {
    const next = (current ?? Promise.resolve(0)).catch(() => 0).then(pass);
    current = next;
    const clear = () => {
      if (current === next) current = undefined;
    };
    void next.then(clear, clear);
    return next;
  };

  return {
    start() {
      if (timer || stopped || options.tickMs <= 0) return;
      timer = setInterval(() => {
        if (current) return;
        tick().catch((error: unknown) => logger.error({ err: error }, 'an approval expiry pass failed'));
      }, options.tickMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await current?.catch(() => undefined);
    },
    tick,
  };
}

import pino, { type Logger } from 'pino';
import type { BackfillStore } from '../core/backfill';
import type {
  ApprovalStore,
  AuditStore,
  ClaimStore,
  Clock,
  JobStore,
  LinkStore,
  PreviewStore,
  WatchStore,
} from '../core/ports';
import type { BackfillPlanStore } from '../core/stored-backfill-plan';
import type { Backend, BackendContext } from './backend';
import { createOperationRunner } from './create-operation-runner';
import { createStoreKeys } from './create-store-keys';
import { KeyvApprovalStore } from './keyv-approval-store';
import { KeyvAuditStore } from './keyv-audit-store';
import { KeyvBackfillPlanStore } from './keyv-backfill-plan-store';
import { KeyvBackfillStore } from './keyv-backfill-store';
import { KeyvJobStore } from './keyv-job-store';
import { KeyvLinkStore } from './keyv-link-store';
import { KeyvPreviewStore } from './keyv-preview-store';
import { KeyvWatchStore } from './keyv-watch-store';
import { openSqliteBackend } from './open-sqlite-backend';
import { parseStoreUrl } from './parse-store-url';
import { redactUrl } from './redact-url';

/** The app's persistent state, on one backend. Every failure is a StoreError. */
export interface Store {
  links: LinkStore;
  claims: ClaimStore;
  audit: AuditStore;
  /** The runs being watched (see src/slack/run-watcher.ts). */
  watches: WatchStore;
  /** Trigger jobs: what Slack acknowledged, until it is done (see src/core/trigger-job.ts). */
  jobs: JobStore;
  /** Previewed triggers, for their Trigger button (see src/core/preview-request.ts). */
  previews: PreviewStore;
  /** Started backfills (see src/core/backfill.ts and src/slack/backfill-runner.ts). */
  backfills: BackfillStore;
  /** Previewed backfills, for their Start button (see src/core/stored-backfill-plan.ts). */
  backfillPlans: BackfillPlanStore;
  /** Requests waiting for approval (see src/core/approval-request.ts). */
  approvals: ApprovalStore;
  backend: 'sqlite' | 'redis';
  /** One round trip to the backend (for health checks); rejects with a StoreError. */
  ping(): Promise<void>;
  /** Closes the connection; idempotent. Operations after it reject with a StoreError. */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Where backend errors go (default: a pino logger on stdout). */
  logger?: Logger;
  /**
   * Prefix of every key and index name (default `flow-trigger:`), so that one Redis can hold
   * several deployments, or several test files.
   */
  keyPrefix?: string;
  /** Bound for connecting at start, retries included (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Bound for each store operation (default 5000 ms). */
  operationTimeoutMs?: number;
  /** When SQLite claims expire (default `Date.now`; tests move a fake one). */
  clock?: Clock;
}

/**
 * The Redis backend is loaded only when STORE_URL names Redis: its client (@keyv/redis, node-redis)
 * takes about 100 ms to load, a fifth of a cold start, for nothing on SQLite (docs/benchmarks.md).
 */
function loadRedisBackend(): typeof import('./open-redis-backend') {
  return require('./open-redis-backend');
}

/**
 * Opens the store named by STORE_URL and checks that it answers:
 * `sqlite://relative/path.sqlite` (relative to the working directory; the directory is created),
 * `sqlite:///absolute/path.sqlite`, `sqlite://:memory:` (one process, one Store: tests),
 * `redis://[user:password@]host:port[/db]` and `rediss://…` (TLS).
 *
 * Rejects with a StoreError naming the URL without its password when the URL is not one of these
 * or the backend cannot be reached within `connectTimeoutMs`.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const storeName = redactUrl(url);
  const logger = (options.logger ?? pino()).child({ component: 'store' });
  const runner = createOperationRunner({ storeName, timeoutMs: options.operationTimeoutMs ?? 5000 });
  const keys = createStoreKeys(options.keyPrefix ?? 'flow-trigger:');
  const context: BackendContext = {
    storeName,
    keys,
    runner,
    logger,
    connectTimeoutMs: options.connectTimeoutMs ?? 3000,
    clock: options.clock ?? Date.now,
  };

  const backend: Backend =
    location.backend === 'sqlite'
      ? await openSqliteBackend(location.filename, context)
      : await loadRedisBackend().openRedisBackend(location.url, context);
  logger.debug({ store: storeName }, 'store opened');

  const { keyv, index } = backend;
  return {
    backend: location.backend,
    links: new KeyvLinkStore({ keyv, index, keys, runner, logger }),
    claims: backend.claims,
    audit: new KeyvAuditStore({ keyv, index, keys, runner, logger }),
    watches: new KeyvWatchStore({ keyv, index, keys, runner, logger }),
    jobs: new KeyvJobStore({ keyv, index, keys, runner, logger }),
    previews: new KeyvPreviewStore({ keyv, keys, runner, logger }),
    backfills: new KeyvBackfillStore({ keyv, index, claims: backend.claims, keys, runner, logger }),
    backfillPlans: new KeyvBackfillPlanStore({ keyv, keys, runner, logger }),
    approvals: new KeyvApprovalStore({ keyv, index, keys, runner, logger }),
    ping: () => runner.run('answer a ping', () => backend.ping()),
    close: async () => {
      runner.markClosed();
      await backend.close();
    },
  };
}

import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { ClaimStore, Clock } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import type { SortedIndex } from './sorted-index';

/**
 * One connected backend: keyv for records, plus what keyv cannot do portably, implemented
 * natively per backend (atomic claims, sorted indexes).
 */
export interface Backend {
  keyv: Keyv;
  index: SortedIndex;
  claims: ClaimStore;
  /** One round trip, unwrapped (the caller runs it through the runner). */
  ping(): Promise<void>;
  /** Releases the connection. Never rejects. */
  close(): Promise<void>;
}

/** What a backend opener gets from openStore. */
export interface BackendContext {
  /** The URL without its password, for messages. */
  storeName: string;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
  /** Bound for connecting at start, retries included. */
  connectTimeoutMs: number;
  /** Expiry of SQLite claims (Redis expires keys on the server's clock). */
  clock: Clock;
}

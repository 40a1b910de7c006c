import { StoreError } from '../core/errors';

/** Runs one store operation: bounded in time, failures wrapped as StoreError. */
export interface OperationRunner {
  /**
   * Runs `operation`; `what` completes "could not …" in the error message (no secrets: it names
   * keys and IDs, never values). A StoreError thrown inside passes through unchanged.
   */
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  /** From now on every `run` rejects: a closed Redis client would otherwise reconnect on use. */
  markClosed(): void;
}

/** Options of {@link createOperationRunner}. */
export interface OperationRunnerOptions {
  /** Names the store in messages: the URL without its password. */
  storeName: string;
  /** An operation still running after this long rejects (the backend call itself is not cancelled). */
  timeoutMs: number;
}

/**
 * Creates the runner that every public store method goes through. The timeout is the last line of
 * defence against a hung backend (a Redis that accepts the connection but never answers, a SQLite
 * file locked for longer than its busy timeout): the caller gets a StoreError instead of waiting
 * forever. An operation that times out may still complete later; callers treat a StoreError as
 * "unknown", which is why claims expire on their own.
 */
export function createOperationRunner(options: OperationRunnerOptions): OperationRunner {
  const { storeName, timeoutMs } = options;
  let closed = false;

  return {
    markClosed() {
      closed = true;
    },
    async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
      if (closed) throw new StoreError(`Store ${storeName} is closed: could not ${what}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreError(`Store ${storeName} did not ${what} within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([operation(), timeout]);
      } catch (error) {
        if (error instanceof StoreError) throw error;
        throw new StoreError(`Store ${storeName} could not ${what}: ${describeError(error)}`, {
          cause: error,
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The message of an error, or of its cause when node-redis wraps it without one. */
export function describeError(error: unknown): string {
  // Node's happy-eyeballs connect (localhost → ::1 and 127.0.0.1) fails with an AggregateError
  // whose own message is empty.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    if (error.message !== '') return error.message;
    if (error.cause !== undefined) return describeError(error.cause);
    return error.name;
  }
  return String(error);
}

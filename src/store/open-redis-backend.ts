import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { StoreError } from '../core/errors';
import type { Backend, BackendContext } from './backend';
import { describeError } from './create-operation-runner';
import { createRedisClient } from './create-redis-client';
import { RedisClaimStore } from './redis-claim-store';
import { RedisSortedIndex } from './redis-sorted-index';

/** Longest wait between reconnection attempts once the store is running. */
const MAX_RECONNECT_DELAY_MS = 1000;
/** How long `close` waits for commands in flight before giving up on a graceful close. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * Connects to Redis, bounded by `connectTimeoutMs` (retries included), and wires the client for a
 * long-running app (see createRedisClient for the client's own settings):
 *
 * - The reconnect strategy gives up at start (openStore fails fast and the app does not start
 *   half-working), but once connected it retries forever with a short backoff, so the app recovers
 *   by itself when Redis comes back.
 * - Every 'error' event is logged, never left unhandled (node-redis, KeyvRedis and Keyv all emit
 *   'error'; an EventEmitter without a listener throws it and would crash the process). An outage
 *   logs one error and one "restored" line; the errors of each reconnection attempt go to debug.
 *
 * The client is created here and handed to KeyvRedis, so claims and indexes use the same
 * connection as keyv.
 */
export async function openRedisBackend(url: string, context: BackendContext): Promise<Backend> {
  const { storeName, logger, connectTimeoutMs } = context;
  let started = false;
  let down = false;
  const deadline = Date.now() + connectTimeoutMs;

  const client = createRedisClient({
    url,
    connectTimeoutMs,
    reconnectStrategy: (retries) => {
      if (!started) {
        const left = deadline - Date.now();
        if (left <= 0) return new Error(`gave up connecting after ${connectTimeoutMs} ms`);
        return Math.min(100 * 2 ** retries, 500, left);
      }
      // Jitter spreads the reconnections of several replicas.
      return Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100);
    },
  });

  // The same error object reaches us from node-redis and again through KeyvRedis and Keyv.
  const logged = new WeakSet<object>();
  const logError = (error: unknown): void => {
    if (typeof error === 'object' && error !== null) {
      if (logged.has(error)) return;
      logged.add(error);
    }
    if (!started) {
      // openStore's rejection carries the reason; each attempt is detail.
      logger.debug({ err: error, store: storeName }, 'Redis connection attempt failed');
    } else if (down) {
      logger.debug({ err: error, store: storeName }, 'Redis still unreachable; reconnecting');
    } else {
      logger.error({ err: error, store: storeName }, 'Redis error');
      if (!client.isReady) down = true;
    }
  };
  client.on('error', logError);
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ store: storeName }, 'Redis connection restored');
  });

  const connecting = client.connect();
  // Handled here in case the timeout below wins the race and nobody awaits it any more.
  connecting.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${connectTimeoutMs} ms`)),
          connectTimeoutMs + 500,
        );
      }),
    ]);
  } catch (error) {
    if (client.isOpen) client.destroy();
    // ReconnectStrategyError carries our "gave up" as its message and the socket's reason apart.
    const reason = describeError((error as { socketError?: unknown }).socketError ?? error);
    throw new StoreError(`Could not connect to the Redis store ${storeName}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  started = true;

  // throwOnErrors: by default KeyvRedis and Keyv swallow a failed command and answer "missing",
  // which would turn "Redis is down" into "you are not linked".
  const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  keyv.on('error', logError);

  let closed = false;
  return {
    keyv,
    index: new RedisSortedIndex(client),
    claims: new RedisClaimStore(client, context.keys, context.runner),
    ping: async () => {
      await client.ping();
    },
    close: async () => {
      if (closed || !client.isOpen) return;
      closed = true;
      try {
        if (!client.isReady) {
          client.destroy();
          return;
        }
        // close() waits for the replies to commands in flight; a hung server must not hang shutdown.
        let closeTimer: NodeJS.Timeout | undefined;
        const gaveUp = await Promise.race([
          client.close().then(() => false),
          new Promise<boolean>((resolve) => {
            closeTimer = setTimeout(() => resolve(true), CLOSE_TIMEOUT_MS);
          }),
        ]);
        clearTimeout(closeTimer);
        if (gaveUp)
          logger.warn({ store: storeName }, 'Redis did not answer commands in flight while closing');
      } catch (error) {
        logger.warn({ err: error, store: storeName }, 'closing the Redis store failed');
      }
    },
  };
}

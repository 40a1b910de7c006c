import { createClient } from '@redis/client';

/** Options of {@link createRedisClient}. */
export interface RedisClientSettings {
  url: string;
  connectTimeoutMs: number;
  /** Milliseconds until the next connection attempt, or an Error to give up. */
  reconnectStrategy: (retries: number) => number | Error;
}

/**
 * A node-redis client (@redis/client, declared at the version @keyv/redis depends on, so both use
 * one copy and KeyvRedis accepts it), configured for the store:
 *
 * - `disableOfflineQueue`: while disconnected, commands fail at once (ClientOfflineError) instead
 *   of queueing until Redis returns: a trigger must not hang or, worse, run minutes later.
 * - `maintNotifications: 'disabled'`: Redis Enterprise maintenance hints do not apply, and this
 *   spares a handshake command.
 */
export function createRedisClient(settings: RedisClientSettings) {
  return createClient({
    url: settings.url,
    disableOfflineQueue: true,
    maintNotifications: 'disabled',
    socket: { connectTimeout: settings.connectTimeoutMs, reconnectStrategy: settings.reconnectStrategy },
  });
}

/** The client type {@link createRedisClient} returns. */
export type RedisClient = ReturnType<typeof createRedisClient>;

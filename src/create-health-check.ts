/** What `GET /healthz` reports. */
export interface Health {
  ok: boolean;
  /** Why the replica cannot serve, one reason per failing part; empty when healthy. */
  problems: string[];
}

export interface HealthCheckOptions {
  /** Answers when the store does (Store.ping). */
  pingStore: () => Promise<void>;
  /** Socket Mode: whether the socket to Slack is open. Absent in HTTP mode. */
  socketConnected?: () => boolean;
  /** A store that takes longer than this counts as down (default 1000 ms). */
  timeoutMs?: number;
}

/**
 * Whether this replica can serve: its store answers within a short deadline and, in Socket Mode,
 * its socket is connected. Concurrent checks share one ping, so a flood of `/healthz` requests
 * costs the store one round trip at a time.
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<Health> {
  const timeoutMs = options.timeoutMs ?? 1000;
  let pending: Promise<string | undefined> | undefined;

  const pingStore = async (): Promise<string | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the store did not answer within ${timeoutMs} ms`), timeoutMs);
    });
    try {
      return await Promise.race([
        options.pingStore().then(
          () => undefined,
          // The store's own error text can hold its address; the log has the details already.
          () => 'the store does not answer: check STORE_URL and that the database is up',
        ),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  return async () => {
    pending ??= pingStore().finally(() => {
      pending = undefined;
    });
    const storeProblem = await pending;
    const problems: string[] = [];
    if (storeProblem) problems.push(storeProblem);
    if (options.socketConnected && !options.socketConnected()) {
      problems.push('the Socket Mode connection to Slack is down (reconnecting)');
    }
    return { ok: problems.length === 0, problems };
  };
}

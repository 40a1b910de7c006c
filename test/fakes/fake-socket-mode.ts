/**
 * A loopback fake of Slack's Socket Mode backend, for driving a Bolt `App` with `socketMode: true`.
 *
 * It plugs into a {@link FakeSlackApi}: `apps.connections.open` (called by @slack/socket-mode with the
 * app-level token) answers with this fake's `ws://127.0.0.1:PORT/link/?ticket=…` URL, and the WebSocket
 * server speaks the protocol @slack/socket-mode 3 expects (read from its source):
 * - after the upgrade the server sends `{ type: 'hello', … }`; the client resolves `start()` only then;
 * - envelopes are `{ envelope_id, type: 'slash_commands' | 'interactive' | 'events_api', payload,
 *   accepts_response_payload, retry_attempt?, retry_reason? }`; Bolt gets `retry_attempt`/`retry_reason`
 *   as `context.retryNum` / `context.retryReason` (from the `slack_event` emitter);
 * - the client acks with `{ envelope_id, payload }` (`payload` is `{}` for a bare `ack()`);
 * - `{ type: 'disconnect', reason }` makes the client reconnect (new apps.connections.open);
 * - the client pings every `clientPingTimeout / 3` ms and wants pongs (the `ws` server answers pings).
 *
 * ```ts
 * import { App, LogLevel } from '@slack/bolt';
 * import { startFakeSlackApi } from './fake-slack-api';
 * import { startFakeSocketMode } from './fake-socket-mode';
 *
 * const api = await startFakeSlackApi();
 * const socket = await startFakeSocketMode(api);
 * const app = new App({
 *   token: 'xoxb-test', appToken: 'xapp-test', socketMode: true, logLevel: LogLevel.ERROR,
 *   // Bolt 5 copies clientOptions into installerOptions.clientOptions, so the Socket Mode client's own
 *   // WebClient (apps.connections.open) uses slackApiUrl too.
 *   clientOptions: { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } },
 * });
 * await app.start();                                   // resolves after `hello`
 * const ack = await socket.sendSlashCommand({ text: 'run nightly', user_id: 'U123' });
 * expect(ack.payload).toEqual({ text: 'Starting…' }); // whatever the handler passed to ack()
 * await socket.redeliver(ack.envelope_id, { retry_attempt: 1, retry_reason: 'timeout' });
 * // teardown: app.stop() FIRST (the client stops reconnecting), then await socket.waitForDisconnect(),
 * // then socket.close(), then api.close()
 * ```
 *
 * Stopping order matters: closing the server under a running client makes it schedule a reconnect
 * (a timer of `clientPingTimeout` ms, 5 s by default) that keeps jest alive.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type SlashCommandFields, slashCommandForm } from '../helpers/slack-requests';
import type { FakeSlackApi } from './fake-slack-api';
import { findAckViolations } from './slack-payload-limits';

/** Envelope types Slack sends over Socket Mode. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** An envelope as sent to the client. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** The client's acknowledgement of an envelope. */
export interface SocketModeAck {
  envelope_id: string;
  /** What the handler passed to `ack()` (`{}` for a bare `ack()`). */
  payload?: Record<string, unknown>;
}

/** Options of the send methods. */
export interface SendEnvelopeOptions {
  /** Envelope id (default: a fresh UUID). Reuse one to simulate Slack's redelivery. */
  envelope_id?: string;
  retry_attempt?: number;
  retry_reason?: string;
  /** Reject when the ack has not arrived within this long (default 3000 ms, Slack's ack deadline). */
  ackTimeoutMs?: number;
}

/** Options of {@link startFakeSocketMode}. */
export interface FakeSocketModeOptions {
  /** `connection_info.app_id` in `hello` (default: the fake Web API's app id). */
  appId?: string;
  /** Answer apps.connections.open only for tokens starting with `xapp-` (default true, like Slack). */
  requireAppToken?: boolean;
}

/** The running fake. */
export interface FakeSocketMode {
  /** The `ws://` URL apps.connections.open hands out (without the per-connection ticket). */
  readonly wsUrl: string;
  /** Every envelope sent, in order. */
  readonly envelopes: readonly SocketModeEnvelope[];
  /** Every ack received, in order. */
  readonly acks: readonly SocketModeAck[];
  /** Messages from the client that were not acks of a sent envelope. */
  readonly unexpectedMessages: readonly string[];
  /** Connections currently open. */
  readonly connectionCount: number;

  /** Resolves once a client is connected and has been sent `hello` (default timeout 3000 ms). */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once no client is connected (default timeout 3000 ms). `app.stop()` resolves before the
   * Socket Mode client has finished closing; await this between `app.stop()` and `close()`.
   */
  waitForDisconnect(timeoutMs?: number): Promise<void>;
  /** Sends a `slash_commands` envelope built like {@link sendSlashCommand} in slack-requests. */
  sendSlashCommand(fields: SlashCommandFields, opts?: SendEnvelopeOptions): Promise<SocketModeAck>;
  /** Sends an `interactive` envelope (block_actions, view_submission, shortcut, block_suggestion, …). */
  sendInteractive(payload: Record<string, unknown>, opts?: SendEnvelopeOptions): Promise<SocketModeAck>;
  /** Sends an `events_api` envelope; `body` is an event_callback body (see `eventCallbackBody`). */
  sendEvent(body: Record<string, unknown>, opts?: SendEnvelopeOptions): Promise<SocketModeAck>;
  /** Sends any envelope and resolves with its ack. */
  sendEnvelope(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    opts?: SendEnvelopeOptions,
  ): Promise<SocketModeAck>;
  /** Sends an earlier envelope again with the same id (Slack's redelivery), with retry fields. */
  redeliver(
    envelopeId: string,
    retry?: { retry_attempt?: number; retry_reason?: string; ackTimeoutMs?: number },
  ): Promise<SocketModeAck>;
  /** Sends `{ type: 'disconnect', reason }` to every client (they reconnect via apps.connections.open). */
  requestDisconnect(reason?: string): void;
  /** Forgets envelopes, acks and unexpected messages. */
  reset(): void;
  /** Closes connections and the server and stops answering apps.connections.open. */
  close(): Promise<void>;
}

interface PendingAck {
  resolve: (ack: SocketModeAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Starts the WebSocket server on 127.0.0.1 and registers apps.connections.open on `api`. */
export async function startFakeSocketMode(
  api: FakeSlackApi,
  options: FakeSocketModeOptions = {},
): Promise<FakeSocketMode> {
  const appId = options.appId ?? api.identity.appId;
  const requireAppToken = options.requireAppToken ?? true;
  const envelopes: SocketModeEnvelope[] = [];
  const acks: SocketModeAck[] = [];
  const unexpectedMessages: string[] = [];
  const pending = new Map<string, PendingAck[]>();
  const sockets = new Set<WebSocket>();
  const connectionWaiters = new Set<() => void>();
  const disconnectWaiters = new Set<() => void>();
  let closed = false;

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;
  const wsUrl = `ws://127.0.0.1:${port}/link/`;

  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size > 0) return;
      for (const notify of disconnectWaiters) notify();
      disconnectWaiters.clear();
    });
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary>' : data.toString();
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        unexpectedMessages.push(text);
        return;
      }
      const ack = message as Partial<SocketModeAck>;
      const queue = typeof ack.envelope_id === 'string' ? pending.get(ack.envelope_id) : undefined;
      const waiter = queue?.shift();
      if (!waiter || typeof ack.envelope_id !== 'string') {
        unexpectedMessages.push(text);
        return;
      }
      if (queue?.length === 0) pending.delete(ack.envelope_id);
      clearTimeout(waiter.timer);
      const recorded: SocketModeAck = {
        envelope_id: ack.envelope_id,
        ...(ack.payload !== undefined ? { payload: ack.payload } : {}),
      };
      acks.push(recorded);
      // Slack refuses an ack payload beyond its Block Kit limits (slack-payload-limits.ts).
      const problems = findAckViolations(ack.payload);
      if (problems.length > 0) {
        waiter.reject(
          new Error(`ack payload beyond Slack's limits (invalid_blocks): ${problems.join('; ')}`),
        );
        return;
      }
      waiter.resolve(recorded);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      }),
    );
    for (const notify of connectionWaiters) notify();
    connectionWaiters.clear();
  });

  const unregister = api.handle('apps.connections.open', (_args, call) => {
    if (requireAppToken && !call.token?.startsWith('xapp-'))
      return { ok: false, error: 'not_allowed_token_type' };
    return { url: `${wsUrl}?ticket=${randomUUID()}&app_id=${appId}` };
  });

  function deliver(envelope: SocketModeEnvelope, ackTimeoutMs: number): Promise<SocketModeAck> {
    const open = [...sockets].filter((s) => s.readyState === s.OPEN);
    const target = open[0];
    if (!target)
      return Promise.reject(new Error('fake socket mode: no client connected (did app.start() finish?)'));
    envelopes.push(envelope);
    return new Promise<SocketModeAck>((resolve, reject) => {
      const waiter: PendingAck = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const queue = pending.get(envelope.envelope_id);
          const index = queue?.indexOf(waiter) ?? -1;
          if (queue && index >= 0) queue.splice(index, 1);
          if (queue?.length === 0) pending.delete(envelope.envelope_id);
          reject(
            new Error(
              `fake socket mode: no ack for ${envelope.type} envelope ${envelope.envelope_id} within ${ackTimeoutMs} ms` +
                ` (did the handler call ack()?). Acks so far: ${JSON.stringify(acks)}`,
            ),
          );
        }, ackTimeoutMs),
      };
      const queue = pending.get(envelope.envelope_id) ?? [];
      queue.push(waiter);
      pending.set(envelope.envelope_id, queue);
      target.send(JSON.stringify(envelope));
    });
  }

  const fake: FakeSocketMode = {
    wsUrl,
    envelopes,
    acks,
    unexpectedMessages,
    get connectionCount() {
      return sockets.size;
    },

    waitForConnection(timeoutMs = 3000) {
      if ([...sockets].some((s) => s.readyState === s.OPEN)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          connectionWaiters.delete(done);
          reject(new Error(`fake socket mode: no client connected within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        connectionWaiters.add(done);
      });
    },
    waitForDisconnect(timeoutMs = 3000) {
      if (sockets.size === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          disconnectWaiters.delete(done);
          reject(
            new Error(`fake socket mode: ${sockets.size} client(s) still connected after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        disconnectWaiters.add(done);
      });
    },
    sendSlashCommand(fields, opts) {
      return fake.sendEnvelope('slash_commands', slashCommandForm(fields), opts);
    },
    sendInteractive(payload, opts) {
      return fake.sendEnvelope('interactive', payload, opts);
    },
    sendEvent(body, opts) {
      return fake.sendEnvelope('events_api', body, opts);
    },
    sendEnvelope(type, payload, opts = {}) {
      const envelope: SocketModeEnvelope = {
        envelope_id: opts.envelope_id ?? randomUUID(),
        type,
        payload,
        // Slack lets commands and interactions answer through the ack; events cannot.
        accepts_response_payload: type !== 'events_api',
        ...(opts.retry_attempt !== undefined ? { retry_attempt: opts.retry_attempt } : {}),
        ...(opts.retry_reason !== undefined ? { retry_reason: opts.retry_reason } : {}),
      };
      return deliver(envelope, opts.ackTimeoutMs ?? 3000);
    },
    redeliver(envelopeId, retry = {}) {
      const original = envelopes.find((e) => e.envelope_id === envelopeId);
      if (!original) return Promise.reject(new Error(`fake socket mode: no envelope ${envelopeId} was sent`));
      return deliver(
        {
          ...original,
          retry_attempt: retry.retry_attempt ?? (original.retry_attempt ?? 0) + 1,
          retry_reason: retry.retry_reason ?? 'timeout',
        },
        retry.ackTimeoutMs ?? 3000,
      );
    },
    requestDisconnect(reason = 'refresh_requested') {
      for (const socket of sockets) {
        socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
      }
    },
    reset() {
      envelopes.length = 0;
      acks.length = 0;
      unexpectedMessages.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      unregister();
      for (const [, queue] of pending) {
        for (const waiter of queue) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('fake socket mode: closed while waiting for an ack'));
        }
      }
      pending.clear();
      for (const notify of disconnectWaiters) notify();
      disconnectWaiters.clear();
      connectionWaiters.clear();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  return fake;
}

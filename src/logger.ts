import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they occur in a log object: tokens, keys, the signing secret and
 * the EnOS gateway's `apim-*` headers.
 */
const REDACT_PATHS = [
  'token',
  'accessToken',
  'appToken',
  'botToken',
  'signingSecret',
  'secretKey',
  'accessKey',
  'appSecret',
  'encryption',
  'password',
  'authorization',
  '*.token',
  '*.accessToken',
  '*.appToken',
  '*.botToken',
  '*.signingSecret',
  '*.secretKey',
  '*.accessKey',
  '*.appSecret',
  '*.encryption',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'headers["apim-accesstoken"]',
  'headers["apim-signature"]',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  '*.headers["apim-accesstoken"]',
  '*.headers["apim-signature"]',
  '*.headers["x-slack-signature"]',
];

/** Slack tokens have a recognisable shape; scrub them even where no path or value is known. */
const SLACK_TOKEN = /\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+/g;

export interface LoggerOptions {
  level: 'debug' | 'info' | 'warn' | 'error';
  format: 'json' | 'pretty';
  /** Exact secret values to scrub from every line, whatever field or message they end up in. */
  secrets?: string[];
  /** Where lines go; stdout by default. Tests pass a stream to read every line. */
  destination?: DestinationStream;
}

/**
 * pino-pretty only for the readable format: loading it costs about 25 ms of a cold start, and
 * production logs JSON (docs/benchmarks.md).
 */
function loadPinoPretty(): typeof import('pino-pretty') {
  return require('pino-pretty');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where a logger keeps the secrets learnt at run time; children reach it through their prototype. */
const RUNTIME_SECRETS = Symbol('flow-trigger runtime secrets');

/**
 * How long a runtime secret matters. `lasting`: an EnOS access token, used for hours (the last 8
 * are kept). `per-request`: a request signature, which can only turn up in that request's own log
 * lines (the last 512 are kept, so a busy process does not grow the list without end).
 */
export type SecretLifetime = 'lasting' | 'per-request';

const KEPT: Record<SecretLifetime, number> = { lasting: 8, 'per-request': 512 };

/** Secret values that appear at run time, scrubbed from every line like the configured ones. */
class RuntimeSecrets {
  private readonly values: Record<SecretLifetime, string[]> = { lasting: [], 'per-request': [] };
  private pattern: RegExp | undefined;
  private stale = false;

  add(value: string, lifetime: SecretLifetime): void {
    if (value.length < 6) return;
    const list = this.values[lifetime];
    if (list.includes(value)) return;
    list.push(value);
    if (list.length > KEPT[lifetime]) list.shift();
    this.stale = true;
  }

  scrub(line: string): string {
    if (this.stale) {
      const all = [...this.values.lasting, ...this.values['per-request']].map(escapeRegExp);
      this.pattern = all.length > 0 ? new RegExp(all.join('|'), 'g') : undefined;
      this.stale = false;
    }
    return this.pattern ? line.replace(this.pattern, '[Redacted]') : line;
  }
}

/**
 * Adds a secret learnt at run time (an EnOS access token once obtained, a request signature) to
 * the value-based redaction of `logger` and of every logger derived from it. A no-op for a logger
 * not made by {@link createLogger} (or none).
 */
export function registerSecret(
  logger: Logger | undefined,
  value: string,
  lifetime: SecretLifetime = 'lasting',
): void {
  const registry = (logger as unknown as { [RUNTIME_SECRETS]?: RuntimeSecrets } | undefined)?.[
    RUNTIME_SECRETS
  ];
  registry?.add(value, lifetime);
}

/**
 * `text` (an error body, a message EnOS sent) with each of `secrets` replaced by `[Redacted]`:
 * for text that is shown or kept, not only logged, such as a gateway error body that echoes the
 * request's headers.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 6) out = out.split(secret).join('[Redacted]');
  }
  return out;
}

/**
 * The app's logger (pino): JSON lines in production, readable lines in development. Secrets are
 * removed twice over: by field path (redact), and by value on the final line, because an error
 * message or a URL can carry a secret under any name.
 */
export function createLogger(options: LoggerOptions): Logger {
  // Short values (say, a 3-character test secret) would scrub innocent text; real secrets are long.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6).map(escapeRegExp);
  const secretValues = secrets.length > 0 ? new RegExp(secrets.join('|'), 'g') : undefined;
  const runtime = new RuntimeSecrets();
  const scrub = (line: string): string => {
    const once = runtime.scrub(line.replace(SLACK_TOKEN, '[Redacted]'));
    return secretValues ? once.replace(secretValues, '[Redacted]') : once;
  };
  const destination =
    options.format === 'pretty'
      ? loadPinoPretty()({
          colorize: options.destination === undefined && process.stdout.isTTY === true,
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ...(options.destination ? { destination: options.destination as NodeJS.WritableStream } : {}),
        })
      : (options.destination ?? pino.destination({ sync: false }));
  const logger = pino(
    {
      level: options.level,
      base: { app: 'flow-trigger' },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
  Object.defineProperty(logger, RUNTIME_SECRETS, { value: runtime });
  return logger;
}

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

/**
 * The app's logger (pino): JSON lines in production, readable lines in development. Secrets are
 * removed twice over: by field path (redact), and by value on the final line, because an error
 * message or a URL can carry a secret under any name.
 */
export function createLogger(options: LoggerOptions): Logger {
  // Short values (say, a 3-character test secret) would scrub innocent text; real secrets are long.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6).map(escapeRegExp);
  const secretValues = secrets.length > 0 ? new RegExp(secrets.join('|'), 'g') : undefined;
  const scrub = (line: string): string => {
    const once = line.replace(SLACK_TOKEN, '[Redacted]');
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
  return pino(
    {
      level: options.level,
      base: { app: 'flow-trigger' },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
}

import pino, { type Logger } from 'pino';

/** A pino logger at debug level whose output the test can read. */
export interface CapturedLogger {
  logger: Logger;
  /** Parsed log entries so far. */
  entries(): Array<{ level: number; msg: string; [field: string]: unknown }>;
  /** Everything logged so far, as written (for "no password anywhere" checks). */
  text(): string;
}

/** Creates a {@link CapturedLogger}. */
export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    entries: () => lines.map((line) => JSON.parse(line)),
    text: () => lines.join(''),
  };
}

/**
 * The end of a task's log, as the thread shows it: the last lines, cut here rather than by EnOS
 * (Get Task Instance Log's `maxLength` caps the whole answer, and which end it keeps is not
 * documented), with what the reader needs to judge it: how long the log is and whether it was cut.
 */

/** What Get Task Instance Log is asked for at most (`maxLength`): 1 MB of the log. */
export const LOG_TAIL_MAX_LENGTH = 1_048_576;
/** Lines of the log shown in the thread. */
export const LOG_TAIL_LINES = 30;

/** The last lines of a log. */
export interface LogTail {
  /** The last lines, without a trailing line break. */
  text: string;
  /** Lines shown. */
  lines: number;
  /** Lines of the log as received (a trailing line break does not start another line). */
  totalLines: number;
  /** Characters of the log as received. */
  length: number;
  /** The log reached `maxLength`: EnOS may hold more than it sent. */
  capped: boolean;
  /** Lines were left out (the log had more than shown, or EnOS cut it). */
  cut: boolean;
}

/**
 * Lines before the shown ones that `mask` also sees: a secret's context may start before the tail
 * (a private key's BEGIN line), and masking only this window, not the whole megabyte, keeps a
 * failed run's logs from holding the event loop (bench/measure-failure-logs.ts).
 */
export const MASK_CONTEXT_LINES = 200;

/** Options of {@link logTail}. */
export interface LogTailOptions {
  /** Default {@link LOG_TAIL_LINES}. */
  maxLines?: number;
  /** What the log was asked for with; default {@link LOG_TAIL_MAX_LENGTH}. */
  maxLength?: number;
  /** Applied to the end of the log (the shown lines and {@link MASK_CONTEXT_LINES} before them). */
  mask?: (text: string) => string;
}

/** The last lines of `log`; its length and the cap are the log's as received, not as masked. */
export function logTail(log: string, options: LogTailOptions = {}): LogTail {
  const maxLines = options.maxLines ?? LOG_TAIL_LINES;
  const maxLength = options.maxLength ?? LOG_TAIL_MAX_LENGTH;
  // Windows line ends and final line breaks say nothing about the run.
  const text = log.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const totalLines = text.trim() === '' ? 0 : countLines(text);
  const window = text.slice(startOfLastLines(text, maxLines + MASK_CONTEXT_LINES));
  const shown = totalLines === 0 ? [] : (options.mask ?? ((t) => t))(window).split('\n').slice(-maxLines);
  const capped = log.length >= maxLength;
  return {
    text: shown.join('\n'),
    lines: shown.length,
    totalLines,
    length: log.length,
    capped,
    cut: capped || shown.length < totalLines,
  };
}

function countLines(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Where the last `n` lines of `text` start. */
function startOfLastLines(text: string, n: number): number {
  let start = text.length;
  for (let found = 0; found < n; found++) {
    const newline = text.lastIndexOf('\n', start - 1);
    if (newline < 0) return 0;
    start = newline;
  }
  return start + 1;
}

/** `812 characters`, `48.2 KB`, `at least 1 MB`: the log's length as a reader takes it in. */
export function describeLogLength(length: number, capped: boolean): string {
  if (capped) return `at least ${formatSize(length)}`;
  if (length < 1024) return `${length} character${length === 1 ? '' : 's'}`;
  return formatSize(length);
}

function formatSize(length: number): string {
  if (length >= 1_048_576) return `${trim(length / 1_048_576)} MB`;
  return `${trim(length / 1024)} KB`;
}

const trim = (n: number) => (Math.round(n * 10) / 10).toString();

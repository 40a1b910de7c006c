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

/** The last `maxLines` lines of `log`, which was asked for with `maxLength`. */
export function logTail(log: string, maxLines = LOG_TAIL_LINES, maxLength = LOG_TAIL_MAX_LENGTH): LogTail {
  // Windows line ends and a final line break say nothing about the run.
  const all = log.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const totalLines = log.trim() === '' ? 0 : all.length;
  const shown = totalLines === 0 ? [] : all.slice(-maxLines);
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

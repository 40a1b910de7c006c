/** The usage error every parser returns, and the helpers that word its messages consistently. */

/**
 * Why a text does not parse. `message` says what is wrong in plain words, quotes the offending
 * token, and ends with a hint of the correct form; the caller appends where to find help.
 * Plain text with Slack mrkdwn code spans: the Slack adapter escapes `&`, `<`, `>` when posting.
 */
export interface UsageError {
  message: string;
  /** The offending token as the user typed it (escapes undone, mentions as `@name`). */
  token?: string;
}

const SHOWN_TOKEN_LENGTH = 60;

/**
 * A token quoted for a message: as a code span, shortened when long (the full token stays in
 * `UsageError.token`), on one line, and in “typographic quotes” when it holds a backtick, which
 * would end the code span early.
 */
export function quoteToken(token: string): string {
  const oneLine = token.replace(/\s+/g, ' ');
  const short =
    oneLine.length > SHOWN_TOKEN_LENGTH ? `${oneLine.slice(0, SHOWN_TOKEN_LENGTH - 1)}…` : oneLine;
  return short.includes('`') ? `“${short}”` : `\`${short}\``;
}

/** `3,000`: limits read better with separators. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A usage error pointing at `token` (omitted when undefined). */
export function usageError(message: string, token?: string): UsageError {
  return token === undefined ? { message } : { message, token };
}

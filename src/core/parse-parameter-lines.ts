/** The modal's free-text parameter field: one `KEY=VALUE` per line. */

import { appendParameter } from './parse-parameter';
import type { UsageError } from './parse-usage-error';
import { quoteToken } from './parse-usage-error';
import type { FlowParameter } from './ports';
import { quoteFamily } from './tokenize-command';

export type ParameterLinesResult =
  | { ok: true; parameters: FlowParameter[] }
  | { ok: false; error: UsageError & { line: number } };

/**
 * Parses a modal's parameter field: each non-blank line is `KEY=VALUE`, split at the first `=`.
 * Whitespace around the key and the value is dropped (a form invites `KEY = value`); the value is
 * otherwise the rest of the line verbatim, and matching quotes around the whole of it are removed,
 * so `KEY=" a "` keeps its spaces. Modal input is not Slack-escaped, so nothing is unescaped.
 * Errors carry the 1-based line number.
 */
export function parseParameterLines(text: string): ParameterLinesResult {
  const parameters: FlowParameter[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === '') continue;
    const fail = (message: string) => ({
      ok: false as const,
      error: { message: `Line ${index + 1}: ${message}`, token: line, line: index + 1 },
    });
    const equals = line.indexOf('=');
    if (equals === -1) {
      return fail(`${quoteToken(line)} is not a parameter. Write one parameter per line, like REPLACE=ddee.`);
    }
    const key = line.slice(0, equals).trim();
    const value = stripWrappingQuotes(line.slice(equals + 1).trim());
    const problem = appendParameter(parameters, key, value);
    if (problem) return fail(problem);
  }
  return { ok: true, parameters };
}

/**
 * `value` without the quotes that wrap it whole: same-family quotes at both ends and none of that
 * family inside (`"a" and "b"` is left as it is, since its quotes do not wrap the whole).
 */
export function stripWrappingQuotes(value: string): string {
  const family = quoteFamily(value[0]);
  if (!family || value.length < 2 || quoteFamily(value[value.length - 1]) !== family) return value;
  const inner = value.slice(1, -1);
  return [...inner].some((ch) => quoteFamily(ch) === family) ? value : inner;
}

/**
 * The one way to show untrusted text (EnOS flow names, owners, task names, messages and logs; the
 * parameters users type; error text) in Slack. Inert means: it cannot ping (`<!channel>`, `<!here>`,
 * `<@U…>`, `<!subteam^…>`), cannot disguise a link (`<https://evil|https://enos…>`), cannot change the
 * layout (`*bold*`, `_italic_`, `~strike~`, backticks, `>` quotes, newlines), and cannot reorder or
 * hide what is shown (bidirectional controls, zero-width characters).
 *
 * Everything is neutralised with visible look-alikes or visible `‹U+202E›` marks, never by inserting
 * invisible characters: a zero-width space "between" `<` and `!channel` would itself be a hiding
 * place, and copy-paste would carry it along.
 */

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the marks
 * U+200E/U+200F, zero-width characters (U+200B–U+200D, U+2060, U+FEFF), the other C0/C1 controls
 * except tab and newlines, line/paragraph separators handled apart.
 */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Every kind of line break Slack (or a client) might honour. */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;

/** What a hidden character turns into: its code point, visibly (`‹U+202E›`). */
function visibleCodePoint(char: string): string {
  return `‹U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}›`;
}

/** Hidden characters shown visibly, tabs as a space. The first step of every variant. */
function revealHidden(text: string): string {
  return text.replace(/\t/g, ' ').replace(HIDDEN, visibleCodePoint);
}

/**
 * Slack's three control characters as its documented entities. With `<` escaped no mention,
 * broadcast, user-group, date or link token can start, whatever follows.
 */
function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Look-alikes of the mrkdwn formatting characters: they read the same and format nothing. */
const FORMATTING: Record<string, string> = {
  '*': '∗', // U+2217 asterisk operator
  _: 'ˍ', // U+02CD modifier letter low macron
  '~': '∼', // U+223C tilde operator
  '`': 'ˋ', // U+02CB modifier letter grave accent
};

/**
 * Untrusted text for a mrkdwn text object (in blocks or a message's top-level `text`): one line,
 * no mention/broadcast/link syntax, no formatting, hidden characters shown as `‹U+202E›`. Line
 * breaks show as ` ⏎ ` so a multi-line EnOS message stays readable on one line.
 */
export function inertMrkdwn(text: string): string {
  const oneLine = revealHidden(text).replace(LINE_BREAK, ' ⏎ ');
  // `>` is escaped like Slack's own clients do; a leading one would still quote, so it gets a look-alike.
  const quoted = oneLine.replace(/^(\s*)>/, '$1›');
  return escapeEntities(quoted).replace(/[*_~`]/g, (c) => FORMATTING[c] ?? c);
}

/**
 * One of our own sentences that quotes untrusted tokens in code spans (a core error message such as
 * "Use `now` or `tomorrow at 09:00`"): each paired span stays a code span with inert content, the
 * prose around it is made inert like {@link inertMrkdwn}. A stray backtick cannot pair with ours
 * in a way that formats anything: outside spans every formatting character is a look-alike.
 */
export function inertMessage(text: string): string {
  const oneLine = text.replace(LINE_BREAK, '\n');
  let out = '';
  let last = 0;
  for (const match of oneLine.matchAll(/`([^`\n]*)`/g)) {
    out += inertMrkdwn(oneLine.slice(last, match.index));
    out += inertCode(match[1] ?? '');
    last = match.index + match[0].length;
  }
  return out + inertMrkdwn(oneLine.slice(last));
}

/**
 * The visible part of a `<target|label>` token or a date token's fallback: no entity, no `|` or `>`
 * can end it early; formatting is not applied there by Slack, so it is kept as it reads.
 */
export function inertLabel(text: string): string {
  return escapeEntities(revealHidden(text).replace(LINE_BREAK, ' ⏎ ')).replace(/\|/g, '¦');
}

/**
 * Untrusted text as inline code (`` `3377=<!here>` ``): formatting inside a code span is already
 * inert, so only backticks (which would end the span) become look-alikes.
 */
export function inertCode(text: string): string {
  const oneLine = revealHidden(text).replace(LINE_BREAK, ' ⏎ ');
  return `\`${escapeEntities(oneLine).replace(/`/g, 'ˋ')}\``;
}

/**
 * Untrusted multi-line text (a log tail, an error body) as a whole ``` block. Lines are kept; a run
 * of three or more backticks inside becomes look-alikes, so the text cannot close the block and
 * continue as formatted mrkdwn.
 */
export function inertCodeBlock(text: string): string {
  const content = escapeEntities(
    revealHidden(text)
      .replace(/\r\n?/g, '\n')
      .replace(/[\u0085\u2028\u2029]/g, '\n'),
  )
    .replace(/`{3,}/g, (run) => 'ˋ'.repeat(run.length))
    // Backticks next to a fence would lengthen it; look-alikes cannot.
    .replace(/^`+|`+$/g, (run) => 'ˋ'.repeat(run.length));
  return `\`\`\`\n${content === '' ? ' ' : content}\n\`\`\``;
}

/**
 * Untrusted text for a plain_text object (headers, option texts, input labels): Slack shows it
 * literally, so only hidden characters and line breaks need care.
 */
export function inertPlainText(text: string): string {
  return revealHidden(text).replace(LINE_BREAK, ' ⏎ ');
}

/**
 * The one way untrusted text (from EnOS or from users) reaches Slack: made inert first, so that it
 * can neither ping (`<!channel>`, `<@U…>`), link, close the formatting around it, nor hide or
 * reorder what the reader sees (bidirectional controls, zero-width characters). Invisible
 * characters are shown as visible escapes rather than dropped, so the reader sees that they are there.
 */

/** Bidi embedding/override/isolate controls and zero-width characters (incl. the byte-order mark). */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => `\\u{${ch.codePointAt(0)?.toString(16).toUpperCase()}}`);
}

/** `& < >` escaped: Slack then reads no mention, channel ping, date token or link in the text. */
function escapeControls(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Untrusted text for a mrkdwn field: no mention, link or invisible character survives. */
export function inertMrkdwn(text: string): string {
  return escapeControls(showInvisible(text));
}

/**
 * Untrusted text as a whole ``` code block. Its content cannot end the block (``` inside becomes
 * the look-alike ˋˋˋ), ping, link, or carry invisible characters.
 */
export function inertCodeBlock(text: string): string {
  const body = inertMrkdwn(text).replace(/```/g, 'ˋˋˋ');
  // A block that ends in a backtick would read as a longer fence; an empty one would not render.
  const safe = body.endsWith('`') ? `${body.slice(0, -1)}ˋ` : body === '' ? ' ' : body;
  return `\`\`\`\n${safe}\n\`\`\``;
}

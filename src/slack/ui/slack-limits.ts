import type { types } from '@slack/bolt';

/**
 * Slack's documented Block Kit limits. Slack refuses a whole message or view (`invalid_blocks`)
 * when one of them is exceeded, so builders keep within them by construction, with these helpers,
 * whatever EnOS or a user hands them.
 */
export const SLACK_LIMITS = {
  /** Characters of a section's text, a context element, any mrkdwn/plain_text object. */
  text: 3000,
  header: 150,
  contextElements: 10,
  messageBlocks: 50,
  viewBlocks: 100,
  options: 100,
  optionText: 75,
  initialValue: 3000,
  buttonValue: 2000,
  /** A button's text (plain_text). */
  buttonText: 75,
} as const;

/** The tail of a shortened list. */
export function andMore(count: number): string {
  return `… and ${count} more`;
}

/**
 * Cuts mrkdwn to at most `max` characters, ending with `…`. The cut never splits a surrogate pair,
 * an `&amp;`-style entity or a `<…>` token (a half token would show its raw syntax), and an inline
 * code span left open is closed again.
 */
export function shorten(text: string, max: number = SLACK_LIMITS.text): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 2));
  const openToken = cut.lastIndexOf('<');
  if (openToken > cut.lastIndexOf('>')) cut = cut.slice(0, openToken);
  const entity = /&[a-z]{0,4}$/.exec(cut);
  if (entity) cut = cut.slice(0, entity.index);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  // An odd number of backticks: a code span was cut open.
  const ticks = (cut.match(/`/g) ?? []).length;
  return ticks % 2 === 1 ? `${cut}…\`` : `${cut}…`;
}

/** Cuts plain text (headers, option texts, labels) to at most `max` characters. */
export function shortenPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Joins as many items as fit in `max` characters, then `… and N more` for the rest: a list of
 * owners or links never makes a text object Slack refuses. One item longer than the budget is
 * shortened itself.
 */
export function fitList(
  items: readonly string[],
  separator: string,
  max: number = SLACK_LIMITS.text,
): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? '';
    const joined = i === 0 ? item : `${out}${separator}${item}`;
    const rest = items.length - i - 1;
    // Room for this item and, if more follow, for their "… and N more".
    const reserve = rest > 0 ? separator.length + andMore(items.length).length : 0;
    if (joined.length + reserve <= max) {
      out = joined;
      continue;
    }
    if (i === 0)
      return (
        shorten(item, max - (rest > 0 ? separator.length + andMore(rest).length : 0)) +
        (rest > 0 ? `${separator}${andMore(rest)}` : '')
      );
    return `${out}${separator}${andMore(items.length - i)}`;
  }
  return out;
}

/**
 * Lines packed into as few sections as they need (each within the text limit), at most
 * `maxBlocks` of them; lines that do not fit end in `… and N more`.
 */
export function sectionsOf(lines: readonly string[], maxBlocks: number): types.SectionBlock[] {
  const texts: string[] = [];
  let current = '';
  let used = 0;
  for (const [i, raw] of lines.entries()) {
    const line = shorten(raw, SLACK_LIMITS.text - 40);
    const joined = current === '' ? line : `${current}\n${line}`;
    if (joined.length <= SLACK_LIMITS.text - 40) {
      current = joined;
      used = i + 1;
      continue;
    }
    if (texts.length + 1 >= maxBlocks) break;
    texts.push(current);
    current = line;
    used = i + 1;
  }
  if (used < lines.length) current = `${current}\n${andMore(lines.length - used)}`;
  if (current !== '') texts.push(current);
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

/** At most `max` blocks: the last kept one says how many were left out. */
export function fitBlocks(blocks: types.KnownBlock[], max: number): types.KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [
    ...kept,
    { type: 'context', elements: [{ type: 'mrkdwn', text: andMore(blocks.length - kept.length) }] },
  ];
}

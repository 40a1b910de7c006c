/**
 * Undoes what Slack does to slash-command text when the app has "Escape channels, users, and
 * links" on (`should_escape: true`): `&`, `<` and `>` typed by the user arrive as `&amp;`, `&lt;`
 * and `&gt;`, and every `<…>` is a reference Slack inserted (a mention, a channel, a link). So a
 * raw `<` always opens a reference and never comes from the user.
 */

/** A Slack reference, `<…>` in the text. */
export type SlackEntity =
  | { kind: 'user'; id: string; label?: string }
  | { kind: 'channel'; id: string; label?: string }
  /** `<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^S1|@team>`, `<!date^…|fallback>`. */
  | { kind: 'special'; name: string; label?: string }
  | { kind: 'link'; url: string; label?: string };

/** Turns `&amp;` `&lt;` `&gt;` back into `&` `<` `>`, in one pass: `&amp;lt;` is a typed `&lt;`. */
export function unescapeSlackEscapes(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_match, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

/**
 * The index of the `>` that closes a reference opened by the `<` at `open`, or -1 when the `<`
 * opens none (no `>` follows, another `<` comes first, it is `<>`, or whitespace follows it, which
 * no reference starts with). The tokenizer and `unescapeSlackText` both use this, so they agree
 * on where references are.
 */
export function slackEntityEnd(text: string, open: number): number {
  const close = text.indexOf('>', open + 1);
  if (close <= open + 1 || /\s/.test(text[open + 1] ?? '')) return -1;
  const nextOpen = text.indexOf('<', open + 1);
  return nextOpen !== -1 && nextOpen < close ? -1 : close;
}

/** Reads the inside of `<…>`: `@U123|name`, `#C1|general`, `!here`, `https://x.y|x.y`. */
export function parseSlackEntity(inner: string): SlackEntity {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  // Slack sends `<#C123|>` with an empty label at times: treat it as no label.
  const rawLabel = bar === -1 ? '' : inner.slice(bar + 1);
  const label = rawLabel === '' ? undefined : unescapeSlackEscapes(rawLabel);
  const withLabel = <T extends SlackEntity>(entity: T): T =>
    label === undefined ? entity : { ...entity, label };
  if (target.startsWith('@')) return withLabel({ kind: 'user', id: target.slice(1) });
  if (target.startsWith('#')) return withLabel({ kind: 'channel', id: target.slice(1) });
  if (target.startsWith('!')) return withLabel({ kind: 'special', name: target.slice(1) });
  return withLabel({ kind: 'link', url: unescapeSlackEscapes(target) });
}

const BROADCASTS = new Set(['here', 'channel', 'everyone']);

function atPrefixed(text: string): string {
  return text.startsWith('@') ? text : `@${text}`;
}

/**
 * What the user typed to make Slack produce `entity`: `@name` for a user (`@U123` without a
 * label), `#name` for a channel, `@here`, `@team`, and for a link the text they typed: the label
 * when Slack made the link from it (`x.y` became `<http://x.y|x.y>`, `a@b.c` became
 * `<mailto:a@b.c|a@b.c>`), otherwise the URL (a formatted link whose text differs from its target).
 */
export function renderSlackEntity(entity: SlackEntity): string {
  switch (entity.kind) {
    case 'user':
      return atPrefixed(entity.label ?? entity.id);
    case 'channel':
      return `#${entity.label ?? entity.id}`;
    case 'special': {
      const [command = '', argument] = entity.name.split('^');
      if (BROADCASTS.has(command)) return `@${command}`;
      if (command === 'subteam') return atPrefixed(entity.label ?? argument ?? command);
      // `<!date^…|fallback>` and anything newer: the label is what a reader sees.
      return entity.label ?? `@${entity.name}`;
    }
    case 'link': {
      const { url, label } = entity;
      if (label === undefined) return url;
      const autoLinked = ['', 'http://', 'https://', 'mailto:', 'tel:'].some(
        (scheme) => url === scheme + label,
      );
      return autoLinked ? label : url;
    }
  }
}

/** The whole text as the user typed it: references rendered, escapes undone. */
export function unescapeSlackText(text: string): string {
  let out = '';
  let plainFrom = 0;
  let at = text.indexOf('<');
  while (at !== -1) {
    const close = slackEntityEnd(text, at);
    if (close === -1) {
      at = text.indexOf('<', at + 1);
      continue;
    }
    out += unescapeSlackEscapes(text.slice(plainFrom, at));
    out += renderSlackEntity(parseSlackEntity(text.slice(at + 1, close)));
    plainFrom = close + 1;
    at = text.indexOf('<', plainFrom);
  }
  return out + unescapeSlackEscapes(text.slice(plainFrom));
}

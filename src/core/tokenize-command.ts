/**
 * Splits slash-command text into tokens. Whitespace separates tokens (spaces, tabs, the newlines
 * Slack sends for Shift+Enter, and the non-breaking spaces some keyboards and pastes produce); a
 * Slack reference `<…>` is one unit even when its label holds spaces; a quote opens a quoted run
 * only at the start of a token or right after its first `=` (`KEY="a b"`), so apostrophes inside
 * words (`don’t`) stay literal.
 */
import {
  parseSlackEntity,
  renderSlackEntity,
  slackEntityEnd,
  unescapeSlackEscapes,
  unescapeSlackText,
} from './unescape-slack-text';

/** A piece of a token: plain (still Slack-escaped) text, or the inside of a `<…>` reference. */
export type Segment = { kind: 'text'; text: string } | { kind: 'entity'; inner: string };

export interface Token {
  /** The token exactly as it appears in the (escaped) input, quotes included. */
  raw: string;
  start: number;
  end: number;
  /** What comes before the first `=` (outside quotes and references), or the whole token without one. */
  head: Segment[];
  /** What comes after that `=`; undefined when there is none. */
  value?: Segment[];
  /** Which part was wrapped in quotes: the whole token (`"a b"`) or the value (`KEY="a b"`). */
  quoted?: 'head' | 'value';
}

/** A quote that opens and is never closed. */
export interface UnterminatedQuote {
  /** The token read as if the quote were an ordinary character: up to the next whitespace. */
  raw: string;
  start: number;
  /** The opening quote character. */
  quote: string;
  /** Set when the quote opened a value: the raw text before the `=`. */
  key?: string;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; unterminated: UnterminatedQuote };

// Straight quotes and the typographic ones Slack clients and smart-quote keyboards produce
// (“ ” ‘ ’, and the German „ ‚). A quote is closed by any quote of the same family: autocorrect
// often turns the opening quote after `=` into a closing one (`KEY=”a b”`).
const DOUBLE_QUOTES = '"“”„';
const SINGLE_QUOTES = "'‘’‚";

/** `'double'` or `'single'` when `ch` is a quote character. */
export function quoteFamily(ch: string | undefined): 'double' | 'single' | undefined {
  if (ch === undefined || ch.length !== 1) return undefined;
  if (DOUBLE_QUOTES.includes(ch)) return 'double';
  if (SINGLE_QUOTES.includes(ch)) return 'single';
  return undefined;
}

/** Token separators: everything JavaScript calls whitespace, which includes U+00A0. */
export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

class SegmentBuilder {
  readonly segments: Segment[] = [];
  private text = '';

  char(ch: string): void {
    this.text += ch;
  }

  entity(inner: string): void {
    this.flush();
    this.segments.push({ kind: 'entity', inner });
  }

  done(): Segment[] {
    this.flush();
    return this.segments;
  }

  private flush(): void {
    if (this.text !== '') this.segments.push({ kind: 'text', text: this.text });
    this.text = '';
  }
}

/** Splits `text` into tokens, or reports the first quote that is never closed. */
export function tokenizeCommand(text: string): TokenizeResult {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (isSpace(text[at])) {
      at++;
      continue;
    }
    const read = readToken(text, at);
    if ('unterminated' in read) return { ok: false, unterminated: read.unterminated };
    tokens.push(read);
    at = read.end;
  }
  return { ok: true, tokens };
}

function readToken(text: string, start: number): Token | { unterminated: UnterminatedQuote } {
  const head = new SegmentBuilder();
  let value: SegmentBuilder | undefined;
  let quoted: Token['quoted'];
  let partStart = true;
  let at = start;
  while (at < text.length) {
    const ch = text[at]!;
    if (isSpace(ch)) break;
    const part = value ?? head;
    const family = partStart ? quoteFamily(ch) : undefined;
    partStart = false;
    if (family) {
      const close = readQuoted(text, at + 1, family, part);
      if (close === -1) {
        return {
          unterminated: {
            raw: text.slice(start, plainTokenEnd(text, at)),
            start,
            quote: ch,
            // The quote opening a value comes right after the `=`.
            ...(value ? { key: text.slice(start, at - 1) } : {}),
          },
        };
      }
      quoted = value ? 'value' : 'head';
      at = close + 1;
      break;
    }
    if (ch === '<') {
      const close = slackEntityEnd(text, at);
      if (close !== -1) {
        part.entity(text.slice(at + 1, close));
        at = close + 1;
        continue;
      }
    }
    if (ch === '=' && !value) {
      value = new SegmentBuilder();
      partStart = true;
      at++;
      continue;
    }
    part.char(ch);
    at++;
  }
  return {
    raw: text.slice(start, at),
    start,
    end: at,
    head: head.done(),
    ...(value ? { value: value.done() } : {}),
    ...(quoted ? { quoted } : {}),
  };
}

/**
 * Reads a quoted run starting after its opening quote; returns the index of the closing quote or
 * -1. The closing quote is the first quote of the same family followed by whitespace or the end,
 * so a value may hold that quote elsewhere (`KEY="say "hi"there"`); references stay whole.
 */
function readQuoted(text: string, from: number, family: 'double' | 'single', part: SegmentBuilder): number {
  let at = from;
  while (at < text.length) {
    const ch = text[at]!;
    if (ch === '<') {
      const close = slackEntityEnd(text, at);
      if (close !== -1) {
        part.entity(text.slice(at + 1, close));
        at = close + 1;
        continue;
      }
    }
    if (quoteFamily(ch) === family && (at + 1 === text.length || isSpace(text[at + 1]))) return at;
    part.char(ch);
    at++;
  }
  return -1;
}

/** Where a token starting at `from` would end if quotes were ordinary characters. */
function plainTokenEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length && !isSpace(text[at])) {
    const close = text[at] === '<' ? slackEntityEnd(text, at) : -1;
    at = close === -1 ? at + 1 : close + 1;
  }
  return at;
}

/** Segments as the user typed them: escapes undone, references rendered (`@name`, the URL). */
export function segmentsText(segments: readonly Segment[]): string {
  return segments
    .map((segment) =>
      segment.kind === 'text'
        ? unescapeSlackEscapes(segment.text)
        : renderSlackEntity(parseSlackEntity(segment.inner)),
    )
    .join('');
}

/** The token's content as the user meant it: quotes removed, `KEY=VALUE` rejoined. */
export function tokenText(token: Token): string {
  const head = segmentsText(token.head);
  return token.value === undefined ? head : `${head}=${segmentsText(token.value)}`;
}

/** A bare word (no quotes, no `=`) as typed, or undefined: keywords, numbers, times, zones. */
export function tokenWord(token: Token | undefined): string | undefined {
  if (!token || token.quoted || token.value !== undefined) return undefined;
  return segmentsText(token.head);
}

/** The token as the user typed it, quotes included: what usage errors point at. */
export function tokenShown(token: Pick<Token, 'raw'>): string {
  return unescapeSlackText(token.raw);
}

/**
 * Masks what looks like a secret in text EnOS hands us (task logs): a task prints whatever it
 * likes, connection strings and keys included, and a thread is read by the whole channel. Applied
 * before a log reaches the thread, the file, the modal or our own log lines.
 *
 * Rules, per line (a log is lines; a secret rarely spans two, a PEM key being the exception):
 * - a word that names a secret (`password`, `passwd`, `pwd=`, `secret`, `api_key`, `access_key`,
 *   `private_key`, `credential`, `token:`/`token=`, `Authorization:`, `Bearer …`): everything after
 *   it on the line is masked, since the value (often a long hex or base64 string) follows it;
 * - an access-key id of the `AKIA…`/`ASIA…` shape, anywhere;
 * - the body of a `-----BEGIN … PRIVATE KEY-----` block, and any line of 64 base64 characters
 *   (a key's body line, when its BEGIN line is not in the text).
 * Masking too much costs a line of context; masking too little leaks a credential to a channel.
 */

/** What replaces a masked value: visible, so the reader knows something was there. */
export const MASK = '[masked]';

/** Words after which the rest of the line is a secret. `token` only with a separator: "tokenizer" is not one. */
const SECRET_WORD =
  /(passw(?:or)?d|\bpwd\s*[=:]|secret|api[_-]?key|access[_-]?key|private[_-]?key|credential|\btoken["']?\s*[=:]|\bauthorization["']?\s*[=:]|\bbearer\s+(?=\S))/i;
/** AWS-style access-key ids: 20 upper-case letters and digits starting with AKIA (long-term) or ASIA (temporary). */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const PEM_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z ]*PRIVATE KEY-----/;
/** A whole line of base64 of the width PEM writes (64): the body of a key. */
const PEM_BODY_LINE = /^[A-Za-z0-9+/]{64}$/;

function maskLine(line: string): string {
  const withoutKeys = line.replace(ACCESS_KEY_ID, (id) => `${id.slice(0, 4)}${MASK}`);
  const match = SECRET_WORD.exec(withoutKeys);
  if (!match) return withoutKeys;
  // Keep the word and the separator after it (`password=`, `"token": "`), mask the rest.
  const afterWord = match.index + match[0].length;
  const separator = /^["']?\s*[=:]?\s*["']?/.exec(withoutKeys.slice(afterWord))?.[0] ?? '';
  const keep = afterWord + separator.length;
  const rest = withoutKeys.slice(keep);
  return rest.trim() === '' ? withoutKeys : `${withoutKeys.slice(0, keep)}${MASK}`;
}

/** Whether the lines masked so far ended inside a private key block. */
interface MaskState {
  inPrivateKey: boolean;
}

function maskLines(text: string, state: MaskState): string {
  return text
    .split('\n')
    .map((line) => {
      if (state.inPrivateKey) {
        if (!PEM_END.test(line)) return MASK;
        state.inPrivateKey = false;
        return line;
      }
      if (PEM_BEGIN.test(line)) {
        state.inPrivateKey = !PEM_END.test(line);
        return line.replace(/(-----BEGIN [A-Z ]*PRIVATE KEY-----).+/, `$1${MASK}`);
      }
      // A line of a key whose BEGIN line is not in the text (a log's tail starts anywhere).
      if (PEM_BODY_LINE.test(line)) return MASK;
      return maskLine(line);
    })
    .join('\n');
}

/** `text` with every line that looks like it holds a secret masked. Line breaks are kept. */
export function maskSecrets(text: string): string {
  return maskLines(text, { inPrivateKey: false });
}

/**
 * {@link maskSecrets} over a long text (a whole log, megabytes) in slices of whole lines, awaiting
 * `pause` between them so that one large log does not hold the event loop that answers Slack.
 */
export async function maskSecretsGradually(
  text: string,
  pause: () => Promise<void>,
  sliceChars = 64 * 1024,
): Promise<string> {
  const state: MaskState = { inPrivateKey: false };
  const parts: string[] = [];
  for (let start = 0; ; ) {
    const newline = start + sliceChars >= text.length ? -1 : text.indexOf('\n', start + sliceChars);
    if (newline < 0) {
      parts.push(maskLines(text.slice(start), state));
      return parts.join('\n');
    }
    parts.push(maskLines(text.slice(start, newline), state));
    start = newline + 1;
    await pause();
  }
}

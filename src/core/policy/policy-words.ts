import type { ChannelRef, PrincipalRef } from './policy';

/**
 * How a decision names channels and people in its words. The core's default writes `#name` or the
 * id; the Slack adapter passes mentions (`<#C…>`, `<@U…>`, `<!subteam^S…>`) so that Slack shows
 * names and notifies nobody by accident.
 */
export interface PolicyLabels {
  channel(ref: ChannelRef): string;
  principal(ref: PrincipalRef): string;
}

export const plainPolicyLabels: PolicyLabels = {
  channel: (ref) => (ref.name === undefined ? ref.id : `#${ref.name}`),
  principal: (ref) =>
    ref.kind === 'user' ? ref.id : ref.handle === undefined ? `the user group ${ref.id}` : `@${ref.handle}`,
};

/** Lists longer than this are cut with "and N more": a refusal names a few, not a directory. */
export const MAX_NAMED = 10;

/** `a`, `a or b`, `a, b or c`, `a, b, … and 3 more` (`joiner` is "or" or "and"). */
export function listWords(items: readonly string[], joiner: 'or' | 'and'): string {
  const shown = items.slice(0, MAX_NAMED);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${joiner} ${shown[shown.length - 1]}`;
}

/** `30 seconds`, `30 minutes`, `2 hours`, `1 hour`, `90 minutes`. */
export function durationWords(ms: number): string {
  const [amount, unit] =
    ms % 3_600_000 === 0
      ? [ms / 3_600_000, 'hour']
      : ms % 60_000 === 0
        ? [ms / 60_000, 'minute']
        : [ms / 1000, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

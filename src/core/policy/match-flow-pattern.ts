import type { FlowPattern } from './policy-schema';

/**
 * A glob on a flow name as a regular expression: `*` is any text (also none), `?` one character,
 * everything else itself; the whole name must match, ignoring case. `u` makes `?` one character
 * even outside the Basic Multilingual Plane (an emoji in a name), and case folding Unicode-aware.
 */
export function compileFlowGlob(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}/]/g, '\\$&');
  }
  // `s`: a name with a line break is unlikely, but `*` should still cover it.
  return new RegExp(`^${source}$`, 'isu');
}

/** Whether a `flows` entry matches the flow: an id by its id, a glob by its name. */
export function matchesFlowPattern(
  pattern: FlowPattern,
  flow: { flowId: number; flowName: string },
): boolean {
  return pattern.kind === 'id' ? pattern.flowId === flow.flowId : pattern.regex.test(flow.flowName);
}

/** As written in the file: `3377`, `"prod_*"`. */
export function formatFlowPattern(pattern: FlowPattern): string {
  return pattern.kind === 'id' ? String(pattern.flowId) : `"${pattern.glob}"`;
}

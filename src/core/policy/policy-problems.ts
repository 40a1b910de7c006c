/**
 * What is wrong with a policy file, one problem per bad field, and the error that stops the app (or
 * a reload) with all of them at once.
 */

/** One bad field: `path` from the top of the file (`['rules', 0, 'require_approval', 'count']`). */
export interface PolicyProblem {
  path: (string | number)[];
  message: string;
  /** 1-based line in the file, when the loader knows it. */
  line?: number;
}

/**
 * `line 9, rule 1 "prod loads", require_approval.count: must be at least 1`: the rule counted from 1
 * as people count, with its name when it has one, then the field inside it.
 */
export function formatPolicyProblem(problem: PolicyProblem, rawRules?: unknown): string {
  const at = problem.line === undefined ? '' : `line ${problem.line}, `;
  const [top, index, ...inner] = problem.path;
  if (top === 'rules' && typeof index === 'number') {
    const name = ruleNameAt(rawRules, index);
    const rule = `rule ${index + 1}${name === undefined ? '' : ` "${name}"`}`;
    const field = formatPath(inner);
    return `${at}${rule}${field === '' ? '' : `, ${field}`}: ${problem.message}`;
  }
  const field = formatPath(problem.path);
  return `${at}${field === '' ? '' : `${field}: `}${problem.message}`;
}

/** `require_approval.approvers[1]`. */
function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`),
    '',
  );
}

function ruleNameAt(rawRules: unknown, index: number): string | undefined {
  if (!Array.isArray(rawRules)) return undefined;
  const name = (rawRules[index] as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

/** Thrown when a policy file cannot be used; `problems` holds one readable line per problem. */
export class PolicyError extends Error {
  readonly code = 'POLICY_INVALID';
  constructor(
    /** The file, as POLICY_FILE names it. */
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `the policy file ${file} has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee docs/policy.md and examples/policy.yml.',
    );
    this.name = 'PolicyError';
  }
}

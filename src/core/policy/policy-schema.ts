import { z } from 'zod';
import { compileFlowGlob } from './match-flow-pattern';
import type { PolicyProblem } from './policy-problems';

/**
 * The policy file's format (docs/policy.md), as one zod schema over the object YAML produced.
 * `parsePolicy` is pure: the loader (src/policy/load-policy-file.ts) reads and parses the YAML,
 * and names (`#channel`, `@handle`) stay names here until resolvePolicy looks them up. Every
 * problem is reported at once, each with the field it is about and how to fix it, so an operator
 * fixes the file in one go (as ConfigError does for the environment).
 */

/** A rule's `flows` entry: a flow id, or a glob on the flow name. */
export type FlowPattern = { kind: 'id'; flowId: number } | { kind: 'glob'; glob: string; regex: RegExp };

/** A `channels` entry as written: an id, or a `#name` to resolve. */
export type ChannelSpec = { kind: 'id'; id: string } | { kind: 'name'; name: string };

/** A `users` or `approvers` entry as written: a user id, a user group id, or an `@handle` to resolve. */
export type PrincipalSpec =
  | { kind: 'user'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'handle'; handle: string };

export interface ApprovalSpec {
  approvers: PrincipalSpec[];
  count: number;
  timeoutMs: number;
}

/** One rule as written, names not yet resolved. */
export interface PolicyRuleSpec {
  name: string;
  flows: FlowPattern[];
  channels?: ChannelSpec[];
  users?: PrincipalSpec[];
  deny?: string;
  requireApproval?: ApprovalSpec;
  backfill?: { maxRuns: number };
}

export interface PolicySpec {
  rules: PolicyRuleSpec[];
}

/** Shown in messages about fields a rule may not have. */
const RULE_FIELDS = 'name, flows, channels, users, deny, require_approval, backfill';

export const DEFAULT_APPROVAL_TIMEOUT = '30m';
/** Longer than this and the request has lost its context; the requester can ask again. */
export const MAX_APPROVAL_TIMEOUT_MS = 24 * 3_600_000;
/** The rule name is quoted in every refusal, so it has to stay readable in one line. */
export const MAX_RULE_NAME_LENGTH = 100;
const MAX_PATTERN_LENGTH = 200;

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
// Slack channel names: lowercase letters, digits, hyphens, underscores (and, in some workspaces,
// other letters); no spaces or periods. User group handles also allow periods.
const CHANNEL_NAME = /^#[\p{Ll}\p{Lo}\p{N}_-]{1,80}$/u;
const HANDLE = /^@[\p{L}\p{N}._-]{1,80}$/u;
const DIGITS = /^\d+$/;
const DURATION = /^(\d+)(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'the text' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

/** Parses `30s`, `30m`, `2h` into milliseconds; undefined when it is not one of those. */
export function parseApprovalTimeout(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const flowEntry = z.unknown().transform((value, ctx): FlowPattern => {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return { kind: 'id', flowId: value };
    ctx.addIssue({
      code: 'custom',
      message: `${value} is not a flow id: use a whole number above 0 like 3377, or a quoted glob on the flow name like "prod_*"`,
    });
    return z.NEVER;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    if (DIGITS.test(value.trim())) {
      const flowId = Number(value.trim());
      if (Number.isSafeInteger(flowId) && flowId > 0) return { kind: 'id', flowId };
    } else if (value.length <= MAX_PATTERN_LENGTH) {
      return { kind: 'glob', glob: value, regex: compileFlowGlob(value) };
    }
  }
  ctx.addIssue({
    code: 'custom',
    message:
      `${describeValue(value)} is not a flow: use a flow id like 3377, or a glob on the flow name like "prod_*" ` +
      `(* for any text, ? for one character; at most ${MAX_PATTERN_LENGTH} characters)`,
  });
  return z.NEVER;
});

const channelEntry = z.unknown().transform((value, ctx): ChannelSpec => {
  if (typeof value === 'string') {
    const text = value.trim();
    if (CHANNEL_ID.test(text)) return { kind: 'id', id: text };
    if (CHANNEL_NAME.test(text)) return { kind: 'name', name: text.slice(1) };
  }
  ctx.addIssue({
    code: 'custom',
    message:
      `${describeValue(value)} is not a channel: use a channel id like C0123ABCD (or G… for an old private ` +
      'channel), or a quoted name like "#data-oncall" (quote it: in YAML an unquoted # starts a comment)',
  });
  return z.NEVER;
});

/** `what` says which list, for the message: users may name people, approvers too. */
const principalEntry = (what: string) =>
  z.unknown().transform((value, ctx): PrincipalSpec => {
    if (typeof value === 'string') {
      const text = value.trim();
      if (USER_ID.test(text)) return { kind: 'user', id: text };
      if (GROUP_ID.test(text)) return { kind: 'group', id: text };
      if (HANDLE.test(text)) return { kind: 'handle', handle: text.slice(1) };
    }
    ctx.addIssue({
      code: 'custom',
      message:
        `${describeValue(value)} is not ${what}: use a Slack user id like U012ABCDEF (or W… in Enterprise Grid), ` +
        'a user group id like S0456GHIJ, or a quoted user group handle like "@data-leads" (quote it: in YAML ' +
        'an unquoted @ is an error). Copy ids from the profile: ⋮ → Copy member ID',
    });
    return z.NEVER;
  });

/**
 * A list field: `example` shows what one looks like. Empty lists are refused with `whenEmpty`; a
 * missing one (when the field is required) with `whenMissing`.
 */
const listOf = <T extends z.ZodType>(entry: T, example: string, whenEmpty: string, whenMissing?: string) =>
  z
    .array(entry, {
      error: (iss) =>
        iss.input === undefined && whenMissing
          ? whenMissing
          : iss.input === null
            ? `${whenEmpty} (in YAML an unquoted # starts a comment: quote names, like ${example})`
            : `must be a list, like ${example}`,
    })
    .min(1, { error: whenEmpty });

const approvalSchema = z.strictObject(
  {
    approvers: listOf(
      principalEntry('an approver'),
      '["@data-leads", U0789KLMN]',
      'lists nobody, so nobody could approve: name at least one user or user group',
      'is missing: list who may approve, like ["@data-leads", U0789KLMN]',
    ),
    count: z
      .number({ error: 'must be a whole number of approvals, like 1 or 2' })
      .int({ error: 'must be a whole number of approvals, like 1 or 2' })
      .min(1, { error: 'must be at least 1 (a rule that needs no approval has no require_approval)' })
      .default(1),
    timeout: z
      .string({
        error: `must be a duration with a unit, like 30s, 30m or 2h (default ${DEFAULT_APPROVAL_TIMEOUT})`,
      })
      .default(DEFAULT_APPROVAL_TIMEOUT)
      .transform((text, ctx) => {
        const ms = parseApprovalTimeout(text);
        if (ms === undefined || ms <= 0 || ms > MAX_APPROVAL_TIMEOUT_MS) {
          ctx.addIssue({
            code: 'custom',
            message:
              `${JSON.stringify(text)} is not a timeout: use a number above 0 and one unit, s, m or h, ` +
              'like 30s, 30m or 2h; at most 24h',
          });
          return z.NEVER;
        }
        return ms;
      }),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? 'is not a field of require_approval, which has approvers, count and timeout'
        : 'must be a mapping with approvers, count and timeout, like { approvers: ["@data-leads"], count: 1 }',
  },
);

const backfillSchema = z.strictObject(
  {
    max_runs: z
      .number({
        error: (iss) =>
          iss.input === undefined
            ? 'is missing: write backfill: { max_runs: 31 }'
            : 'must be a whole number of runs, like 31',
      })
      .int({ error: 'must be a whole number of runs, like 31' })
      .min(1, { error: 'must be at least 1 (to forbid backfills of these flows, write a rule with deny)' }),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? 'is not a field of backfill, which has only max_runs'
        : 'must be a mapping like { max_runs: 31 }',
  },
);

/** Fields that belong one level down, a common slip of indentation. */
const NESTED_FIELDS: Record<string, string> = {
  approvers: 'require_approval',
  count: 'require_approval',
  timeout: 'require_approval',
  max_runs: 'backfill',
};

/** One problem per unknown field, at the field itself (so the loader gives the field's line). */
function unknownFieldProblems(
  path: (string | number)[],
  keys: readonly string[],
  message: string,
): PolicyProblem[] {
  const isRule = path.length === 2 && path[0] === 'rules';
  return keys.map((key) => ({
    path: [...path, key],
    message:
      isRule && NESTED_FIELDS[key]
        ? `${message} (${key} goes under ${NESTED_FIELDS[key]}: check its indentation)`
        : message,
  }));
}

const ruleSchema = z
  .strictObject(
    {
      name: z
        .string({
          error: (iss) =>
            iss.input === undefined || iss.input === null
              ? 'is missing: give the rule a name; refusals quote it to the person refused'
              : 'must be text, like "production loads need a second person" (quote it if it is a number)',
        })
        .trim()
        .min(1, { error: 'is empty: give the rule a name; refusals quote it to the person refused' })
        .max(MAX_RULE_NAME_LENGTH, {
          error: `is longer than ${MAX_RULE_NAME_LENGTH} characters: shorten it`,
        }),
      flows: z
        .array(flowEntry, {
          error: (iss) =>
            iss.input === undefined
              ? 'is missing: list the flows the rule applies to, like [3377, "prod_*"]'
              : 'must be a list, like [3377, "prod_*"]',
        })
        .min(1, { error: 'is empty, so the rule would apply to no flow: list flow ids or globs' }),
      channels: listOf(
        channelEntry,
        '[C0123ABCD, "#data-oncall"]',
        'is empty, so no channel would be allowed: list channels, or remove channels to allow any',
      ).optional(),
      users: listOf(
        principalEntry('a user or user group'),
        '[U012ABCDEF, "@data-oncall"]',
        'is empty, so nobody would be allowed: list users or groups, or remove users to allow any linked user',
      ).optional(),
      deny: z
        .string({
          error:
            'must be the reason for refusing, in quotes, like "Billing flows run from the scheduler only."',
        })
        .trim()
        .min(1, { error: 'is empty: say why the flows are refused and where to go instead' })
        .optional(),
      require_approval: approvalSchema.optional(),
      backfill: backfillSchema.optional(),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `is not a field of a rule, which has ${RULE_FIELDS}`
          : `must be a mapping with ${RULE_FIELDS}, starting with "- name: …"`,
    },
  )
  .superRefine((rule, ctx) => {
    if (rule.deny === undefined) return;
    // `deny` refuses everyone everywhere: anything beside it would read as a condition it is not.
    for (const field of ['channels', 'users', 'require_approval', 'backfill'] as const) {
      if (rule[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message:
            'cannot be combined with deny, which refuses everyone everywhere: remove it, or remove deny ' +
            'and let channels and users say who may run the flows',
        });
      }
    }
  });

const policySchema = z.strictObject(
  {
    rules: z.array(ruleSchema, {
      error: (iss) =>
        iss.input === undefined
          ? 'is missing: the file holds a list of rules under "rules:" (an empty list allows everything)'
          : 'must be a list of rules, each starting with "- name: …"',
    }),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? 'is not a field: the file holds only rules'
        : 'must be a mapping with a list of rules under "rules:" (see examples/policy.yml)',
  },
);

/** Duplicate names would make a refusal ambiguous about which rule refused. */
function duplicateNameProblems(raw: unknown): PolicyProblem[] {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { rules?: unknown }).rules))
    return [];
  const seen = new Map<string, number>();
  const problems: PolicyProblem[] = [];
  (raw as { rules: unknown[] }).rules.forEach((rule, index) => {
    const name = (rule as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.trim() === '') return;
    const key = name.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      problems.push({
        path: ['rules', index, 'name'],
        message: `is the name of rule ${first + 1} too: give every rule its own name, refusals quote it`,
      });
  });
  return problems;
}

export type ParsePolicyResult = { ok: true; policy: PolicySpec } | { ok: false; problems: PolicyProblem[] };

/** Validates the object a YAML policy file parsed to. Every problem at once, in file order. */
export function parsePolicy(raw: unknown): ParsePolicyResult {
  if (raw === null || raw === undefined) {
    return {
      ok: false,
      problems: [
        {
          path: [],
          message:
            'the file is empty: write a list of rules under "rules:" (see examples/policy.yml); to have no ' +
            'policy, unset POLICY_FILE',
        },
      ],
    };
  }
  const parsed = policySchema.safeParse(raw);
  const problems: PolicyProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        return issue.code === 'unrecognized_keys'
          ? unknownFieldProblems(path, issue.keys, issue.message)
          : [{ path, message: issue.message }];
      });
  problems.push(...duplicateNameProblems(raw));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    policy: {
      rules: parsed.data.rules.map((rule) => ({
        name: rule.name,
        flows: rule.flows,
        ...(rule.channels && { channels: rule.channels }),
        ...(rule.users && { users: rule.users }),
        ...(rule.deny !== undefined && { deny: rule.deny }),
        ...(rule.require_approval && {
          requireApproval: {
            approvers: rule.require_approval.approvers,
            count: rule.require_approval.count,
            timeoutMs: rule.require_approval.timeout,
          },
        }),
        ...(rule.backfill && { backfill: { maxRuns: rule.backfill.max_runs } }),
      })),
    },
  };
}

/** Problems in the order of the file: by rule, then by field path. */
function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  const ruleOf = (p: PolicyProblem) =>
    p.path[0] === 'rules' && typeof p.path[1] === 'number' ? p.path[1] : -1;
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => ruleOf(a.problem) - ruleOf(b.problem) || a.order - b.order)
    .map(({ problem }) => problem);
}

import fc from 'fast-check';
import { decidePolicy, type PolicyRequest } from '../../../src/core/policy/decide-policy';
import { compileFlowGlob, matchesFlowPattern } from '../../../src/core/policy/match-flow-pattern';
import type { GroupMembers, Policy, PolicyRule, PrincipalRef } from '../../../src/core/policy/policy';
import { type FlowPattern, parsePolicy } from '../../../src/core/policy/policy-schema';

/**
 * The matcher against an independent definition: a glob matches a name when, character by
 * character (code points, not UTF-16 units), `*` takes any run, `?` exactly one, and anything else
 * equals its counterpart ignoring case.
 */
function globOracle(glob: string, name: string): boolean {
  const p = [...glob];
  const n = [...name];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const memo = new Map<string, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === n.length;
    else if (p[i] === '*') result = at(i + 1, j) || (j < n.length && at(i, j + 1));
    else result = j < n.length && (p[i] === '?' || same(p[i]!, n[j]!)) && at(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

// Characters of flow names, with regex metacharacters, letters that change case, and an emoji
// (two UTF-16 units, one character for `?`).
const NAME_CHARS = [
  'a',
  'A',
  'b',
  'B',
  'z',
  '_',
  '-',
  '.',
  ' ',
  '0',
  '7',
  'é',
  'É',
  'ö',
  'Ö',
  '🚀',
  '(',
  '[',
  '+',
  '$',
  '^',
  '\\',
  '|',
];
const nameChar = fc.constantFrom(...NAME_CHARS);
const flowName = fc.array(nameChar, { maxLength: 10 }).map((chars) => chars.join(''));
const globText = fc
  .array(fc.oneof(nameChar, fc.constantFrom('*', '?')), { maxLength: 8 })
  .map((c) => c.join(''));
const flowId = fc.integer({ min: 1, max: 6 });

function flipCase(ch: string): string {
  return ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
}

describe('flow globs', () => {
  it.each([
    ['prod_*', 'PROD_daily', true],
    ['prod_*', 'my prod_daily', false],
    ['load ?', 'load 🚀', true],
    ['load ?', 'load ab', false],
    ['LOAD_é*', 'load_É2', true],
    ['a.b', 'axb', false],
    ['(x)+', '(X)+', true],
    ['*', '', true],
    ['?', '', false],
  ])('%s matching %s is %s', (glob, name, expected) => {
    expect(compileFlowGlob(glob).test(name)).toBe(expected);
  });

  it('agree with the character-by-character definition', () => {
    fc.assert(
      fc.property(globText, flowName, (glob, name) => {
        expect(compileFlowGlob(glob).test(name)).toBe(globOracle(glob, name));
      }),
      { numRuns: 2000 },
    );
  });

  it('match every name they were made from: ? for any one character, * for any run, case changed', () => {
    const edit = fc.constantFrom('keep', 'flip', '?', '*', '**');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(nameChar, edit), { maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (chars, extraStars) => {
          const name = chars.map(([ch]) => ch).join('');
          const glob =
            chars
              .map(([ch, how]) =>
                how === 'keep' ? ch : how === 'flip' ? flipCase(ch) : how === '**' ? '*' : how,
              )
              .join('') + '*'.repeat(extraStars);
          expect(compileFlowGlob(glob).test(name)).toBe(true);
          expect(compileFlowGlob(glob).test(flipCase(name))).toBe(true);
        },
      ),
    );
  });

  it('give ? exactly one character: never none, never two', () => {
    fc.assert(
      fc.property(flowName, fc.oneof(nameChar, fc.constant('🚀')), (name, extra) => {
        const glob = `${name}?`;
        expect(compileFlowGlob(glob).test(name)).toBe(false);
        expect(compileFlowGlob(glob).test(`${name}${extra}`)).toBe(true);
        expect(compileFlowGlob(glob).test(`${name}${extra}${extra}`)).toBe(false);
      }),
    );
  });
});

describe('flows entries: ids against names', () => {
  it('read numbers and digit strings as ids, which match the id and never the name', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 99_999 }),
        (id, asText, otherId) => {
          const parsed = parsePolicy({ rules: [{ name: 'r', flows: [asText ? String(id) : id] }] });
          if (!parsed.ok) throw new Error('expected a policy');
          const pattern = parsed.policy.rules[0]!.flows[0]!;
          expect(pattern).toEqual({ kind: 'id', flowId: id });
          expect(matchesFlowPattern(pattern, { flowId: id, flowName: 'anything' })).toBe(true);
          // A flow whose name is the id's digits is not that flow.
          expect(matchesFlowPattern(pattern, { flowId: otherId, flowName: String(id) })).toBe(otherId === id);
        },
      ),
    );
  });

  it('read any other text as a glob on the name, which never matches by id', () => {
    const notDigits = globText.filter((g) => g.trim() !== '' && !/^\d+$/.test(g.trim()));
    fc.assert(
      fc.property(notDigits, flowId, flowName, (glob, id, name) => {
        const parsed = parsePolicy({ rules: [{ name: 'r', flows: [glob] }] });
        if (!parsed.ok) throw new Error('expected a policy');
        const pattern = parsed.policy.rules[0]!.flows[0]!;
        expect(pattern.kind).toBe('glob');
        expect(matchesFlowPattern(pattern, { flowId: id, flowName: name })).toBe(globOracle(glob, name));
        expect(matchesFlowPattern(pattern, { flowId: id, flowName: String(id) })).toBe(
          globOracle(glob, String(id)),
        );
      }),
    );
  });
});

/** A pattern from a small space, so that rules often overlap. */
const pattern: fc.Arbitrary<FlowPattern> = fc.oneof(
  flowId.map((id) => ({ kind: 'id' as const, flowId: id })),
  fc
    .array(fc.constantFrom('a', 'B', '*', '?'), { minLength: 1, maxLength: 3 })
    .map((chars) => chars.join(''))
    .map((glob) => ({ kind: 'glob' as const, glob, regex: compileFlowGlob(glob) })),
);
const shortName = fc.array(fc.constantFrom('a', 'A', 'b', 'B'), { maxLength: 3 }).map((c) => c.join(''));
const noGroups: GroupMembers = async () => [];

describe('decidePolicy: the first rule that applies decides', () => {
  it('decides by the first rule whose flows match, and allows when none does', async () => {
    const rules = fc.array(
      fc.record({ flows: fc.array(pattern, { minLength: 1, maxLength: 3 }), deny: fc.boolean() }),
      { maxLength: 6 },
    );
    await fc.assert(
      fc.asyncProperty(rules, flowId, shortName, async (specs, id, name) => {
        const policy: Policy = {
          rules: specs.map((spec, index) => ({
            index,
            name: `rule ${index}`,
            flows: spec.flows,
            ...(spec.deny && { deny: 'no' }),
          })),
        };
        const request: PolicyRequest = {
          flow: { flowId: id, flowName: name },
          userId: 'U1',
          action: { kind: 'trigger' },
        };
        const first = specs.findIndex((spec) =>
          spec.flows.some((p) => (p.kind === 'id' ? p.flowId === id : globOracle(p.glob, name))),
        );
        const decision = await decidePolicy(policy, request, noGroups);
        if (first === -1) {
          expect(decision).toEqual({ outcome: 'allowed' });
        } else {
          expect(decision.rule).toEqual({ index: first, name: `rule ${first}` });
          expect(decision.outcome).toBe(specs[first]!.deny ? 'refused' : 'allowed');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('decidePolicy: channels, users and approvers of the rule that applies', () => {
  const CHANNELS = ['C1', 'C2', 'C3'];
  const USERS = ['U1', 'U2', 'U3', 'U4'];
  const GROUPS: Record<string, string[]> = { S1: ['U1', 'U2'], S2: ['U3'], S3: [] };
  const groupMembers: GroupMembers = async (id) => GROUPS[id] ?? [];
  const principal: fc.Arbitrary<PrincipalRef> = fc.oneof(
    fc.constantFrom(...USERS).map((id) => ({ kind: 'user' as const, id })),
    fc.constantFrom(...Object.keys(GROUPS)).map((id) => ({ kind: 'group' as const, id })),
  );
  const people = (list: PrincipalRef[]) =>
    new Set(list.flatMap((p) => (p.kind === 'user' ? [p.id] : (GROUPS[p.id] ?? []))));

  it('refuses outside channels (and from the console), then callers not among users, then asks others to approve', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.subarray(CHANNELS, { minLength: 1 }), { nil: undefined }),
        fc.option(fc.array(principal, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        fc.option(
          fc.record({
            approvers: fc.array(principal, { minLength: 1, maxLength: 3 }),
            count: fc.integer({ min: 1, max: 3 }),
          }),
          { nil: undefined },
        ),
        fc.option(fc.constantFrom(...CHANNELS, 'C9'), { nil: undefined }),
        fc.constantFrom(...USERS, 'U9'),
        async (channels, users, approval, conversationId, userId) => {
          const rule: PolicyRule = {
            index: 0,
            name: 'r',
            flows: [{ kind: 'id', flowId: 1 }],
            ...(channels && { channels: channels.map((id) => ({ id })) }),
            ...(users && { users }),
            ...(approval && { requireApproval: { ...approval, timeoutMs: 60_000 } }),
          };
          const request: PolicyRequest = {
            flow: { flowId: 1, flowName: 'f' },
            ...(conversationId !== undefined && { conversationId }),
            userId,
            action: { kind: 'trigger' },
          };
          const decision = await decidePolicy({ rules: [rule] }, request, groupMembers);
          if (channels && (conversationId === undefined || !channels.includes(conversationId))) {
            expect(decision).toMatchObject({ outcome: 'refused', refusal: { reason: 'channel' } });
            return;
          }
          if (users && !people(users).has(userId)) {
            expect(decision).toMatchObject({ outcome: 'refused', refusal: { reason: 'user' } });
            return;
          }
          if (!approval) {
            expect(decision).toEqual({ outcome: 'allowed', rule: { index: 0, name: 'r' } });
            return;
          }
          const others = people(approval.approvers);
          others.delete(userId);
          if (others.size < approval.count) {
            expect(decision).toMatchObject({
              outcome: 'refused',
              refusal: { reason: 'approvers', count: approval.count, available: others.size },
            });
          } else {
            expect(decision).toMatchObject({
              outcome: 'needs-approval',
              eligibleApprovers: [...others].sort(),
            });
            expect(decision.outcome === 'needs-approval' && decision.eligibleApprovers).not.toContain(userId);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

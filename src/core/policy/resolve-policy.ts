import type { ChannelRef, Policy, PolicyRule, PrincipalRef } from './policy';
import type { PolicyDirectory } from './policy-directory';
import type { PolicyProblem } from './policy-problems';
import type { ChannelSpec, PolicySpec, PrincipalSpec } from './policy-schema';

export type ResolvePolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

const SCOPES_HINT =
  'check that Slack is reachable and that the app has the scopes channels:read, groups:read and usergroups:read';

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Each name is asked once per load, however many rules use it. */
function memoize<T>(lookup: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let answer = cache.get(key);
    if (!answer) {
      answer = lookup(key);
      cache.set(key, answer);
    }
    return answer;
  };
}

/**
 * Turns the names of a parsed policy into ids through the directory, and checks what can only be
 * checked against Slack: every `#channel` and `@handle` exists, every user group id exists, and each
 * `require_approval.count` is at most the number of people who could approve (users count one each,
 * groups their members, each person once). Every problem at once, like parsePolicy.
 */
export async function resolvePolicy(
  spec: PolicySpec,
  directory: PolicyDirectory,
): Promise<ResolvePolicyResult> {
  const channelId = memoize((name) => directory.channelIdByName(name));
  const groupId = memoize((handle) => directory.userGroupIdByHandle(handle));
  const members = memoize((id) => directory.userGroupMembers(id));
  const problems: PolicyProblem[] = [];

  async function resolveChannel(
    entry: ChannelSpec,
    path: (string | number)[],
  ): Promise<ChannelRef | undefined> {
    if (entry.kind === 'id') return { id: entry.id };
    try {
      const id = await channelId(entry.name);
      if (id !== undefined) return { id, name: entry.name };
      problems.push({
        path,
        message:
          `flow-trigger finds no channel named "#${entry.name}": check the spelling (a renamed channel ` +
          'keeps its id, so an id like C0123ABCD is safer), and for a private channel invite the bot to it',
      });
    } catch (error) {
      problems.push({
        path,
        message: `"#${entry.name}" could not be looked up (${failureText(error)}): ${SCOPES_HINT}`,
      });
    }
    return undefined;
  }

  /** Undefined when it cannot be resolved (a problem is recorded). */
  async function resolvePrincipal(
    entry: PrincipalSpec,
    path: (string | number)[],
  ): Promise<{ ref: PrincipalRef; people: readonly string[] } | undefined> {
    if (entry.kind === 'user') return { ref: entry, people: [entry.id] };
    const written = entry.kind === 'group' ? entry.id : `"@${entry.handle}"`;
    try {
      const id = entry.kind === 'group' ? entry.id : await groupId(entry.handle);
      if (id === undefined) {
        problems.push({
          path,
          message: `flow-trigger finds no user group with the handle ${written}: check the spelling (Slack shows handles in People → User groups)`,
        });
        return undefined;
      }
      const people = await members(id);
      if (people === undefined) {
        problems.push({
          path,
          message: `flow-trigger finds no user group with the id ${written}: check the id, or use its "@handle"`,
        });
        return undefined;
      }
      const ref: PrincipalRef =
        entry.kind === 'handle' ? { kind: 'group', id, handle: entry.handle } : { kind: 'group', id };
      return { ref, people };
    } catch (error) {
      problems.push({
        path,
        message: `${written} could not be looked up (${failureText(error)}): ${SCOPES_HINT}`,
      });
      return undefined;
    }
  }

  const rules = await Promise.all(
    spec.rules.map(async (rule, index): Promise<PolicyRule> => {
      const at = (...path: (string | number)[]) => ['rules', index, ...path];
      const channels = rule.channels
        ? await Promise.all(rule.channels.map((c, i) => resolveChannel(c, at('channels', i))))
        : undefined;
      const users = rule.users
        ? await Promise.all(rule.users.map((u, i) => resolvePrincipal(u, at('users', i))))
        : undefined;
      const approval = rule.requireApproval;
      const approvers = approval
        ? await Promise.all(
            approval.approvers.map((a, i) => resolvePrincipal(a, at('require_approval', 'approvers', i))),
          )
        : undefined;
      if (approval && approvers?.every((a) => a !== undefined)) {
        const eligible = new Set(approvers.flatMap((a) => a!.people));
        if (approval.count > eligible.size) {
          problems.push({
            path: at('require_approval', 'count'),
            message:
              `is ${approval.count}, but the approvers are ${eligible.size} ${eligible.size === 1 ? 'person' : 'people'} ` +
              'in all (groups count their members, each person once), so no request could ever be approved: ' +
              'lower count or add approvers',
          });
        }
      }
      const refs = <T>(list: ({ ref: T } | undefined)[]) => list.flatMap((item) => (item ? [item.ref] : []));
      return {
        index,
        name: rule.name,
        flows: rule.flows,
        ...(channels && { channels: channels.filter((c): c is ChannelRef => c !== undefined) }),
        ...(users && { users: refs(users) }),
        ...(rule.deny !== undefined && { deny: rule.deny }),
        ...(approval &&
          approvers && {
            requireApproval: {
              approvers: refs(approvers),
              count: approval.count,
              timeoutMs: approval.timeoutMs,
            },
          }),
        ...(rule.backfill && { backfill: rule.backfill }),
      };
    }),
  );
  if (problems.length > 0) return { ok: false, problems: sortByPath(problems) };
  return { ok: true, policy: { rules } };
}

/** Lookups finish in any order; problems are listed in the order of the file. */
function sortByPath(problems: PolicyProblem[]): PolicyProblem[] {
  const compare = (a: (string | number)[], b: (string | number)[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return a.length - b.length;
  };
  return [...problems].sort((p, q) => compare(p.path, q.path));
}

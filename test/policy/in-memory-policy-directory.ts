import type { PolicyDirectory } from '../../src/core/policy/policy-directory';

/**
 * A Slack directory in memory, for the policy loader: channels by name, user groups by handle and
 * their members. Records every lookup, and fails the lookups named in `failing` as Slack would when
 * it cannot be reached.
 */
export function inMemoryPolicyDirectory(data: {
  channels?: Record<string, string>;
  groups?: Record<string, { id: string; members: string[] }>;
  /** Group ids known to Slack without a handle in `groups`. */
  groupMembers?: Record<string, string[]>;
  failing?: string[];
}): PolicyDirectory & { lookups: string[] } {
  const lookups: string[] = [];
  const membersById = new Map<string, string[]>(Object.entries(data.groupMembers ?? {}));
  for (const group of Object.values(data.groups ?? {})) membersById.set(group.id, group.members);
  const fail = (what: string) => {
    if (data.failing?.includes(what)) throw new Error(`An API error occurred: ratelimited (${what})`);
  };
  return {
    lookups,
    async channelIdByName(name) {
      lookups.push(`#${name}`);
      fail(`#${name}`);
      return data.channels?.[name];
    },
    async userGroupIdByHandle(handle) {
      lookups.push(`@${handle}`);
      fail(`@${handle}`);
      return data.groups?.[handle]?.id;
    },
    async userGroupMembers(groupId) {
      lookups.push(`members of ${groupId}`);
      fail(groupId);
      return membersById.get(groupId);
    },
  };
}

/** The directory the example policy (examples/policy.yml) resolves against. */
export function exampleDirectory() {
  return inMemoryPolicyDirectory({
    channels: { 'data-oncall': 'C0999DATA', general: 'C0111GEN' },
    groups: {
      'data-oncall': { id: 'S0111ONCALL', members: ['U0200AAA', 'U0201BBB'] },
      'data-leads': { id: 'S0222LEADS', members: ['U0300LEAD', 'U0301LEAD'] },
    },
    groupMembers: { S0456GHIJ: ['U0400CCC'] },
  });
}

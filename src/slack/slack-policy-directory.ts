import type { WebClient } from '@slack/web-api';
import type { GroupMembers } from '../core/policy/policy';
import type { PolicyDirectory } from '../core/policy/policy-directory';
import type { Clock } from '../core/ports';

/** How long a user group's members are trusted: groups change, but not per request. */
export const GROUP_MEMBERS_CACHE_MS = 5 * 60_000;

/** A PolicyDirectory that also answers groupMembers for decisions (cached). */
export interface SlackPolicyDirectory extends PolicyDirectory {
  groupMembers: GroupMembers;
}

/**
 * The policy file's names, read from Slack: `#names` through conversations.list (channels:read,
 * groups:read), `@handles` through usergroups.list and members through usergroups.users.list
 * (usergroups:read). Lists are read once per load (a policy names a handful); members are cached
 * GROUP_MEMBERS_CACHE_MS, since every decision may need them. A failed call rejects: the loader
 * then reports it, and a decision refuses (PolicyLookupError) rather than guess.
 */
export function createSlackPolicyDirectory(
  client: WebClient,
  clock: Clock,
  cacheMs = GROUP_MEMBERS_CACHE_MS,
): SlackPolicyDirectory {
  let channelIds: Promise<Map<string, string>> | undefined;
  let groupIds: Promise<Map<string, string>> | undefined;
  const members = new Map<string, { users: readonly string[] | undefined; expiresAt: number }>();

  const listChannels = async (): Promise<Map<string, string>> => {
    const byName = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const res = await client.conversations.list({
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const channel of res.channels ?? []) {
        if (channel.id && channel.name) byName.set(channel.name.toLowerCase(), channel.id);
      }
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return byName;
  };

  const listGroups = async (): Promise<Map<string, string>> => {
    const res = await client.usergroups.list({ include_disabled: false });
    const byHandle = new Map<string, string>();
    for (const group of res.usergroups ?? []) {
      if (group.id && group.handle) byHandle.set(group.handle.toLowerCase(), group.id);
    }
    return byHandle;
  };

  // A failed list is not remembered: the next load asks again.
  const cached = <T>(
    get: () => Promise<T> | undefined,
    set: (p: Promise<T> | undefined) => void,
    load: () => Promise<T>,
  ) => {
    const hit = get();
    if (hit) return hit;
    const pending = load();
    set(pending);
    pending.catch(() => set(undefined));
    return pending;
  };

  const readMembers = async (groupId: string): Promise<readonly string[] | undefined> => {
    const hit = members.get(groupId);
    if (hit && hit.expiresAt > clock()) return hit.users;
    let users: readonly string[] | undefined;
    try {
      const res = await client.usergroups.users.list({ usergroup: groupId });
      users = res.users ?? [];
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code !== 'no_such_subteam') throw error;
      users = undefined;
    }
    members.set(groupId, { users, expiresAt: clock() + cacheMs });
    return users;
  };

  return {
    async channelIdByName(name) {
      const byName = await cached(
        () => channelIds,
        (p) => {
          channelIds = p;
        },
        listChannels,
      );
      return byName.get(name.toLowerCase());
    },
    async userGroupIdByHandle(handle) {
      const byHandle = await cached(
        () => groupIds,
        (p) => {
          groupIds = p;
        },
        listGroups,
      );
      return byHandle.get(handle.toLowerCase());
    },
    userGroupMembers: readMembers,
    // A group deleted since the load has no members: nobody gets in through it.
    groupMembers: async (groupId) => (await readMembers(groupId)) ?? [],
  };
}

/**
 * What the policy loader needs from Slack's directory, as a port: the Slack adapter implements it
 * with conversations.list (channels:read, groups:read) and usergroups.list / usergroups.users.list
 * (usergroups:read); tests hand in an in-memory object.
 */
export interface PolicyDirectory {
  /** The id of the channel named `name` (without `#`), or undefined when there is none. */
  channelIdByName(name: string): Promise<string | undefined>;
  /** The id (S…) of the user group with handle `handle` (without `@`), or undefined when there is none. */
  userGroupIdByHandle(handle: string): Promise<string | undefined>;
  /** The Slack user ids in the group; undefined when Slack knows no such group. */
  userGroupMembers(groupId: string): Promise<readonly string[] | undefined>;
}

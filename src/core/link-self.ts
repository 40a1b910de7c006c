import { FlowTriggerError } from './errors';
import type { Clock, EnosGateway, EnosOrgUser, Link, LinkStore } from './ports';

/**
 * `/flow-trigger link me`: a caller links themselves to the EnOS user of their organization whose
 * email is their Slack email (ENOS_SELF_LINK=email). Exactly one user with that email, compared
 * whole (trimmed, case-insensitive), links; anything else is explained and links nothing: never a
 * partial match, never a guess between two.
 */

/** What a self-link needs: the links, the IAM user list, and the switch and organization. */
export interface LinkSelfDeps {
  links: LinkStore;
  enos: Pick<EnosGateway, 'listOrgUsers'>;
  clock: Clock;
  /** ENOS_SELF_LINK=email. */
  enabled: boolean;
  /** ENOS_ORG_ID: the organization whose users are searched. */
  orgId: string;
}

/** Who asks to be linked, with the email their Slack profile shows. */
export interface LinkSelfRequest {
  teamId: string;
  slackUserId: string;
  /** `users.info` → `profile.email`; absent without the `users:read.email` scope or an email. */
  email?: string;
}

/** How a self-link ended; only `linked` has stored a link. */
export type LinkSelfResult =
  | { kind: 'disabled' }
  | { kind: 'already-linked'; link: Link }
  | { kind: 'no-email' }
  | { kind: 'no-match'; email: string; orgId: string }
  | { kind: 'ambiguous'; email: string; orgId: string; count: number }
  /** One match, but EnOS gave it no username, which flow ownership is checked by. */
  | { kind: 'no-username'; email: string; orgId: string }
  /** The list could not be read whole: a match in part of it proves nothing. */
  | { kind: 'incomplete'; orgId: string }
  | { kind: 'lookup-failed'; error: FlowTriggerError }
  | { kind: 'linked'; link: Link };

/** Emails as compared: trimmed, lower case. Everything else must be equal. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function linkSelf(deps: LinkSelfDeps, req: LinkSelfRequest): Promise<LinkSelfResult> {
  if (!deps.enabled) return { kind: 'disabled' };
  const existing = await deps.links.get(req.teamId, req.slackUserId);
  // Replacing a link is an admin's decision: a self-link only ever creates one.
  if (existing) return { kind: 'already-linked', link: existing };
  const email = req.email === undefined ? '' : normalizeEmail(req.email);
  if (email === '') return { kind: 'no-email' };

  let users: EnosOrgUser[];
  try {
    const list = await deps.enos.listOrgUsers(deps.orgId);
    if (!list.complete) return { kind: 'incomplete', orgId: deps.orgId };
    users = list.users;
  } catch (error) {
    if (error instanceof FlowTriggerError) return { kind: 'lookup-failed', error };
    throw error;
  }

  const matches = users.filter(
    (u) =>
      u.email !== undefined &&
      normalizeEmail(u.email) === email &&
      // A user the list places in another organization is not one to link into this one.
      (u.organizationId === undefined || u.organizationId === deps.orgId),
  );
  if (matches.length === 0) return { kind: 'no-match', email, orgId: deps.orgId };
  if (matches.length > 1) return { kind: 'ambiguous', email, orgId: deps.orgId, count: matches.length };
  const [user] = matches as [EnosOrgUser];
  const userName = user.name?.trim() ?? '';
  if (userName === '') return { kind: 'no-username', email, orgId: deps.orgId };

  const link: Link = {
    teamId: req.teamId,
    slackUserId: req.slackUserId,
    userId: user.id,
    userName,
    orgId: deps.orgId,
    // The user linked themselves: `links` shows admins who created each link.
    linkedBy: req.slackUserId,
    linkedAt: new Date(deps.clock()).toISOString(),
  };
  await deps.links.put(link);
  return { kind: 'linked', link };
}

import type { Clock, Link, LinkStore } from './ports';

/**
 * The link commands: admins link and unlink Slack users to EnOS users; anyone may ask who they are
 * linked to. The admin list is configuration (FLOW_TRIGGER_ADMINS), checked here on every path.
 */

export interface LinkDeps {
  links: LinkStore;
  clock: Clock;
  admins: string[];
  /** Used when a link names no organization. */
  defaultOrgId: string;
}

export type LinkResult =
  | { kind: 'forbidden'; admins: string[] }
  | { kind: 'linked'; link: Link; replaced?: Link }
  | { kind: 'unlinked'; slackUserId: string; removed: boolean }
  | { kind: 'links'; links: Link[] };

export function isAdmin(admins: string[], slackUserId: string): boolean {
  return admins.includes(slackUserId);
}

export interface LinkRequest {
  teamId: string;
  actorId: string;
  slackUserId: string;
  enosUserId: string;
  enosUserName: string;
  orgId?: string;
}

export async function linkUser(deps: LinkDeps, req: LinkRequest): Promise<LinkResult> {
  if (!isAdmin(deps.admins, req.actorId)) return { kind: 'forbidden', admins: deps.admins };
  const replaced = await deps.links.get(req.teamId, req.slackUserId);
  const link: Link = {
    teamId: req.teamId,
    slackUserId: req.slackUserId,
    userId: req.enosUserId,
    userName: req.enosUserName,
    orgId: req.orgId ?? deps.defaultOrgId,
    linkedBy: req.actorId,
    linkedAt: new Date(deps.clock()).toISOString(),
  };
  await deps.links.put(link);
  return replaced ? { kind: 'linked', link, replaced } : { kind: 'linked', link };
}

export async function unlinkUser(
  deps: LinkDeps,
  req: { teamId: string; actorId: string; slackUserId: string },
): Promise<LinkResult> {
  if (!isAdmin(deps.admins, req.actorId)) return { kind: 'forbidden', admins: deps.admins };
  const removed = await deps.links.remove(req.teamId, req.slackUserId);
  return { kind: 'unlinked', slackUserId: req.slackUserId, removed };
}

export async function listLinks(
  deps: LinkDeps,
  req: { teamId: string; actorId: string },
): Promise<LinkResult> {
  if (!isAdmin(deps.admins, req.actorId)) return { kind: 'forbidden', admins: deps.admins };
  return { kind: 'links', links: await deps.links.list(req.teamId) };
}

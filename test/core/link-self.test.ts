import { EnosApiError } from '../../src/core/errors';
import { type LinkSelfDeps, linkSelf, normalizeEmail } from '../../src/core/link-self';
import type { EnosOrgUserList } from '../../src/core/ports';
import { openStore, type Store } from '../../src/store/open-store';
import { captureLogger } from '../store/capture-logger';

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
let store: Store;
let list: EnosOrgUserList | Error;
let deps: LinkSelfDeps;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:', { logger: captureLogger().logger });
  list = { users: [], complete: true };
  deps = {
    links: store.links,
    enos: {
      listOrgUsers: async () => {
        if (list instanceof Error) throw list;
        return list;
      },
    },
    clock: () => NOW,
    enabled: true,
    orgId: 'o1',
  };
});
afterEach(async () => {
  await store.close();
});

const req = { teamId: 'T1', slackUserId: 'U1', email: ' Ana.Lopez@Example.com' };

it('compares whole emails, trimmed and ignoring case', async () => {
  expect(normalizeEmail('  A.B@X.io ')).toBe('a.b@x.io');
  list = {
    users: [
      { id: 'u1', name: 'ana', email: 'ana.lopez@example.com.mx' },
      { id: 'u2', name: 'ana.lopez', email: 'ANA.LOPEZ@EXAMPLE.COM' },
      { id: 'u3', name: 'lopez', email: 'lopez@example.com' },
    ],
    complete: true,
  };
  expect(await linkSelf(deps, req)).toMatchObject({
    kind: 'linked',
    link: {
      userId: 'u2',
      userName: 'ana.lopez',
      orgId: 'o1',
      linkedBy: 'U1',
      linkedAt: new Date(NOW).toISOString(),
    },
  });
});

it('ignores users the list places in another organization', async () => {
  list = {
    users: [{ id: 'u2', name: 'ana', email: 'ana.lopez@example.com', organizationId: 'o2' }],
    complete: true,
  };
  expect(await linkSelf(deps, req)).toEqual({
    kind: 'no-match',
    email: 'ana.lopez@example.com',
    orgId: 'o1',
  });
});

it('links nothing from an incomplete list, a match without a username, or a failed lookup', async () => {
  list = { users: [{ id: 'u2', name: 'ana', email: 'ana.lopez@example.com' }], complete: false };
  expect(await linkSelf(deps, req)).toEqual({ kind: 'incomplete', orgId: 'o1' });
  list = { users: [{ id: 'u2', name: ' ', email: 'ana.lopez@example.com' }], complete: true };
  expect((await linkSelf(deps, req)).kind).toBe('no-username');
  list = new EnosApiError(99403, 'no permission');
  expect((await linkSelf(deps, req)).kind).toBe('lookup-failed');
  expect(await store.links.get('T1', 'U1')).toBeUndefined();
});

it('does nothing when disabled, without an email, or for someone already linked', async () => {
  expect(await linkSelf({ ...deps, enabled: false }, req)).toEqual({ kind: 'disabled' });
  expect(await linkSelf(deps, { ...req, email: '   ' })).toEqual({ kind: 'no-email' });
  const link = {
    teamId: 'T1',
    slackUserId: 'U1',
    userId: 'u9',
    userName: 'old',
    orgId: 'o1',
    linkedBy: 'UADMIN',
    linkedAt: new Date(NOW).toISOString(),
  };
  await store.links.put(link);
  list = { users: [{ id: 'u2', name: 'ana', email: 'ana.lopez@example.com' }], complete: true };
  expect(await linkSelf(deps, req)).toEqual({ kind: 'already-linked', link });
});

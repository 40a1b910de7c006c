import { StoreError } from '../../src/core/errors';
import type { Link } from '../../src/core/ports';
import type { Store } from '../../src/store/open-store';
import { aLink, uniqueTeam } from './fixtures';
import { backends, type StoreFactory } from './store-factories';

describe.each(backends)('LinkStore on %s', (_backend, makeFactory) => {
  let factory: StoreFactory;
  let store: Store;

  beforeAll(async () => {
    factory = await makeFactory();
    store = await factory.open();
  });
  afterAll(async () => {
    await factory?.teardown();
  });

  test('put, get, replace and remove one link', async () => {
    const team = uniqueTeam();
    const link = aLink({ teamId: team, slackUserId: 'U1' });

    expect(await store.links.get(team, 'U1')).toBeUndefined();
    await store.links.put(link);
    expect(await store.links.get(team, 'U1')).toEqual(link);

    const replaced = aLink({ teamId: team, slackUserId: 'U1', userId: 'enos-user-2', userName: 'bob' });
    await store.links.put(replaced);
    expect(await store.links.get(team, 'U1')).toEqual(replaced);

    expect(await store.links.remove(team, 'U1')).toBe(true);
    expect(await store.links.get(team, 'U1')).toBeUndefined();
    expect(await store.links.remove(team, 'U1')).toBe(false);
  });

  test('list returns the links of one team only, sorted by Slack user ID', async () => {
    const teamA = uniqueTeam();
    const teamB = uniqueTeam();
    for (const user of ['U3', 'U1', 'UB', 'U2'])
      await store.links.put(aLink({ teamId: teamA, slackUserId: user }));
    await store.links.put(aLink({ teamId: teamB, slackUserId: 'U1', userName: 'other-team' }));

    const listA = await store.links.list(teamA);
    expect(listA.map((link: Link) => link.slackUserId)).toEqual(['U1', 'U2', 'U3', 'UB']);
    expect(listA.every((link) => link.teamId === teamA)).toBe(true);
    expect(await store.links.list(teamB)).toEqual([
      aLink({ teamId: teamB, slackUserId: 'U1', userName: 'other-team' }),
    ]);

    await store.links.remove(teamA, 'U2');
    expect((await store.links.list(teamA)).map((link) => link.slackUserId)).toEqual(['U1', 'U3', 'UB']);
    expect(await store.links.get(teamB, 'U1')).toBeDefined();
    expect(await store.links.list(uniqueTeam())).toEqual([]);
  });

  test('replacing a link does not list it twice', async () => {
    const team = uniqueTeam();
    await store.links.put(aLink({ teamId: team }));
    await store.links.put(aLink({ teamId: team, userName: 'renamed' }));
    expect(await store.links.list(team)).toEqual([aLink({ teamId: team, userName: 'renamed' })]);
  });

  test('a second Store on the same backend sees the same links', async () => {
    const team = uniqueTeam();
    await store.links.put(aLink({ teamId: team }));
    const other = await factory.open();
    expect(await other.links.get(team, 'U1')).toEqual(aLink({ teamId: team }));
    expect(await other.links.list(team)).toHaveLength(1);
  });

  test('put refuses an invalid link with a StoreError naming the field', async () => {
    const team = uniqueTeam();
    const invalid = { ...aLink({ teamId: team }), orgId: undefined } as unknown as Link;
    const error = await store.links.put(invalid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain('orgId');
    expect(await store.links.get(team, 'U1')).toBeUndefined();
  });
});

/**
 * The IAM user list (docs/enos-api.md §3.9), for self-linking by email: signed like every gateway call,
 * without userId, and lenient about an answer shape the docs do not give (inferred).
 */
import { EnosApiError } from '../../src/core/errors';
import { orgUsersSchema } from '../../src/enos/enos-schemas';
import { type EnosTestSetup, rejectionOf, setUpEnos } from './enos-test-setup';

describe('listOrgUsers against the fake gateway', () => {
  let t: EnosTestSetup;
  afterEach(async () => {
    expect(t.enos.unhandled).toEqual([]);
    await t.close();
  });

  it('reads the organization’s users with a signed GET carrying only orgId', async () => {
    t = await setUpEnos();
    t.enos.addUser({ userId: 'u2', userName: 'bob', orgId: 'o1', email: 'bob@example.com' });
    t.enos.addUser({ userId: 'u9', userName: 'zed', orgId: 'o9', email: 'zed@example.com' });
    expect(await t.client.listOrgUsers('o1')).toEqual({
      users: [
        { id: 'u1', name: 'alice', state: '1', organizationId: 'o1' },
        { id: 'u2', name: 'bob', email: 'bob@example.com', state: '1', organizationId: 'o1' },
      ],
      complete: true,
    });
    const [req] = t.enos.requestsOf('iam.listUsers');
    expect(req).toMatchObject({
      method: 'GET',
      path: '/enos-iam-service/v2.4/open/user/logintime/list',
      query: { orgId: 'o1' },
      signatureValid: true,
    });
  });

  it('follows pages when the answer says it holds more users than it lists (inferred)', async () => {
    t = await setUpEnos({ fake: { iamPageSize: 2 } });
    for (let i = 2; i <= 5; i++) t.enos.addUser({ userId: `u${i}`, userName: `user${i}`, orgId: 'o1' });
    const list = await t.client.listOrgUsers('o1');
    expect(list.complete).toBe(true);
    expect(list.users.map((u) => u.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(t.enos.requestsOf('iam.listUsers').map((r) => r.query)).toEqual([
      { orgId: 'o1' },
      { orgId: 'o1', pageNo: '2', pageSize: '2' },
      { orgId: 'o1', pageNo: '3', pageSize: '2' },
    ]);
  });

  it('turns an IAM refusal into an EnosApiError', async () => {
    t = await setUpEnos();
    t.enos.failNext('iam.listUsers', { kind: 'enos-error', code: 99403, msg: 'No permission' });
    const error = await rejectionOf(t.client.listOrgUsers('o1'));
    expect(error).toBeInstanceOf(EnosApiError);
    expect((error as EnosApiError).enosCode).toBe(99403);
  });
});

describe('orgUsersSchema (the envelope is not documented: inferred shapes)', () => {
  const user = { id: 'u1', name: 'alice', email: 'a@x.io', state: 1, organizationId: 'o1' };

  it('accepts a bare array, null, and an object holding the list', () => {
    expect(orgUsersSchema.parse([user])).toEqual({
      users: [{ id: 'u1', name: 'alice', email: 'a@x.io', state: '1', organizationId: 'o1' }],
    });
    expect(orgUsersSchema.parse(null)).toEqual({ users: [] });
    for (const field of ['users', 'list', 'records', 'items', 'content', 'data']) {
      expect(orgUsersSchema.parse({ [field]: [user] }).users).toHaveLength(1);
    }
  });

  it('reads a total at the top or in a pagination object', () => {
    expect(orgUsersSchema.parse({ list: [user], total: 3 }).total).toBe(3);
    expect(orgUsersSchema.parse({ list: [user], pagination: { totalSize: '7' } }).total).toBe(7);
    expect(orgUsersSchema.parse({ list: [user] }).total).toBeUndefined();
  });

  it('accepts userId for the id and null fields, and refuses users without an id', () => {
    expect(orgUsersSchema.parse([{ userId: 'u2', name: null, email: null }]).users).toEqual([{ id: 'u2' }]);
    expect(orgUsersSchema.safeParse([{ name: 'x' }]).success).toBe(false);
    expect(orgUsersSchema.safeParse({ nothing: 1 }).success).toBe(false);
  });
});

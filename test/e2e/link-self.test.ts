/**
 * `/flow-trigger link me` (ENOS_SELF_LINK=email): the caller's Slack email, looked up in the EnOS
 * organization's user list (IAM API). Exactly one user with that email links; anything else is
 * explained, and nothing is linked.
 */
import { DEFAULT_TEAM_ID } from '../helpers/slack-requests';
import { ADMIN, ALICE, DAVE, startTestApp, type TestApp } from '../helpers/start-test-app';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** What the caller read privately on a response URL: every mrkdwn text, joined. */
const answer = (id: string) =>
  t.slack.responsesOf(id).map((r) =>
    (
      (r.body as { blocks?: Array<{ text?: { text: string }; elements?: Array<{ text?: string }> }> })
        .blocks ?? []
    )
      .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => e.text)])
      .filter((s): s is string => typeof s === 'string')
      .join('\n'),
  );

/** Dave, unlinked, with an email in Slack; EnOS users of Alice's organization as given. */
async function setUp(enosUsers: Array<{ userId: string; userName: string; email?: string; orgId?: string }>) {
  t = await startTestApp({ selfLink: true });
  t.slack.addUser({ id: DAVE.slackUserId, name: 'dave', tz: 'Asia/Kolkata', email: 'dave.k@example.com' });
  for (const user of enosUsers) t.enos.addUser({ orgId: ALICE.orgId, ...user });
}

it('links the caller to the one EnOS user with their email, and admins see it in `links`', async () => {
  await setUp([
    { userId: 'u15426865866579', userName: 'dave.k', email: '  Dave.K@Example.COM ' },
    { userId: 'u15426865866580', userName: 'dave', email: 'dave@example.com' },
  ]);
  const res = await t.command('link me', { user_id: DAVE.slackUserId });

  const iam = t.enos.requestsOf('iam.listUsers');
  expect(iam).toHaveLength(1);
  expect(iam[0]!.query).toEqual({ orgId: ALICE.orgId });
  expect(iam[0]!.signatureValid).toBe(true);
  expect(t.slack.callsOf('users.info').at(-1)!.args.user).toBe(DAVE.slackUserId);
  expect(answer(res.responseUrlId)).toMatchInlineSnapshot(`
[
  ":link: You are now linked to EnOS user \`dave.k\` (\`u15426865866579\`, org \`o15578227985571\`): the one user of that organization with your Slack email. Admins see this link in \`/flow-trigger links\`.",
]
`);
  expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toEqual({
    teamId: DEFAULT_TEAM_ID,
    slackUserId: DAVE.slackUserId,
    userId: 'u15426865866579',
    userName: 'dave.k',
    orgId: ALICE.orgId,
    linkedBy: DAVE.slackUserId,
    linkedAt: new Date(t.clock()).toISOString(),
  });
  const links = await t.command('links', { user_id: ADMIN.slackUserId });
  expect(answer(links.responseUrlId)[0]).toContain(`<@${DAVE.slackUserId}> → EnOS user \`dave.k\``);

  // Linked now: Dave can trigger, and `link me` will not replace the link.
  const again = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(again.responseUrlId)[0]).toContain('You are already linked to EnOS user `dave.k`');
  expect(t.enos.requestsOf('iam.listUsers')).toHaveLength(1);
});

it('explains that no EnOS user has the email, and links nothing (no partial match)', async () => {
  await setUp([
    { userId: 'u15426865866580', userName: 'dave', email: 'dave@example.com' },
    { userId: 'u15426865866581', userName: 'dave.k2', email: 'dave.k@example.com.cn' },
  ]);
  const res = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(res.responseUrlId)).toMatchInlineSnapshot(`
[
  ":mag: No user of EnOS organization \`o15578227985571\` has the email \`dave.k@example.com\`, which is the one in your Slack profile (compared whole, ignoring case). Nothing was linked. If your EnOS account uses another email, ask an admin (<@U0ADMIN01>) to link you with \`/flow-trigger link @you <enosUserId> <enosUserName>\`.",
]
`);
  expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toBeUndefined();
});

it('refuses to guess between two EnOS users with the same email', async () => {
  await setUp([
    { userId: 'u15426865866579', userName: 'dave.k', email: 'dave.k@example.com' },
    { userId: 'u15426865866582', userName: 'dkumar', email: 'DAVE.K@example.com' },
  ]);
  const res = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(res.responseUrlId)[0]).toContain(
    '2 users of EnOS organization `o15578227985571` have the email `dave.k@example.com`, so I cannot tell which one is you',
  );
  expect(answer(res.responseUrlId)[0]).toContain('Nothing was linked.');
  expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toBeUndefined();
});

it('explains a Slack profile without an email, an IAM refusal, and a disabled self-link', async () => {
  await setUp([{ userId: 'u15426865866579', userName: 'dave.k', email: 'dave.k@example.com' }]);
  t.slack.addUser({ id: DAVE.slackUserId, name: 'dave' });
  const noEmail = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(noEmail.responseUrlId)[0]).toContain('I cannot see an email address in your Slack profile');
  expect(t.enos.requestsOf('iam.listUsers')).toHaveLength(0);

  t.slack.addUser({ id: DAVE.slackUserId, name: 'dave', email: 'dave.k@example.com' });
  t.enos.failNext('iam.listUsers', { kind: 'enos-error', code: 99403, msg: 'No permission' });
  const refused = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(refused.responseUrlId)[0]).toContain('I could not read your organization’s user list');
  expect(answer(refused.responseUrlId)[0]).toContain('EnOS code 99403: No permission');
  expect(await t.store.links.get(DEFAULT_TEAM_ID, DAVE.slackUserId)).toBeUndefined();
  await t.stop();

  t = await startTestApp();
  const disabled = await t.command('link me', { user_id: DAVE.slackUserId });
  expect(answer(disabled.responseUrlId)[0]).toContain(
    'Linking yourself is not enabled here (ENOS_SELF_LINK)',
  );
  expect(t.enos.requestsOf('iam.listUsers')).toHaveLength(0);
});

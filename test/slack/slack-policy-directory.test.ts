/**
 * The policy file's Slack directory against the loopback fake Slack: names resolve case-insensitively,
 * unknown ones are undefined, and a group's members are read once per 5 minutes.
 */
import { WebClient } from '@slack/web-api';
import { createSlackPolicyDirectory, GROUP_MEMBERS_CACHE_MS } from '../../src/slack/slack-policy-directory';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/fake-slack-api';

let slack: FakeSlackApi;
beforeEach(async () => {
  slack = await startFakeSlackApi({
    channels: [
      { id: 'C0ONCALL1', name: 'data-oncall' },
      { id: 'C0OLD0001', name: 'old-oncall', is_archived: true },
    ],
    userGroups: [{ id: 'S0LEADS01', handle: 'data-leads', members: ['U0ALICE01', 'U0BOB0001'] }],
  });
});
afterEach(async () => {
  slack.assertNoUnhandled();
  await slack.close();
});

function directory(now: { ms: number }) {
  const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return createSlackPolicyDirectory(client, () => now.ms);
}

it('resolves #names and @handles ignoring case, once per load; unknown or archived ones are undefined', async () => {
  const d = directory({ ms: 0 });
  expect(await d.channelIdByName('Data-OnCall')).toBe('C0ONCALL1');
  expect(await d.channelIdByName('old-oncall')).toBeUndefined();
  expect(await d.channelIdByName('nowhere')).toBeUndefined();
  expect(await d.userGroupIdByHandle('DATA-LEADS')).toBe('S0LEADS01');
  expect(await d.userGroupIdByHandle('nobody')).toBeUndefined();
  expect(slack.callsOf('conversations.list')).toHaveLength(1);
  expect(slack.callsOf('usergroups.list')).toHaveLength(1);
});

it('reads a group’s members once per cache period, and knows no unknown group', async () => {
  const now = { ms: 1_000 };
  const d = directory(now);
  expect(await d.groupMembers('S0LEADS01')).toEqual(['U0ALICE01', 'U0BOB0001']);
  now.ms += GROUP_MEMBERS_CACHE_MS - 1;
  expect(await d.groupMembers('S0LEADS01')).toEqual(['U0ALICE01', 'U0BOB0001']);
  expect(slack.callsOf('usergroups.users.list')).toHaveLength(1);
  now.ms += 2;
  await d.groupMembers('S0LEADS01');
  expect(slack.callsOf('usergroups.users.list').map((c) => c.args.usergroup)).toEqual([
    'S0LEADS01',
    'S0LEADS01',
  ]);
  expect(await d.userGroupMembers('S0GONE001')).toBeUndefined();
  expect(await d.groupMembers('S0GONE001')).toEqual([]);
});

it('a failed members call rejects (the decision then refuses) and is not cached', async () => {
  const d = directory({ ms: 0 });
  slack.failNext('usergroups.users.list', { error: 'missing_scope' });
  await expect(d.groupMembers('S0LEADS01')).rejects.toThrow(/missing_scope/);
  expect(await d.groupMembers('S0LEADS01')).toEqual(['U0ALICE01', 'U0BOB0001']);
});

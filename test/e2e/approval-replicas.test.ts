/**
 * Approval decisions on two replicas sharing one Redis: two approvers clicking at the same moment,
 * each on a different replica, count as two (neither overwrites the other's decision) and the flow
 * is triggered exactly once; one approver's click delivered to both replicas counts once. What
 * makes it hold is the request's lock claim (SET NX PX) around each read-modify-write.
 */
import { APPROVAL_ACTION, APPROVAL_ACTIONS_BLOCK } from '../../src/slack/ids';
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type FakeSlackApi, type StoredMessage, startFakeSlackApi } from '../fakes/fake-slack-api';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { blockActionsPayload, DEFAULT_TEAM_ID, sendInteraction } from '../helpers/slack-requests';
import {
  ALICE,
  CAROL,
  ENOS_ACCESS_KEY,
  ENOS_SECRET_KEY,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';

const ROUNDS = 8;
const BOB = 'U0BOBBY01';

let redis: RedisServer;
let slack: FakeSlackApi;
let enos: FakeEnosGateway;
let replicas: TestApp[] = [];

beforeEach(async () => {
  redis = await startRedisServer();
  slack = await startFakeSlackApi({
    userGroups: [{ id: 'S0LEADS01', handle: 'data-leads', members: [BOB, CAROL.slackUserId] }],
  });
  enos = await startFakeEnosGateway({ accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY });
  slack.addUser({ id: ALICE.slackUserId, name: 'alice', tz: 'Europe/Berlin' });
  enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId });
  for (let i = 0; i < ROUNDS; i += 1)
    enos.addFlow({ flowId: 6000 + i, flowName: `load ${i}`, owner: 'alice' });
  const shared = {
    storeUrl: redis.url,
    keyPrefix: redis.keyPrefix,
    slack,
    enos,
    policy: `rules:
  - name: two people
    flows: ["load *"]
    require_approval: { approvers: ["@data-leads"], count: 2 }
`,
  };
  replicas = [await startTestApp(shared), await startTestApp(shared)];
  await replicas[0]!.link(ALICE);
});

afterEach(async () => {
  slack.assertNoUnhandled();
  for (const r of replicas) await r.stop();
  await slack.close();
  await enos.close();
  await redis.stop();
});

function requestOf(flowId: number): StoredMessage {
  const message = slack.messages.find(
    (m) => m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes(`*${flowId}* · load`),
  );
  if (!message) throw new Error(`no request for flow ${flowId}`);
  return message;
}

function requestIdOf(message: StoredMessage): string {
  const blocks = (message.blocks ?? []) as Array<{ type: string; elements?: Array<{ value?: string }> }>;
  return blocks.find((b) => b.type === 'actions')!.elements![0]!.value!;
}

function approve(replica: TestApp, user: string, message: StoredMessage, id: string) {
  return sendInteraction(
    replica.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: user,
      actions: [{ action_id: APPROVAL_ACTION.approve, value: id, block_id: APPROVAL_ACTIONS_BLOCK }],
      channel_id: message.channel,
      message_ts: message.ts,
      response_url: slack.responseUrl(`${user}-${id}-${replica.baseUrl}`),
    }),
  );
}

it(`two approvers at the same moment on two replicas count as two and trigger once (${ROUNDS} rounds)`, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const flowId = 6000 + round;
    await replicas[round % 2]!.command(`${flowId} ROUND=${round}`);
    const message = requestOf(flowId);
    const id = requestIdOf(message);
    const answers = await Promise.all([
      approve(replicas[0]!, BOB, message, id),
      approve(replicas[1]!, CAROL.slackUserId, message, id),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await Promise.all(replicas.map((r) => r.settle()));

    const request = await replicas[0]!.store.approvals.get(id);
    expect(request?.state).toBe('approved');
    expect(request?.approvedBy.map((a) => a.userId).sort()).toEqual([BOB, CAROL.slackUserId].sort());
    const record = await replicas[1]!.store.audit.get(DEFAULT_TEAM_ID, id);
    expect(record?.outcome).toBe('triggered');
    expect(record?.approval?.approvedBy.sort()).toEqual([BOB, CAROL.slackUserId].sort());
  }
  const triggered = enos
    .requestsOf('flows.updateAndTrigger')
    .map((r) => (r.body as { flowId: number }).flowId)
    .sort();
  expect(triggered).toEqual(Array.from({ length: ROUNDS }, (_, i) => 6000 + i));
});

it('one approver’s click reaching both replicas at once counts once', async () => {
  await replicas[0]!.command('6000');
  const message = requestOf(6000);
  const id = requestIdOf(message);
  await Promise.all([approve(replicas[0]!, BOB, message, id), approve(replicas[1]!, BOB, message, id)]);
  await Promise.all(replicas.map((r) => r.settle()));
  const request = await replicas[0]!.store.approvals.get(id);
  expect(request).toMatchObject({ state: 'pending', approvedBy: [{ userId: BOB }] });
  expect(enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
  const thread = slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === message.ts);
  expect(thread).toHaveLength(1);
});

/**
 * Several replicas behind a load balancer, sharing one Redis: the same delivery reaching two of
 * them at the same moment triggers exactly once, because the delivery claim and the duplicate
 * guard are single atomic Redis operations (SET NX PX), not get-then-set.
 */
import { type FakeEnosGateway, startFakeEnosGateway } from '../fakes/fake-enos-gateway';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/fake-slack-api';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { newTriggerId, sendSlashCommand } from '../helpers/slack-requests';
import {
  ALICE,
  ENOS_ACCESS_KEY,
  ENOS_SECRET_KEY,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';

const ROUNDS = 25;

let redis: RedisServer;
let slack: FakeSlackApi;
let enos: FakeEnosGateway;
let replicas: TestApp[] = [];

beforeEach(async () => {
  redis = await startRedisServer();
  slack = await startFakeSlackApi();
  enos = await startFakeEnosGateway({ accessKey: ENOS_ACCESS_KEY, secretKey: ENOS_SECRET_KEY });
  slack.addUser({ id: ALICE.slackUserId, name: 'alice', tz: 'Europe/Berlin' });
  enos.addUser({ userId: ALICE.userId, userName: ALICE.userName, orgId: ALICE.orgId });
  for (let i = 0; i < ROUNDS; i += 1)
    enos.addFlow({ flowId: 5000 + i, flowName: `flow ${i}`, owner: 'alice' });
  const shared = { storeUrl: redis.url, keyPrefix: redis.keyPrefix, slack, enos };
  replicas = [await startTestApp(shared), await startTestApp(shared)];
  await replicas[0]!.link(ALICE);
});

afterEach(async () => {
  for (const r of replicas) await r.stop();
  await slack.close();
  await enos.close();
  await redis.stop();
});

it(`triggers exactly once per delivery when ${ROUNDS} deliveries each reach two replicas at once`, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const fields = {
      text: `${5000 + round} ROUND=${round}`,
      user_id: ALICE.slackUserId,
      trigger_id: newTriggerId(),
      response_url: slack.responseUrl(`round-${round}`),
    };
    // The same signed request, as a load balancer that retried it on the other replica would send it.
    const answers = await Promise.all(
      replicas.map((r, i) => sendSlashCommand(r.baseUrl, SIGNING_SECRET, fields, { retryNum: i })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  }
  await Promise.all(replicas.map((r) => r.settle()));

  const triggered = enos
    .requestsOf('flows.updateAndTrigger')
    .map((r) => (r.body as { flowId: number }).flowId);
  expect(triggered.sort()).toEqual(Array.from({ length: ROUNDS }, (_, i) => 5000 + i));
  expect(enos.triggers.every((tr) => tr.code === 0)).toBe(true);
  const parents = slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
  expect(parents).toHaveLength(ROUNDS);
  // Each delivery was handled by exactly one replica; the other dropped it as a redelivery.
  const served = replicas.map((r) => r.logs.filter((l) => l.includes('"trigger request handled"')).length);
  expect(served[0]! + served[1]!).toBe(ROUNDS);
});

it('answers the same person asking twice through two replicas with one trigger and one "already triggered"', async () => {
  const send = (r: TestApp, id: string) =>
    sendSlashCommand(r.baseUrl, SIGNING_SECRET, {
      text: '5000 at 14:00 REPLACE=ddee',
      user_id: ALICE.slackUserId,
      response_url: slack.responseUrl(id),
    });
  await Promise.all([send(replicas[0]!, 'a'), send(replicas[1]!, 'b')]);
  await Promise.all(replicas.map((r) => r.settle()));
  expect(enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
  const said = [...slack.responsesOf('a'), ...slack.responsesOf('b')].map((r) => JSON.stringify(r.body));
  expect(said).toEqual([expect.stringContaining('already triggered flow *5000*')]);
});

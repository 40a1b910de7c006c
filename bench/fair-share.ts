/**
 * `npx tsx bench/fair-share.ts`: what the fair share of the trigger queue costs and buys. Not part
 * of `npm run bench` (it writes nothing); it prints:
 *
 * 1. the queue's own cost per trigger (enqueue, turn, start), one caller and 1,000 callers;
 * 2. where another caller's trigger starts behind a flood of 300 from one caller (counted, not timed);
 * 3. the store read that answers unlinked callers before the queue (SQLite, p50/p99);
 * 4. a flood of 3,000 commands from an unlinked user through the real app over HTTP, 100 at a time:
 *    acks per second and ack latency, and whether a linked user's trigger was taken meanwhile.
 *
 * Run it on a quiet machine; figures from a shared one are only indicative.
 */
import { performance } from 'node:perf_hooks';
import { createInFlight } from '../src/in-flight';
import { sendSlashCommand } from '../test/helpers/slack-requests';
import { ALICE, CAROL, DAVE, SIGNING_SECRET, startTestApp } from '../test/helpers/start-test-app';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${quantile(sorted, 0.5).toFixed(3)} ms, p99 ${quantile(sorted, 0.99).toFixed(3)} ms, max ${sorted.at(-1)?.toFixed(3)} ms`;
};

async function queueCost(triggers: number, owners: number): Promise<number> {
  const inFlight = createInFlight({
    concurrency: 16,
    queueLimit: triggers,
    queuePerUser: triggers,
    onError: (error) => console.error(error),
  });
  const start = performance.now();
  for (let i = 0; i < triggers; i += 1) {
    inFlight.enqueue(async () => {}, { owner: `T1:U${i % owners}` });
  }
  await inFlight.drain(60_000);
  return ((performance.now() - start) * 1000) / triggers;
}

async function startOrderBehindFlood(): Promise<{ taken: number; refused: number; position: number }> {
  const started: string[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const inFlight = createInFlight({ concurrency: 1, queueLimit: 200, queuePerUser: 20, onError: () => {} });
  inFlight.enqueue(() => held, { owner: 'T1:holder' });
  await new Promise((resolve) => setImmediate(resolve));
  let taken = 0;
  for (let i = 0; i < 300; i += 1) {
    if (inFlight.enqueue(async () => void started.push('alice'), { owner: 'T1:UALICE' }).queued) taken += 1;
  }
  inFlight.enqueue(async () => void started.push('carol'), { owner: 'T1:UCAROL' });
  release();
  await inFlight.drain(10_000);
  return { taken, refused: 300 - taken, position: started.indexOf('carol') };
}

async function main() {
  console.log('1. the queue’s cost per trigger (16 at once, no-op work)');
  for (const owners of [1, 1000]) {
    await queueCost(20_000, owners); // warm-up
    console.log(
      `   100,000 triggers from ${owners} caller(s): ${(await queueCost(100_000, owners)).toFixed(2)} µs each`,
    );
  }

  const { taken, refused, position } = await startOrderBehindFlood();
  console.log(
    `2. one slot, 300 triggers from Alice then 1 from Carol: ${taken} of Alice's taken, ${refused} refused; Carol's starts after ${position} of Alice's (before the fair share, one queue of 200 held 200 of Alice's and Carol's was refused as busy)`,
  );

  const t = await startTestApp();
  try {
    const reads: number[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const start = performance.now();
      await t.store.links.get('T0FAKE001', i % 2 === 0 ? DAVE.slackUserId : CAROL.slackUserId);
      reads.push(performance.now() - start);
    }
    console.log(`3. the link read before the queue (SQLite, 5,000 one at a time): ${summary(reads)}`);

    const acks: number[] = [];
    let notLinked = 0;
    const begin = performance.now();
    for (let batch = 0; batch < 30; batch += 1) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, j) => {
          const start = performance.now();
          const res = await sendSlashCommand(t.baseUrl, SIGNING_SECRET, {
            text: `3377 RUN=${batch * 100 + j}`,
            user_id: DAVE.slackUserId,
            response_url: t.slack.responseUrl('dave'),
          });
          acks.push(performance.now() - start);
          if (res.body.includes('not linked')) notLinked += 1;
        }),
      );
    }
    const seconds = (performance.now() - begin) / 1000;
    const alice = await sendSlashCommand(t.baseUrl, SIGNING_SECRET, {
      text: '3377 NOTE=after-the-flood',
      user_id: ALICE.slackUserId,
      response_url: t.slack.responseUrl('alice'),
    });
    await t.settle();
    console.log(
      `4. 3,000 commands from an unlinked user, 100 at a time: ${(3000 / seconds).toFixed(0)} acks/s, ack ${summary(acks)}; ` +
        `${notLinked} answered "not linked" in the ack, ${t.slack.responsesOf('dave').length} answered later; ` +
        `then a linked user's trigger: ack "${alice.body}" (empty = taken), ${t.enos.requestsOf('flows.updateAndTrigger').length} trigger(s) sent to EnOS`,
    );
  } finally {
    await t.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

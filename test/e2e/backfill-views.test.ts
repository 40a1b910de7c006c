/**
 * Where started backfills are seen besides their thread: `/flow-trigger backfills` (the team's
 * active ones), `history` (a backfill run says which business date it ran for) and the Home tab
 * (the caller's own). Records are put straight into the real store, as the engine writes them.
 */
import type { BackfillRecord } from '../../src/core/backfill';
import type { AuditRecord } from '../../src/core/ports';
import { backfillRecord } from '../helpers/backfill-record';
import { DEFAULT_CHANNEL_ID, DEFAULT_TEAM_ID, eventCallbackBody, sendEvent } from '../helpers/slack-requests';
import {
  ALICE,
  CAROL,
  DAVE,
  NOW,
  SIGNING_SECRET,
  startTestApp,
  type TestApp,
} from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

const privately = (id: string) =>
  t.slack.responsesOf(id).map((r) => {
    expect((r.body as Record<string, unknown>).response_type).toBe('ephemeral');
    return textOf({ args: r.body as Record<string, unknown> });
  });

function backfillOf(slackUserId: string, overrides: Partial<BackfillRecord>): BackfillRecord {
  return backfillRecord(['done', 'done', 'running', 'pending'], {
    teamId: DEFAULT_TEAM_ID,
    slackUserId,
    channelId: DEFAULT_CHANNEL_ID,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 60_000,
    nextAt: NOW + 30_000,
    ...overrides,
  });
}

/** Alice's backfill of 3377 (running), Carol's of 4000 (stopped), and an ended one of Alice's. */
async function putBackfills(): Promise<void> {
  await t.store.backfills.put(
    backfillOf(ALICE.slackUserId, { id: 'bf-a', flowName: 'daily load', threadTs: '1764250000.000100' }),
  );
  const carols = backfillOf(CAROL.slackUserId, {
    id: 'bf-c',
    flowId: 4000,
    flowName: 'nightly',
    status: 'stopped',
    threadTs: '1764250000.000300',
    createdAt: NOW - 1_800_000,
  });
  carols.runs[2] = { ...carols.runs[2]!, state: 'failed', status: 'FAIL' };
  await t.store.backfills.put(carols);
  const ended = backfillOf(ALICE.slackUserId, { id: 'bf-old', flowId: 5000, status: 'finished' });
  await t.store.backfills.put({ ...ended, runs: ended.runs.map((run) => ({ ...run, state: 'done' })) });
}

describe('/flow-trigger backfills', () => {
  it('lists the team’s active backfills privately, newest first, with progress and thread', async () => {
    t = await startTestApp();
    await putBackfills();
    const res = await t.command('backfills', { user_id: CAROL.slackUserId });
    expect(res.status).toBe(200);
    expect(privately(res.responseUrlId)).toEqual([
      ':calendar: *2 active backfills*, newest first\n' +
        ':octagonal_sign: *Stopped* at `2026-11-03` · backfill of flow *4000* · nightly · started by <@U0CAROL01>\n' +
        '2/4 done · 0 running · 1 failed · <https://fake-team.slack.com/archives/C0FAKE001/p1764250000000300|thread>\n' +
        ':arrow_forward: *Running* · backfill of flow *3377* · daily load · started by <@U0ALICE01>\n' +
        '2/4 done · 1 running (2026-11-03) · 0 failed · <https://fake-team.slack.com/archives/C0FAKE001/p1764250000000100|thread>\n' +
        'Progress as the backfill last recorded it. Its starter and the flow’s owners can pause, resume or cancel ' +
        'it with the buttons in its thread.',
    ]);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('says no backfill is running when none is', async () => {
    t = await startTestApp();
    const res = await t.command('backfills');
    expect(privately(res.responseUrlId)).toEqual([':calendar: No backfill is running in this workspace.']);
  });

  it('shows nothing to someone not linked', async () => {
    t = await startTestApp();
    await putBackfills();
    const res = await t.command('backfills', { user_id: DAVE.slackUserId });
    const [said] = privately(res.responseUrlId);
    expect(said).toContain(
      'Backfills are shown to people linked to an EnOS user, and you are not linked yet.',
    );
    expect(said).not.toContain('3377');
  });

  it('is in the help, and takes no argument', async () => {
    t = await startTestApp();
    const help = await t.command('help');
    expect(help.body).toContain('`/flow-trigger backfills`: the backfills in progress');
    const wrong = await t.command('backfills 3377');
    expect(wrong.body).toContain('takes nothing after it');
  });
});

describe('history', () => {
  it('shows a backfill run as such: the business date beside the flow', async () => {
    t = await startTestApp();
    const run: AuditRecord = {
      id: 'bf-a-2026-11-03-1',
      teamId: DEFAULT_TEAM_ID,
      slackUserId: ALICE.slackUserId,
      enosUserId: ALICE.userId,
      enosUserName: ALICE.userName,
      orgId: ALICE.orgId,
      flowId: 3377,
      flowName: 'daily load',
      triggerTime: Date.UTC(2026, 10, 4, 2),
      zone: 'UTC',
      parameters: [],
      source: 'command',
      requestedAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW).toISOString(),
      channelId: DEFAULT_CHANNEL_ID,
      threadTs: '1764250000.000100',
      outcome: 'triggered',
      instanceId: '3377-20261104020000',
      run: { status: 1, at: new Date(NOW + 60_000).toISOString() },
      backfill: { id: 'bf-a', businessDate: '2026-11-03' },
    };
    await t.store.audit.put(run);
    await t.store.audit.put({
      ...run,
      id: 'single',
      requestedAt: new Date(NOW - 1000).toISOString(),
      backfill: undefined,
      instanceId: '3377-1',
    });
    const res = await t.command('history');
    const [said] = privately(res.responseUrlId);
    expect(said).toContain(
      ':large_green_circle: *Succeeded* · flow *3377* · daily load · backfill `2026-11-03` by <@U0ALICE01> · ',
    );
    expect(said).toContain(
      'instance `3377-20261104020000` · <https://fake-team.slack.com/archives/C0FAKE001/p1764250000000100|thread>',
    );
    // The single trigger is not called a backfill.
    expect(said).toMatch(/\*Succeeded\* · flow \*3377\* · daily load by <@U0ALICE01>/);
    expect(said?.match(/backfill `/g)).toHaveLength(1);
  });
});

describe('the Home tab', () => {
  async function openHome(user: string) {
    const res = await sendEvent(
      t.baseUrl,
      SIGNING_SECRET,
      eventCallbackBody({ type: 'app_home_opened', user, channel: 'D0HOME001', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await t.settle();
    const view = t.slack.callsOf('views.publish').at(-1)!.args.view as Record<string, unknown>;
    return textOf({ args: view });
  }

  it('shows the caller’s own active backfills with their progress and thread, above their triggers', async () => {
    t = await startTestApp();
    await putBackfills();
    const home = await openHome(ALICE.slackUserId);
    expect(home).toContain(
      '*Your backfills in progress*\n' +
        ':arrow_forward: *Running* · backfill of flow *3377* · daily load\n' +
        '2/4 done · 1 running (2026-11-03) · 0 failed · <https://slack.com/archives/C0FAKE001/p1764250000000100|thread>\n' +
        '*Your last triggers*',
    );
    // Carol's backfill and Alice's ended one are not hers to see here.
    expect(home).not.toContain('flow *4000*');
    expect(home).not.toContain('flow *5000*');
  });

  it('shows no backfill section to someone with none', async () => {
    t = await startTestApp();
    await putBackfills();
    const home = await openHome(DAVE.slackUserId);
    expect(home).not.toContain('backfill');
    expect(home).toContain('*Your last triggers*');
  });
});

/**
 * `/flow-trigger backfill …` end to end: the private preview of the runs (business date → trigger
 * time in the caller's zone and the server's), the checks and the parameters, through the real
 * Bolt app, the fake Slack (which refuses payloads beyond Slack's limits) and the fake EnOS.
 * Nothing is triggered by a preview.
 */
import { CAROL, DAVE, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

async function previewOf(text: string, user?: string): Promise<string[]> {
  const res = await t.command(text, user ? { user_id: user } : {});
  expect(res.status).toBe(200);
  return t.slack.responsesOf(res.responseUrlId).map((r) => {
    const body = r.body as Record<string, unknown>;
    expect(body.response_type).toBe('ephemeral');
    return textOf({ args: body });
  });
}

function nothingTriggered(): void {
  expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(0);
  expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
}

describe('the preview of a backfill', () => {
  it('lists every run at the flow’s own time, in the caller’s zone and the server’s, with the checks and parameters', async () => {
    // Server zone UTC+08:00; the fake flow's cron runs daily at 01:00 server time.
    t = await startTestApp({ enosServerZone: 'GMT+8' });
    const [answer, ...more] = await previewOf('backfill 3377 2026-11-20 to 2026-11-22 REPLACE=ddee keep=1');
    expect(more).toEqual([]);
    expect(answer).toMatchInlineSnapshot(`
":mag: Preview of a backfill of flow *3377* · daily load: 3 runs for business dates 2026-11-20 … 2026-11-22, oldest first, one at a time, stopping at the first failed run. Nothing has been triggered.
Each run is triggered at the flow’s own daily time, 01:00 server time (\`UTC+08:00\`), from its cron. \`\${cal_dt}\` = the trigger’s date in server time minus 1 day: the business date.
\`2026-11-20\` → 2026-11-20 18:00 \`Europe/Berlin\` · 2026-11-21 01:00 server time (\`UTC+08:00\`)
\`2026-11-21\` → 2026-11-21 18:00 \`Europe/Berlin\` · 2026-11-22 01:00 server time (\`UTC+08:00\`)
\`2026-11-22\` → 2026-11-22 18:00 \`Europe/Berlin\` · 2026-11-23 01:00 server time (\`UTC+08:00\`)
*Checks:* :white_check_mark: you are linked to EnOS user \`alice\`, an owner of this flow; neither you nor the flow is locked, and it has tasks. Each run is checked again when it is triggered.
*Parameters, for every run:* \`REPLACE=ddee\` (new), \`keep=1\` (new)
Nothing runs before you click Start (it works for 15 minutes, for you only). Each run is then triggered one after another, at least 61 s apart, each checked again; the progress is kept in one thread."
`);
    // Get Flow was read as Alice; nothing ran and the channel saw nothing.
    expect(t.enos.requestsOf('flows.get').map((r) => r.query.userId)).toEqual(['u15426865866571']);
    nothingTriggered();
  });

  it('reads `at HH:MM` in the named zone, newest first', async () => {
    t = await startTestApp();
    const [answer] = await previewOf('backfill 3377 2026-11-20 to 2026-11-21 at 09:30 UTC newest first');
    expect(answer).toMatchInlineSnapshot(`
":mag: Preview of a backfill of flow *3377* · daily load: 2 runs for business dates 2026-11-20 … 2026-11-21, newest first, one at a time, stopping at the first failed run. Nothing has been triggered.
Each run is triggered at 09:30 \`UTC\`, as asked. \`\${cal_dt}\` = the trigger’s date in server time minus 1 day: the business date.
\`2026-11-21\` → 2026-11-22 09:30 \`UTC\` · 2026-11-22 09:30 server time (\`UTC\`)
\`2026-11-20\` → 2026-11-21 09:30 \`UTC\` · 2026-11-21 09:30 server time (\`UTC\`)
*Checks:* :white_check_mark: you are linked to EnOS user \`alice\`, an owner of this flow; neither you nor the flow is locked, and it has tasks. Each run is checked again when it is triggered.
*Parameters:* none given: every run uses the flow’s own values.
Nothing runs before you click Start (it works for 15 minutes, for you only). Each run is then triggered one after another, at least 61 s apart, each checked again; the progress is kept in one thread."
`);
    nothingTriggered();
  });

  it('shows a refused check: Carol is not an owner', async () => {
    t = await startTestApp();
    const [answer] = await previewOf('backfill 3377 2026-11-20', CAROL.slackUserId);
    expect(answer).toContain('*Checks:* :no_entry:');
    expect(answer).toContain('is not an owner of flow *3377*');
    expect(answer).toContain('`2026-11-20` → 2026-11-20 20:00 `America/New_York`');
    nothingTriggered();
  });

  it('refuses a caller with no link before asking EnOS', async () => {
    t = await startTestApp();
    const [answer] = await previewOf('backfill 3377 2026-11-20', DAVE.slackUserId);
    expect(answer).toContain('not linked');
    expect(t.enos.requestsOf('flows.get')).toHaveLength(0);
    nothingTriggered();
  });

  it('refuses a range that runs backwards, a trigger time not yet past, and too many dates, saying why', async () => {
    t = await startTestApp({ backfill: { maxRuns: 5 } });
    const [backwards] = await previewOf('backfill 3377 2026-11-22 to 2026-11-20');
    expect(backwards).toMatch(/^:x: No backfill\. /);
    expect(backwards).toContain('earlier date first');
    // Now is 2026-11-27 09:00 UTC: the run for the 26th triggers on the 27th at 01:00 (past), the 27th's is not.
    const [future] = await previewOf('backfill 3377 2026-11-26 to 2026-11-27');
    expect(future).toMatch(/^:x: No backfill\. /);
    expect(future).toContain('2026-11-27');
    const [many] = await previewOf('backfill 3377 last 6 days');
    expect(many).toMatch(/^:x: No backfill\. /);
    expect(many).toContain('5');
    nothingTriggered();
  });

  it('refuses a flow EnOS does not know, with the words of a trigger', async () => {
    t = await startTestApp();
    const [answer] = await previewOf('backfill 9999 2026-11-20');
    expect(answer).toContain('Flow *9999* was not found');
    nothingTriggered();
  });

  it('answers a usage error in the ack', async () => {
    t = await startTestApp();
    const res = await t.command('backfill 3377 from 2026-11-20');
    expect(JSON.stringify(res.body)).toContain('Leave out');
    nothingTriggered();
  });

  it('keeps the longest backfill (366 days back) within Slack’s limits, every run listed (the fake Slack refuses more)', async () => {
    t = await startTestApp({ backfill: { maxRuns: 1000 } });
    const [answer] = await previewOf('backfill 3377 last 366 days');
    expect(answer).toContain('366 runs for business dates 2025-11-26 … 2026-11-26');
    expect(answer).toContain('`2025-11-26` → 2025-11-27 02:00 `Europe/Berlin`');
    expect(answer).toContain('`2026-11-26` → 2026-11-27 02:00 `Europe/Berlin`');
    expect(answer!.match(/^`\d{4}-\d{2}-\d{2}` → /gm)).toHaveLength(366);
    const [hundred] = await previewOf('backfill 3377 last 100 days');
    expect(hundred).toContain('100 runs');
    nothingTriggered();
  });
});

/**
 * POLICY_FILE end to end: the file is loaded through the fake Slack's directory (conversations.list,
 * usergroups.list, usergroups.users.list), and every refusal happens before anything is announced
 * or sent to EnOS: no updateAndTrigger, no parent message, a private answer naming the rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { PolicyError } from '../../src/core/policy/policy-problems';
import type { AuditRecord } from '../../src/core/ports';
import { MODAL_ACTION, MODAL_BLOCK, RUN_ACTION } from '../../src/slack/ids';
import { loadPolicyGate } from '../../src/slack/policy-gate';
import { startFakeSlackApi } from '../fakes/fake-slack-api';
import { blocksOf, changeForm, currentForm, submitForm } from '../helpers/modal-requests';
import {
  blockActionsPayload,
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  sendInteraction,
} from '../helpers/slack-requests';
import { ALICE, SIGNING_SECRET, startTestApp, type TestApp } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const ONCALL = { id: 'C0ONCALL1', name: 'data-oncall' };
const LEADS = { id: 'S0LEADS01', handle: 'data-leads', members: [ALICE.slackUserId] };
const OTHERS = { id: 'S0OTHERS1', handle: 'data-others', members: ['U0SOMEONE'] };
const directory = { channels: [ONCALL], userGroups: [LEADS, OTHERS] };

function app(): TestApp {
  if (!t) throw new Error('no test app');
  return t;
}
const parents = () =>
  app()
    .slack.callsOf('chat.postMessage')
    .filter((c) => c.args.thread_ts === undefined);
const privateTo = (id: string) =>
  app()
    .slack.responsesOf(id)
    .map((r) => textOf({ args: r.body as Record<string, unknown> }));
const audits = (): Promise<AuditRecord[]> =>
  app().store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId: ALICE.slackUserId, limit: 20 });

/** Nothing visible in the channel and nothing sent to EnOS. */
function expectNothingTriggered() {
  expect(app().enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
  expect(parents()).toEqual([]);
}

describe('refusals by the command', () => {
  it('a deny rule refuses privately with its name and reason, and audits the refusal', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: no daily loads from Slack
    flows: ["daily *"]
    deny: "Daily loads are run by the scheduler."
`,
    });
    const res = await t.command('3377');
    expectNothingTriggered();
    expect(privateTo(res.responseUrlId)).toEqual([
      ':no_entry: Policy rule "no daily loads from Slack" does not let anyone run flow 3377: Daily loads are run by the scheduler. ' +
        'This rule has no exception. If it should change, ask the people who maintain the policy file. Flow *3377* was not triggered.',
    ]);
    const [record] = await audits();
    expect(record).toMatchObject({
      flowId: 3377,
      flowName: 'daily load',
      outcome: 'refused',
      error: { code: 'POLICY_REFUSED' },
    });
    // The flow's name came from Get Flow, read as Alice.
    expect(t.enos.requestsOf('flows.get').map((r) => r.query.userId)).toEqual([ALICE.userId]);
  });

  it('a channel rule (a #name resolved at load) refuses elsewhere and allows from that channel', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: loads from on-call only
    flows: [3377]
    channels: ["#data-oncall"]
`,
    });
    const refused = await t.command('3377', { channel_id: DEFAULT_CHANNEL_ID });
    expectNothingTriggered();
    expect(privateTo(refused.responseUrlId)).toEqual([
      ':no_entry: Policy rule "loads from on-call only" lets people run flow 3377 only from <#C0ONCALL1>. ' +
        'Run it from <#C0ONCALL1>: in the form, choose one under Post in. Flow *3377* was not triggered.',
    ]);
    // A second try from the right channel is not a duplicate: the refusal released the guard.
    await t.command('3377', { channel_id: ONCALL.id });
    expect(t.enos.requestsOf('flows.updateAndTrigger').map((r) => r.body)).toEqual([
      { flowId: 3377, triggerTime: expect.any(Number), parameters: [] },
    ]);
    expect(parents().map((c) => c.args.channel)).toEqual([ONCALL.id]);
  });

  it('a users rule lets members of a listed @group in, and refuses people outside it', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: leads only
    flows: ["daily load"]
    users: ["@data-leads"]
`,
    });
    await t.command('3377');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(t.slack.callsOf('usergroups.users.list').map((c) => c.args.usergroup)).toContain(LEADS.id);
  });

  it('a users rule refuses a caller outside the group, naming it', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: others only
    flows: ["daily load"]
    users: ["@data-others"]
`,
    });
    const res = await t.command('3377');
    expectNothingTriggered();
    expect(privateTo(res.responseUrlId)).toEqual([
      ':no_entry: Policy rule "others only" lets only <!subteam^S0OTHERS1> run flow 3377, and you are not among them. ' +
        'Ask one of them to run it, or ask the people who maintain the policy file to add you to the rule. Flow *3377* was not triggered.',
    ]);
  });

  it('a rule that requires approval posts the request for its approvers instead of triggering (approval.test.ts)', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: second person
    flows: [3377]
    require_approval: { approvers: ["@data-others"] }
`,
    });
    const res = await t.command('3377');
    expect(app().enos.requestsOf('flows.updateAndTrigger')).toEqual([]);
    expect(privateTo(res.responseUrlId)).toEqual([]);
    const [request] = parents();
    expect(textOf(request)).toContain(
      'Policy rule "second person" needs 1 approval from <!subteam^S0OTHERS1>',
    );
  });

  it('a rule name that tries to ping stays inert', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: "<!channel> *bold*"
    flows: [3377]
    deny: "ask <!here>"
`,
    });
    const res = await t.command('3377');
    expectNothingTriggered();
    const [said] = privateTo(res.responseUrlId);
    expect(said).not.toContain('<!channel>');
    expect(said).not.toContain('<!here>');
  });

  it('no rule matching the flow: triggered as without a policy', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: billing
    flows: ["billing_*"]
    deny: "no"
`,
    });
    await t.command('3377');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(parents()).toHaveLength(1);
  });
});

describe('loading', () => {
  it('a file naming an unknown channel and group does not load, listing both problems', async () => {
    const slack = await startFakeSlackApi(directory);
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'policy.yml');
    writeFileSync(
      file,
      `rules:
  - name: bad
    flows: [3377]
    channels: ["#nowhere"]
    users: ["@nobody"]
`,
    );
    try {
      const error: unknown = await loadPolicyGate({
        file,
        client: new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        clock: Date.now,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PolicyError);
      const problems = (error as PolicyError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toContain('nowhere');
      expect(problems[1]).toContain('nobody');
    } finally {
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('/flow-trigger policy', () => {
  const POLICY = `rules:
  - name: "on-call *loads*"
    flows: [3377, "prod_*"]
    channels: ["#data-oncall"]
    users: ["@data-leads"]
    require_approval: { approvers: ["@data-others"], timeout: 2h }
    backfill: { max_runs: 31 }
  - name: billing
    flows: ["billing_*"]
    deny: "Finance runs these."
`;

  it('for one flow: the rule that decides, and what it allows, requires and forbids, privately', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const res = await t.command('policy 3377');
    const said = privateTo(res.responseUrlId);
    expect(said).toEqual([
      ':scroll: Policy rule 1, "on-call ∗loads∗", decides for flow 3377.\n' +
        'Only <!subteam^S0LEADS01> may run it, and you are among them.\n' +
        'Only from <#C0ONCALL1> (not from the console).\n' +
        'Each request needs 1 approval from <!subteam^S0OTHERS1>, not from the requester, within 2 hours.\n' +
        'A backfill may have at most 31 runs.',
    ]);
    expect(t.slack.responsesOf(res.responseUrlId)[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expectNothingTriggered();
  });

  it('without a flow: every rule in order', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const res = await t.command('policy');
    const [said] = privateTo(res.responseUrlId);
    expect(said).toContain('1. "on-call ∗loads∗", for flows 3377, "prodˍ∗":');
    expect(said).toContain('2. "billing", for flows "billingˍ∗":');
    expect(said).toContain('Nobody may run these flows: Finance runs these.');
  });

  it('without a policy file: says that only EnOS’s checks apply', async () => {
    t = await startTestApp();
    const res = await t.command('policy 3377');
    expect(privateTo(res.responseUrlId)).toEqual([
      ':scroll: There is no policy: flow-trigger applies only EnOS’s own checks: you may run the flows you own in EnOS.',
    ]);
    expect(t.enos.requestsOf('flows.get')).toEqual([]);
  });

  it('a flow the caller cannot read: says so, without naming a rule', async () => {
    t = await startTestApp({ directory, policy: POLICY });
    const res = await t.command('policy 9999');
    const [said] = privateTo(res.responseUrlId);
    expect(said).toContain('I cannot say which policy rule applies to it.');
  });
});

describe('the form', () => {
  const CHANNEL_ONLY = `rules:
  - name: loads from on-call only
    flows: [3377]
    channels: ["#data-oncall"]
`;

  it('warns as soon as the flow is chosen, and refuses inline on Submit, before anything is sent', async () => {
    t = await startTestApp({ directory, policy: CHANNEL_ONLY });
    await t.command('');
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
    const updates = t.slack.callsOf('views.update');
    const view = updates[updates.length - 1]!.args.view as { blocks: Array<Record<string, unknown>> };
    expect(view.blocks.find((b) => b.block_id === MODAL_BLOCK.flowNotice)).toEqual({
      type: 'section',
      block_id: MODAL_BLOCK.flowNotice,
      text: {
        type: 'mrkdwn',
        text:
          ':warning: Policy rule "loads from on-call only" lets people run flow 3377 only from <#C0ONCALL1>. ' +
          'Run it from <#C0ONCALL1>: in the form, choose one under Post in.',
      },
    });

    const res = await submitForm(t, { conversation: DEFAULT_CHANNEL_ID });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      response_action: 'errors',
      errors: {
        [MODAL_BLOCK.flow]:
          'Policy rule "loads from on-call only" lets people run flow 3377 only from #data-oncall. ' +
          'Run it from #data-oncall: in the form, choose one under Post in.',
      },
    });
    expectNothingTriggered();
    expect(await t.store.jobs.listDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);

    // Posted in the allowed conversation: triggered.
    await submitForm(t, { conversation: ONCALL.id });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(parents().map((c) => c.args.channel)).toEqual([ONCALL.id]);
  });
});

describe('the run buttons', () => {
  /** Clicks a run button on the last thread reply, as Alice; the private answer goes to the returned id. */
  async function click(actionId: string): Promise<string> {
    const reply = app()
      .slack.callsOf('chat.postMessage')
      .filter((c) => c.args.thread_ts !== undefined)
      .at(-1)!;
    const value = (
      reply.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === actionId)?.value;
    const responseUrlId = `click-${actionId}`;
    const res = await sendInteraction(
      app().baseUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        user_id: ALICE.slackUserId,
        actions: [{ action_id: actionId, value: String(value), block_id: 'run_actions' }],
        channel_id: DEFAULT_CHANNEL_ID,
        thread_ts: String(reply.args.thread_ts),
        response_url: app().slack.responseUrl(responseUrlId),
      }),
    );
    expect(res.status).toBe(200);
    await app().settle();
    return responseUrlId;
  }
  const DENY = `rules:
  - name: frozen
    flows: [3377]
    deny: "Loads are frozen during the migration."
`;

  it('Run again after the policy changed: refused privately, nothing announced or sent', async () => {
    t = await startTestApp({ directory, policy: 'rules: []\n' });
    // At a time, not now: Run again runs now, so it is not a duplicate of the first.
    await t.command('3377 at 14:00');
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    await t.setPolicy(DENY);
    t.clock.advance(5 * 60_000);
    const answer = await click(RUN_ACTION.again);
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(parents()).toHaveLength(1);
    expect(privateTo(answer)).toEqual([
      ':no_entry: Policy rule "frozen" does not let anyone run flow 3377: Loads are frozen during the migration. ' +
        'This rule has no exception. If it should change, ask the people who maintain the policy file. Flow *3377* was not triggered.',
    ]);
  });

  it('Edit and run opens the form with the policy warning, and Submit refuses inline', async () => {
    t = await startTestApp({ directory, policy: 'rules: []\n' });
    await t.command('3377');
    await t.setPolicy(DENY);
    await click(RUN_ACTION.edit);
    const form = currentForm(t);
    const notice = blocksOf(form).find((b) => b.block_id === MODAL_BLOCK.flowNotice) as unknown as {
      text: { text: string };
    };
    expect(notice.text.text).toContain(':warning: Policy rule "frozen" does not let anyone run flow 3377');
    t.clock.advance(5 * 60_000);
    const res = await submitForm(t, { conversation: DEFAULT_CHANNEL_ID });
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'errors' });
    expect(t.enos.requestsOf('flows.updateAndTrigger')).toHaveLength(1);
    expect(parents()).toHaveLength(1);
  });
});

describe('within Slack’s limits', () => {
  it('`policy` with 300 long rules fits one message (the fake Slack refuses anything beyond the limits)', async () => {
    const rules = Array.from(
      { length: 300 },
      (_, i) =>
        `  - name: "rule ${i} ${'x'.repeat(80)}"\n    flows: ["flow_${i}_*"]\n    deny: "${'no '.repeat(150)}"\n`,
    ).join('');
    t = await startTestApp({ directory, policy: `rules:\n${rules}` });
    const res = await t.command('policy');
    const [answer] = t.slack.responsesOf(res.responseUrlId);
    const body = answer!.body as { blocks: Array<{ text: { text: string } }> };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(body.blocks.every((b) => b.text.text.length <= 3000)).toBe(true);
    expect(body.blocks.at(-1)!.text.text).toMatch(/… and \d+ more$/);
  });
});

describe('preview and backfill ask the policy too', () => {
  const denyDaily = `rules:
  - name: no daily loads from Slack
    flows: ["daily *"]
    deny: "Daily loads are run by the scheduler."
`;

  it('a preview refused by a rule names it, and shows no Trigger button', async () => {
    t = await startTestApp({ directory, policy: denyDaily });
    const res = await t.command('preview 3377 now REPLACE=x');
    expectNothingTriggered();
    const [answer] = t.slack.responsesOf(res.responseUrlId);
    expect(textOf({ args: answer?.body as Record<string, unknown> })).toBe(
      ':no_entry: Policy rule "no daily loads from Slack" does not let anyone run flow 3377: Daily loads are run by the scheduler. ' +
        'This rule has no exception. If it should change, ask the people who maintain the policy file. Flow *3377* was not triggered.',
    );
    expect(JSON.stringify(answer?.body)).not.toContain('"type":"button"');
  });

  it('a backfill refused by a rule names it before any run is listed', async () => {
    t = await startTestApp({ directory, policy: denyDaily });
    const res = await t.command('backfill 3377 2026-01-01 to 2026-01-03');
    expectNothingTriggered();
    const texts = privateTo(res.responseUrlId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Policy rule "no daily loads from Slack"');
    expect(texts[0]).not.toContain('2026-01-02');
  });

  it('a backfill longer than the rule’s backfill.max_runs is refused, one within it is previewed', async () => {
    t = await startTestApp({
      directory,
      policy: `rules:
  - name: short backfills
    flows: [3377]
    backfill: { max_runs: 2 }
`,
    });
    const long = await t.command('backfill 3377 2026-01-01 to 2026-01-03');
    expect(privateTo(long.responseUrlId)[0]).toContain('short backfills');
    const short = await t.command('backfill 3377 2026-01-01 to 2026-01-02');
    expect(privateTo(short.responseUrlId)[0]).toContain('2026-01-02');
    expectNothingTriggered();
  });
});

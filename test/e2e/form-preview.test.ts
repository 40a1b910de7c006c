// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` is an EnOS system variable that must pass through verbatim
/**
 * The form's Preview and Backfill choices end to end (docs/product.md, "Preview (dry run)" and
 * "Backfill"): the real app, the fake Slack and EnOS, a real SQLite store. The answer replaces the
 * form, with Back; the preview's Trigger sends exactly the previewed request from inside the modal.
 */
import type { AuditRecord } from '../../src/core/ports';
import {
  FORM_BACK_ACTION,
  MODAL_ACTION,
  MODAL_BLOCK,
  PREVIEW_TRIGGER_ACTION,
  TRIGGER_MODAL_CALLBACK,
  TRIGGER_MODAL_RESULT_CALLBACK,
} from '../../src/slack/ids';
import type { StoredView } from '../fakes/fake-slack-api';
import {
  applyViewUpdate,
  blocksOf,
  changeForm,
  clickInView,
  currentForm,
  submitForm,
} from '../helpers/modal-requests';
import { DEFAULT_TEAM_ID } from '../helpers/slack-requests';
import { ALICE, startTestApp, type TestApp, type TestAppOptions } from '../helpers/start-test-app';
import { textOf } from '../helpers/text-of';
import { waitFor } from '../helpers/wait-for';

let t: TestApp;
afterEach(async () => {
  await t?.stop();
});

/** Where the form says to post: not where it was opened. */
const OPS = 'C0OPS0001';

async function startWithFlow(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp(options);
  app.enos.flow(3377)!.parameters = [
    { key: 'REPLACE', value: 'aabb' },
    { key: 'DAY', value: '${cal_dt}' },
    { key: 'MODE', value: 'full' },
  ];
  return app;
}

/** Opens the form as Alice and chooses flow 3377. */
async function openWithFlow(): Promise<void> {
  const res = await t.command('');
  expect(res.status).toBe(200);
  await changeForm(t, MODAL_ACTION.flow, { flow: { id: 3377 } });
}

const triggers = () => t.enos.requestsOf('flows.updateAndTrigger');
const viewText = (view: StoredView) => textOf({ args: view.view });
const buttonsOf = (view: StoredView) =>
  blocksOf(view)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b as unknown as { elements: Array<{ action_id: string; value: string }> }).elements);
const audits = (): Promise<AuditRecord[]> =>
  t.store.audit.listRecent(DEFAULT_TEAM_ID, { slackUserId: ALICE.slackUserId, limit: 20 });

/** 14:00 on 2026-11-28 in Berlin (UTC+1 in November); the test clock is 2026-11-27 09:00 UTC. */
const BERLIN_TOMORROW_14 = Date.UTC(2026, 10, 28, 13, 0);

describe('Preview in the form', () => {
  it('shows the preview in place of the form, sends nothing; its Trigger sends exactly that request, in the Post-in conversation', async () => {
    t = await startWithFlow();
    await openWithFlow();
    // Choosing Preview relabels the submit button.
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    await changeForm(t, MODAL_ACTION.mode, { mode: 'preview' });
    expect((currentForm(t).view.submit as { text: string }).text).toBe('Preview');
    const getsBefore = t.enos.requestsOf('flows.get').length;

    const res = await submitForm(t, {
      when: 'at',
      date: '2026-11-28',
      time: '14:00',
      parameters: { REPLACE: 'ddee' },
      extra: 'NEW="a b"',
      conversation: OPS,
    });
    expect(res.status).toBe(200);
    const shown = applyViewUpdate(t, res);
    expect(shown.view.callback_id).toBe(TRIGGER_MODAL_RESULT_CALLBACK);
    expect(shown.view.submit).toBeUndefined();
    // Exactly what `/flow-trigger preview` shows for the same request.
    expect(viewText(shown)).toBe(
      [
        ':mag: *Preview* of flow *3377* · daily load. Nothing was sent to EnOS.',
        `*Trigger time:* \`2026-11-28 14:00 Europe/Berlin\` · \`2026-11-28 13:00 UTC\` · epoch ms \`${BERLIN_TOMORROW_14}\``,
        "*${cal_dt}:* `2026-11-27` (the trigger date in the server's zone `UTC`, minus the offset)",
        '*Parameters given:*',
        '• `REPLACE` = `ddee` replaces `aabb`',
        '• `NEW` = `a b` (new: the flow has no such parameter)',
        '*Left as the flow has them:*',
        '• `DAY` = `${cal_dt}`\n• `MODE` = `full`',
        'EnOS user `alice` · The Trigger button sends exactly this request for 15 minutes; it runs every check again.',
      ].join('\n'),
    );
    expect(buttonsOf(shown).map((b) => b.action_id)).toEqual([PREVIEW_TRIGGER_ACTION, FORM_BACK_ACTION]);
    // The checks ran as Alice (Get Flow once more), and nothing reached EnOS's trigger or the channel.
    expect(
      t.enos
        .requestsOf('flows.get')
        .slice(getsBefore)
        .map((r) => r.query),
    ).toEqual([{ action: 'get', flowId: '3377', userId: ALICE.userId, orgId: ALICE.orgId }]);
    expect(triggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
    expect(await audits()).toEqual([]);
    // Kept for the button, with the form's Post-in conversation.
    const id = buttonsOf(shown).find((b) => b.action_id === PREVIEW_TRIGGER_ACTION)!.value;
    expect(await t.store.previews.get(DEFAULT_TEAM_ID, id)).toMatchObject({
      channelId: OPS,
      flowId: 3377,
      pinnedEpochMs: BERLIN_TOMORROW_14,
      parameters: [
        { key: 'REPLACE', value: 'ddee' },
        { key: 'NEW', value: 'a b' },
      ],
    });

    // Trigger, clicked inside the modal: no conversation, no response_url in that payload.
    t.clock.advance(5 * 60_000);
    const click = await clickInView(t, PREVIEW_TRIGGER_ACTION, id);
    expect(click.status).toBe(200);
    await waitFor(() => t.slack.callsOf('chat.postMessage').length >= 2);
    expect(triggers().map((r) => ({ query: r.query, body: r.body }))).toEqual([
      {
        query: { action: 'updateAndTrigger', userId: ALICE.userId, orgId: ALICE.orgId },
        body: {
          flowId: 3377,
          triggerTime: BERLIN_TOMORROW_14,
          parameters: [
            { key: 'REPLACE', value: 'ddee' },
            { key: 'NEW', value: 'a b' },
          ],
        },
      },
    ]);
    const posts = t.slack.callsOf('chat.postMessage');
    expect(posts.map((p) => p.args.channel)).toEqual([OPS, OPS]);
    expect(textOf(posts[1])).toContain(t.enos.triggers[0]!.instanceId!);
    const [record] = await audits();
    expect(record).toMatchObject({
      outcome: 'triggered',
      source: 'modal',
      flowId: 3377,
      triggerTime: BERLIN_TOMORROW_14,
      channelId: OPS,
    });
    // The modal says where the result is.
    expect(viewText(currentForm(t))).toBe(
      `:white_check_mark: Sent: the request and its result are posted in <#${OPS}>, in a thread. You can close this form.`,
    );
  });

  it('Back on a result whose metadata cannot be read says so in the form, instead of doing nothing', async () => {
    t = await startWithFlow();
    await openWithFlow();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    const shown = applyViewUpdate(
      t,
      await submitForm(t, {
        mode: 'preview',
        date: '2026-11-28',
        time: '14:00',
        backdate: true,
        conversation: OPS,
      }),
    );
    expect(shown.view.callback_id).toBe(TRIGGER_MODAL_RESULT_CALLBACK);
    const forged = { ...shown, view: { ...shown.view, private_metadata: 'not json' } };
    await clickInView(t, FORM_BACK_ACTION, 'back', { view: forged });
    expect(viewText(currentForm(t))).toBe(
      ':warning: This form can no longer be restored. Close it and run `/flow-trigger` again to start a new one.',
    );
    expect(triggers()).toEqual([]);
  });

  it('Back shows the form again with everything the user had entered', async () => {
    t = await startWithFlow();
    await openWithFlow();
    await changeForm(t, MODAL_ACTION.when, { when: 'at' });
    const fill = {
      mode: 'preview' as const,
      date: '2026-11-28',
      time: '14:00',
      backdate: true,
      parameters: { REPLACE: 'ddee', MODE: '' },
      extra: 'NEW=1\nOTHER=x',
      conversation: OPS,
    };
    const shown = applyViewUpdate(t, await submitForm(t, fill));
    expect(shown.view.callback_id).toBe(TRIGGER_MODAL_RESULT_CALLBACK);

    await clickInView(t, FORM_BACK_ACTION, 'back');
    const form = currentForm(t);
    expect(form.view.callback_id).toBe(TRIGGER_MODAL_CALLBACK);
    expect((form.view.submit as { text: string }).text).toBe('Preview');
    const element = (blockId: string) => blocksOf(form).find((b) => b.block_id === blockId)?.element;
    const param = (key: string) => blocksOf(form).find((b) => b.label?.text === key)?.element;
    expect(element(MODAL_BLOCK.flow)?.initial_option).toMatchObject({ value: '3377' });
    expect(element(MODAL_BLOCK.when)?.initial_option).toMatchObject({ value: 'at' });
    expect(element(MODAL_BLOCK.date)?.initial_date).toBe('2026-11-28');
    expect(element(MODAL_BLOCK.time)?.initial_time).toBe('14:00');
    expect(element(MODAL_BLOCK.backdate)?.initial_options).toHaveLength(1);
    expect(param('REPLACE')?.initial_value).toBe('ddee');
    expect(param('DAY')?.initial_value).toBe('${cal_dt}');
    // Emptied by the user: empty again.
    expect(param('MODE')?.initial_value).toBeUndefined();
    expect(element(MODAL_BLOCK.extra)?.initial_value).toBe('NEW=1\nOTHER=x');
    expect(element(MODAL_BLOCK.postIn)?.initial_conversation).toBe(OPS);
    expect(element(MODAL_BLOCK.mode)?.initial_option).toMatchObject({ value: 'preview' });

    // Submitting the restored form as it is previews the same request again.
    const again = applyViewUpdate(t, await submitForm(t, {}));
    expect(viewText(again)).toBe(viewText(shown));
    expect(triggers()).toEqual([]);
  });

  it('Back says so when the typed parameters were too long to keep, and restores the rest', async () => {
    t = await startWithFlow();
    await openWithFlow();
    const long = 'v'.repeat(1500);
    const shown = applyViewUpdate(
      t,
      await submitForm(t, {
        mode: 'preview',
        parameters: { REPLACE: long },
        extra: `K=${'x'.repeat(1500)}`,
        conversation: OPS,
      }),
    );
    expect(String(shown.view.private_metadata).length).toBeLessThanOrEqual(3000);
    await clickInView(t, FORM_BACK_ACTION, 'back');
    const form = currentForm(t);
    expect(viewText(form)).toContain(
      ':warning: The parameters you had typed were too long to keep while the preview was shown: enter them again.',
    );
    const param = blocksOf(form).find((b) => b.label?.text === 'REPLACE')?.element;
    expect(param?.initial_value).toBe('aabb');
    const postIn = blocksOf(form).find((b) => b.block_id === MODAL_BLOCK.postIn)?.element;
    expect(postIn?.initial_conversation).toBe(OPS);
  });

  it('a policy refusal is the answer in place of the form, with Back and no Trigger', async () => {
    t = await startWithFlow({
      policy: `rules:
  - name: no daily loads from Slack
    flows: ["daily *"]
    deny: "Daily loads are run by the scheduler."
`,
    });
    await openWithFlow();
    const res = await submitForm(t, { mode: 'preview', conversation: OPS });
    const shown = applyViewUpdate(t, res);
    expect(viewText(shown)).toContain('Policy rule "no daily loads from Slack"');
    expect(viewText(shown)).toContain('Daily loads are run by the scheduler.');
    expect(buttonsOf(shown).map((b) => b.action_id)).toEqual([FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('a refused check (not an owner) is shown as the preview says it, with Back and no Trigger', async () => {
    t = await startWithFlow();
    t.enos.addFlow({ flowId: 5150, flowName: 'daily export', owner: 'bob', visitor: 'alice' });
    const res0 = await t.command('');
    expect(res0.status).toBe(200);
    await changeForm(t, MODAL_ACTION.flow, { flow: { id: 5150 } });
    const shown = applyViewUpdate(t, await submitForm(t, { mode: 'preview', conversation: OPS }));
    expect(viewText(shown)).toContain(':no_entry: It would not be triggered.');
    expect(viewText(shown)).toContain('`bob`');
    expect(buttonsOf(shown).map((b) => b.action_id)).toEqual([FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
  });

  it('an expired preview’s Trigger, clicked in the modal, says so there, with Back, and triggers nothing', async () => {
    t = await startWithFlow();
    await openWithFlow();
    const shown = applyViewUpdate(t, await submitForm(t, { mode: 'preview', conversation: OPS }));
    const id = buttonsOf(shown).find((b) => b.action_id === PREVIEW_TRIGGER_ACTION)!.value;
    t.clock.advance(16 * 60_000);
    await clickInView(t, PREVIEW_TRIGGER_ACTION, id);
    expect(viewText(currentForm(t))).toMatch(/^:hourglass: This preview has expired/);
    expect(buttonsOf(currentForm(t)).map((b) => b.action_id)).toEqual([FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
    expect(await audits()).toEqual([]);
    // Back still has what was entered.
    await clickInView(t, FORM_BACK_ACTION, 'back');
    const postIn = blocksOf(currentForm(t)).find((b) => b.block_id === MODAL_BLOCK.postIn)?.element;
    expect(postIn?.initial_conversation).toBe(OPS);
  });

  it('checks slower than Slack waits: “Checking…” in the ack, then the preview', async () => {
    t = await startWithFlow({ enosRequestTimeoutMs: 10_000 });
    await openWithFlow();
    t.enos.failNext('flows.get', { kind: 'delay', ms: 3500 });
    const res = await submitForm(t, { mode: 'preview', conversation: OPS });
    const checking = applyViewUpdate(t, res);
    expect(viewText(checking)).toBe(
      ':hourglass_flowing_sand: Checking… The answer appears here in a moment.',
    );
    // The answer follows with views.update on the same view (the helper waited for the app's work,
    // so the update came before the ack's view was applied here).
    const update = t.slack.callsOf('views.update').at(-1)!;
    expect(update.args.view_id).toBe(checking.id);
    const answer = { id: checking.id, hash: '', view: update.args.view as Record<string, unknown> };
    expect(viewText(answer)).toMatch(/^:mag: \*Preview\* of flow \*3377\*/);
    expect(buttonsOf(answer).map((b) => b.action_id)).toEqual([PREVIEW_TRIGGER_ACTION, FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
  }, 20_000);
});

/**
 * Blocks with each button's value replaced by `<id>`: a button that carries a stored record's id
 * (a preview's, a plan's) differs between two answers by that id only.
 */
function withoutIds(blocks: unknown[]): unknown[] {
  return JSON.parse(
    JSON.stringify(blocks, (key, value) =>
      key === 'elements' && Array.isArray(value)
        ? value.map((e) => (e?.type === 'button' && 'value' in e ? { ...e, value: '<id>' } : e))
        : value,
    ),
  ) as unknown[];
}

/** What `/flow-trigger <text>` answers privately: its blocks (button values as `<id>`). */
async function commandBlocks(text: string): Promise<unknown[]> {
  const res = await t.command(text);
  const [answer] = t.slack.responsesOf(res.responseUrlId);
  return withoutIds(((answer!.body as Record<string, unknown>).blocks ?? []) as unknown[]);
}

/** Opens the form with flow 3377 and chooses "Backfill a date range". */
async function openBackfill(): Promise<void> {
  await openWithFlow();
  await changeForm(t, MODAL_ACTION.when, { when: 'backfill' });
}

describe('Backfill a date range in the form', () => {
  it('shows the range’s fields, and the backfill’s preview exactly as the command gives it, with Back', async () => {
    t = await startWithFlow({ enosServerZone: 'GMT+8' });
    await openBackfill();
    const form = currentForm(t);
    const ids = blocksOf(form).map((b) => b.block_id);
    expect(ids).toEqual(
      expect.arrayContaining([
        MODAL_BLOCK.backfillFrom,
        MODAL_BLOCK.backfillTo,
        MODAL_BLOCK.backfillAt,
        MODAL_BLOCK.backfillOrder,
        MODAL_BLOCK.backfillOnFailure,
      ]),
    );
    // A backfill is always previewed first: no Trigger/Preview choice, and the button says so.
    expect(ids).not.toContain(MODAL_BLOCK.mode);
    expect(ids).not.toContain(MODAL_BLOCK.date);
    expect((form.view.submit as { text: string }).text).toBe('Preview');

    const res = await submitForm(t, {
      backfill: { from: '2026-11-20', to: '2026-11-22' },
      parameters: { REPLACE: 'ddee' },
      conversation: OPS,
    });
    const shown = applyViewUpdate(t, res);
    expect(shown.view.callback_id).toBe(TRIGGER_MODAL_RESULT_CALLBACK);
    const blocks = blocksOf(shown) as unknown[];
    // The command's answer, block for block, then Back.
    expect(withoutIds(blocks.slice(0, -1))).toEqual(
      await commandBlocks('backfill 3377 2026-11-20 to 2026-11-22 REPLACE=ddee'),
    );
    expect(blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: FORM_BACK_ACTION,
          text: { type: 'plain_text', text: 'Back' },
          value: 'back',
        },
      ],
    });
    // Dates → trigger times: the flow's 01:00 server time on the day after each business date.
    expect(viewText(shown)).toContain(
      '`2026-11-20` → 2026-11-20 18:00 `Europe/Berlin` · 2026-11-21 01:00 server time (`UTC+08:00`)',
    );
    expect(viewText(shown)).toContain(
      '`2026-11-22` → 2026-11-22 18:00 `Europe/Berlin` · 2026-11-23 01:00 server time (`UTC+08:00`)',
    );
    expect(viewText(shown)).toContain('*Parameters, for every run:* `REPLACE=ddee` (instead of `aabb`)');
    expect(triggers()).toEqual([]);
    expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('reads the time of day in the form’s zone, newest first, keep going; Back restores the range', async () => {
    t = await startWithFlow();
    await openBackfill();
    const fill = {
      backfill: {
        from: '2026-11-20',
        to: '2026-11-21',
        at: '09:30',
        order: 'newest-first' as const,
        onFailure: 'keep-going' as const,
      },
      conversation: OPS,
    };
    const shown = applyViewUpdate(t, await submitForm(t, fill));
    expect(withoutIds(blocksOf(shown).slice(0, -1))).toEqual(
      await commandBlocks(
        'backfill 3377 2026-11-20 to 2026-11-21 at 09:30 Europe/Berlin newest first keep going',
      ),
    );
    expect(viewText(shown)).toContain('2 runs for business dates 2026-11-20 … 2026-11-21, newest first');
    expect(viewText(shown)).toContain('going on after a failed run');

    await clickInView(t, FORM_BACK_ACTION, 'back');
    const form = currentForm(t);
    const element = (blockId: string) => blocksOf(form).find((b) => b.block_id === blockId)?.element;
    expect(element(MODAL_BLOCK.when)?.initial_option).toMatchObject({ value: 'backfill' });
    expect(element(MODAL_BLOCK.backfillFrom)?.initial_date).toBe('2026-11-20');
    expect(element(MODAL_BLOCK.backfillTo)?.initial_date).toBe('2026-11-21');
    expect(element(MODAL_BLOCK.backfillAt)?.initial_time).toBe('09:30');
    expect(element(MODAL_BLOCK.backfillOrder)?.initial_option).toMatchObject({ value: 'newest-first' });
    expect(element(MODAL_BLOCK.backfillOnFailure)?.initial_option).toMatchObject({ value: 'keep-going' });
    expect(element(MODAL_BLOCK.postIn)?.initial_conversation).toBe(OPS);
    // As it was: submitting it again gives the same preview.
    const again = applyViewUpdate(t, await submitForm(t, {}));
    expect(viewText(again)).toBe(viewText(shown));
  });

  describe('a refusal of the plan about a field is that field’s inline error', () => {
    const cases: Array<
      [string, TestAppOptions, { from?: string; to?: string; at?: string }, Record<string, string>]
    > = [
      [
        'from after to',
        {},
        { from: '2026-11-22', to: '2026-11-20' },
        {
          [MODAL_BLOCK.backfillFrom]:
            'The range runs backwards: 2026-11-22 is after 2026-11-20. Put the earlier date first: “2026-11-20 to 2026-11-22”.',
        },
      ],
      [
        'too many dates',
        { backfill: { maxRuns: 3 } },
        { from: '2026-11-20', to: '2026-11-25' },
        {
          [MODAL_BLOCK.backfillTo]:
            'That is 6 business dates, and a backfill runs at most 3 (BACKFILL_MAX_RUNS). Split it: “2026-11-20 to 2026-11-22” first, then the rest.',
        },
      ],
      [
        'a date too far back',
        {},
        { from: '2025-11-01', to: '2025-11-02' },
        {
          [MODAL_BLOCK.backfillFrom]:
            '2025-11-01 is more than 366 days back: a backfill reaches back to 2025-11-26 at most (today is 2026-11-27 in Europe/Berlin). Start the range on that date or later.',
        },
      ],
      [
        'a date not yet past',
        {},
        { from: '2026-11-25', to: '2026-11-27' },
        {
          [MODAL_BLOCK.backfillTo]:
            'The run for business date 2026-11-27 would be triggered at 2026-11-28 01:00 server time (UTC), 2026-11-28 02:00 in Europe/Berlin, which has not passed yet: a backfill only re-runs dates whose time has come. End the range at 2026-11-26, or wait until then.',
        },
      ],
      [
        'a time of day on another server date',
        { enosServerZone: 'Asia/Shanghai' },
        { from: '2026-11-20', to: '2026-11-21', at: '20:00' },
        {
          [MODAL_BLOCK.backfillAt]:
            "At 20:00 in Europe/Berlin, the run for business date 2026-11-20 would be triggered at 2026-11-22 03:00 server time (Asia/Shanghai): on 2026-11-22, not 2026-11-21, so “${cal_dt}” would be 2026-11-21 instead of 2026-11-20. Pick “at 16:59” or earlier, or leave “at” out to use the flow's own time.",
        },
      ],
    ];
    it.each(cases)('%s', async (_name, options, range, errors) => {
      t = await startWithFlow(options);
      await openBackfill();
      const res = await submitForm(t, { backfill: range, conversation: OPS });
      expect(res.json).toEqual({ response_action: 'errors', errors });
      // The form stays as it is; nothing ran.
      expect(currentForm(t).view.callback_id).toBe(TRIGGER_MODAL_CALLBACK);
      expect(triggers()).toEqual([]);
      expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
    });
  });

  it('slower than Slack waits: “Checking…”, then a refusal of the plan as the answer (the form is gone), with Back', async () => {
    t = await startWithFlow({ enosRequestTimeoutMs: 10_000 });
    await openBackfill();
    t.enos.failNext('flows.get', { kind: 'delay', ms: 3500 });
    const res = await submitForm(t, {
      backfill: { from: '2026-11-22', to: '2026-11-20' },
      conversation: OPS,
    });
    const checking = applyViewUpdate(t, res);
    expect(viewText(checking)).toBe(
      ':hourglass_flowing_sand: Checking… The answer appears here in a moment.',
    );
    const update = t.slack.callsOf('views.update').at(-1)!;
    expect(update.args.view_id).toBe(checking.id);
    const answer = { id: checking.id, hash: '', view: update.args.view as Record<string, unknown> };
    expect(viewText(answer)).toBe(
      ':x: No backfill. The range runs backwards: 2026-11-22 is after 2026-11-20. Put the earlier date first: `2026-11-20 to 2026-11-22`.',
    );
    expect(buttonsOf(answer).map((b) => b.action_id)).toEqual([FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
  }, 20_000);

  it('a missing date is an inline error, before EnOS is asked', async () => {
    t = await startWithFlow();
    await openBackfill();
    const gets = t.enos.requestsOf('flows.get').length;
    const res = await submitForm(t, { backfill: { from: null, to: '2026-11-20' }, conversation: OPS });
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { [MODAL_BLOCK.backfillFrom]: 'Pick the first business date.' },
    });
    expect(t.enos.requestsOf('flows.get')).toHaveLength(gets);
  });

  it('a policy refusal (the rule’s backfill.max_runs) is the answer in place of the form, with Back', async () => {
    t = await startWithFlow({
      policy: `rules:
  - name: short backfills
    flows: [3377]
    backfill: { max_runs: 2 }
`,
    });
    await openBackfill();
    const shown = applyViewUpdate(
      t,
      await submitForm(t, { backfill: { from: '2026-11-20', to: '2026-11-22' }, conversation: OPS }),
    );
    expect(withoutIds(blocksOf(shown).slice(0, -1))).toEqual(
      await commandBlocks('backfill 3377 2026-11-20 to 2026-11-22'),
    );
    expect(viewText(shown)).toContain('short backfills');
    expect(buttonsOf(shown).map((b) => b.action_id)).toEqual([FORM_BACK_ACTION]);
    expect(triggers()).toEqual([]);
  });
});

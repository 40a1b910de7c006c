import type { BackfillOnFailure, BackfillOrder } from '../../core/parse-backfill';
import type { BackfillPlan, BackfillTimeOfDay } from '../../core/plan-backfill';
import type { EnosIdentity, Flow } from '../../core/ports';
import type { PreviewParameter } from '../../core/preview-trigger';
import { BACKFILL_PLAN_TTL_MS } from '../../core/stored-backfill-plan';
import { BACKFILL_START_ACTION } from '../ids';
import { inertCode } from './inert-text';
import { code } from './mrkdwn';
import { SLACK_LIMITS, sectionsOf, shorten } from './slack-limits';
import { context, type SlackMessage, section } from './slack-message';
import { flowLabel } from './trigger-messages';

/** What the preview of a backfill shows: the plan, the flow as the caller reads it, the checks. */
export interface BackfillPreview {
  flow: Flow;
  identity: EnosIdentity;
  plan: BackfillPlan;
  order: BackfillOrder;
  onFailure: BackfillOnFailure;
  /** The given parameters, with what each replaces (compareParameters). */
  given: PreviewParameter[];
  /** The prerequisite checks' refusal as words, if one refuses (refusalText). */
  refusal?: string;
  /** The stored plan's id (src/core/stored-backfill-plan.ts): the Start button's value. None: no button. */
  startId?: string;
  /**
   * Who must approve (the policy rule's summary), when a rule requires approval: the button then
   * asks them, and nothing runs before one approval covers the whole range.
   */
  approval?: string;
}

// Blocks besides the run list: summary, time of day, checks, parameters, the approval note, the
// button, the closing note.
const RUN_LIST_BLOCKS = SLACK_LIMITS.messageBlocks - 8;

/**
 * The private preview of a backfill: one line per run (business date → trigger time in the
 * caller's zone and the server's), the time of day and where it comes from, the checks and the
 * parameters. Within Slack's limits for BACKFILL_MAX_RUNS runs (up to 1000).
 */
export function backfillPreviewMessage(p: BackfillPreview): SlackMessage {
  const { plan, flow } = p;
  const count = plan.runs.length;
  const runs = count === 1 ? '1 run' : `${count} runs`;
  // The range reads forwards whatever the run order.
  const dates = plan.runs.map((run) => run.businessDate).sort();
  const range = count === 1 ? dates[0] : `${dates[0]} … ${dates[count - 1]}`;
  const summary =
    `:mag: Preview of a backfill of flow ${flowLabel(flow.flowId, flow.flowName)}: ${runs} for business ` +
    `dates ${range}, ${p.order === 'newest-first' ? 'newest' : 'oldest'} first, one at a time, ` +
    `${p.onFailure === 'keep-going' ? 'going on after a failed run' : 'stopping at the first failed run'}. ` +
    'Nothing has been triggered.';
  const runLines = plan.runs.map(
    (run) =>
      `${code(run.businessDate)} → ${run.local} ${inertCode(plan.zone)} · ` +
      `${run.serverLocal} server time (${inertCode(plan.serverZone)})`,
  );
  const checks = p.refusal
    ? `*Checks:* ${p.refusal}`
    : `*Checks:* :white_check_mark: you are linked to EnOS user ${inertCode(p.identity.userName)}, an owner of ` +
      'this flow; neither you nor the flow is locked, and it has tasks. Each run is checked again when it is triggered.';
  const parameters =
    p.given.length === 0
      ? '*Parameters:* none given: every run uses the flow’s own values.'
      : `*Parameters, for every run:* ${p.given
          .map(
            (g) =>
              `${inertCode(`${g.key}=${g.value}`)}` +
              (g.replaces.kind === 'new' ? ' (new)' : ` (instead of ${inertCode(g.replaces.value)})`),
          )
          .join(', ')}`;
  const asks = p.approval !== undefined && p.startId !== undefined && !p.refusal;
  const blocks = [
    section(summary),
    context(
      `${timeOfDayText(plan.timeOfDay, plan.serverZone)} \`\${cal_dt}\` = the trigger’s date in server time ` +
        `minus ${plan.calDtOffsetDays} day${plan.calDtOffsetDays === 1 ? '' : 's'}: the business date.`,
    ),
    ...sectionsOf(runLines, RUN_LIST_BLOCKS),
    section(shorten(checks)),
    ...sectionsOf([parameters], 2),
    ...(asks
      ? [
          section(
            shorten(
              `:raised_hand: ${p.approval} *Ask for approval* posts one request for the whole range in this ` +
                'conversation; nothing runs before it is approved, then the backfill starts.',
            ),
          ),
        ]
      : []),
    ...(p.startId === undefined || p.refusal
      ? []
      : [
          {
            type: 'actions' as const,
            elements: [
              {
                type: 'button' as const,
                action_id: BACKFILL_START_ACTION,
                text: {
                  type: 'plain_text' as const,
                  text: asks ? `Ask for approval (${runs})` : `Start backfill (${runs})`,
                },
                style: 'primary' as const,
                value: p.startId,
              },
            ],
          },
        ]),
    context(
      p.startId === undefined || p.refusal
        ? 'Nothing will run from this preview. Fix what the checks say and preview it again.'
        : asks
          ? `The button works for ${BACKFILL_PLAN_TTL_MS / 60_000} minutes, for you only. Once approved, ` +
            'each run is triggered one after another, at least 61 s apart, each checked again; ' +
            'the progress is kept in one thread.'
          : `Nothing runs before you click Start (it works for ${BACKFILL_PLAN_TTL_MS / 60_000} minutes, for you only). ` +
            'Each run is then triggered one after another, at least 61 s apart, each checked again; ' +
            'the progress is kept in one thread.',
    ),
  ];
  return { text: summary, blocks };
}

function timeOfDayText(t: BackfillTimeOfDay, serverZone: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (t.source) {
    case 'flow':
      return `Each run is triggered at the flow’s own daily time, ${pad(t.hour)}:${pad(t.minute)}${t.second ? `:${pad(t.second)}` : ''} server time (${inertCode(serverZone)}), from its cron.`;
    case 'midnight':
      return `The flow’s cron is not plainly daily, so each run is triggered at 00:00 server time (${inertCode(serverZone)}).`;
    case 'at':
      return `Each run is triggered at ${pad(t.hour)}:${pad(t.minute)} ${inertCode(t.zone)}, as asked.`;
  }
}

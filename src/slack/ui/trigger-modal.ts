import type { types } from '@slack/bolt';
import { LIMITS } from '../../core/limits';
import type { Flow, TriggerResult } from '../../core/ports';
import { formatDate, formatTime } from '../../core/time-calendar';
import { zonedDateTime } from '../../core/time-zone';
import {
  BACKDATE_CONFIRMED,
  FORM_MODE_PREVIEW,
  FORM_MODE_TRIGGER,
  MODAL_ACTION,
  MODAL_BLOCK,
  parameterBlockId,
  parameterDigest,
  TRIGGER_MODAL_CALLBACK,
  WHEN_AT,
  WHEN_BACKFILL,
  WHEN_NOW,
} from '../ids';
import type { FormSnapshot } from './form-snapshot';
import { inertMessage } from './inert-text';
import { code } from './mrkdwn';
import { SLACK_LIMITS, shortenPlain } from './slack-limits';
import { context, section } from './slack-message';
import { flowLabel, ownerList } from './trigger-messages';
import { encodeModalMetadata } from './trigger-modal-metadata';
import { plainText } from './trigger-modal-text';

/**
 * Parameter inputs shown at most. A modal holds 100 blocks; the rest of the form takes about a
 * dozen, and a form with more fields than this is no longer something to read through anyway.
 */
export const MAX_PARAMETER_INPUTS = 60;

/** Why a trigger of the chosen flow would be refused, or why it could not be checked. */
export type FlowProblem = Extract<TriggerResult, { kind: 'refused' | 'failed' }>;

/** The flow chosen in the form, as far as Get Flow told. */
export interface ChosenFlow {
  id: number;
  /** The option's text, shown again in the select. */
  label: string;
  /** Get Flow's answer; absent when it failed. */
  flow?: Flow;
  /** The early warning: what the trigger's prerequisite checks would refuse. */
  problem?: FlowProblem;
  /** The policy file's refusal, in words (check-policy.ts), when EnOS's checks pass. */
  policyWarning?: string;
}

/** Everything the form shows; it is rebuilt whole from this on every change. */
export interface TriggerModalInput {
  /** The conversation preselected in "Post in" (where the form was opened). */
  channelId?: string;
  /** The caller's zone: the pickers show it and the time is resolved in it. */
  zone: string;
  /** Epoch ms: gives today's date and the current time in the zone. */
  now: number;
  when: 'now' | 'at' | 'backfill';
  flow?: ChosenFlow;
  /** "Trigger" (default) or "Preview": what submitting does (a backfill is always previewed). */
  mode?: 'trigger' | 'preview';
  /** What the user had entered, when Back shows the form again: the fields start with it. */
  restore?: FormSnapshot;
}

function input(
  blockId: string,
  label: string,
  element: types.InputBlockElement,
  extra: Partial<types.InputBlock> = {},
): types.InputBlock {
  return { type: 'input', block_id: blockId, label: plainText(label, 2000), element, ...extra };
}

function option(text: string, value: string): types.PlainTextOption {
  return { text: plainText(text, 75), value };
}

const WHEN_OPTIONS = {
  now: option('Now', WHEN_NOW),
  at: option('At a date and time', WHEN_AT),
  backfill: option('Backfill a date range', WHEN_BACKFILL),
};

const MODE_OPTIONS = {
  trigger: option('Trigger', FORM_MODE_TRIGGER),
  preview: option('Preview', FORM_MODE_PREVIEW),
};

const ORDER_OPTIONS = {
  'oldest-first': option('Oldest first', 'oldest-first'),
  'newest-first': option('Newest first', 'newest-first'),
};

const ON_FAILURE_OPTIONS = {
  stop: option('Stop at the first failed run', 'stop'),
  'keep-going': option('Keep going with the next date', 'keep-going'),
};

/** The option text of a flow in the select: `3377 · daily load`. */
export function flowOptionText(flowId: number, flowName: string): string {
  return flowName ? `${flowId} · ${flowName}` : String(flowId);
}

/** A flow as an option of the select (text cut to Slack's 75 characters; the value is the id). */
export function flowOption(flowId: number, flowName: string): types.PlainTextOption {
  return option(flowOptionText(flowId, flowName), String(flowId));
}

/** The early warning under the flow select, in the words of the refusal a trigger would get. */
export function flowWarning(chosen: ChosenFlow & { problem: FlowProblem }): string {
  const { problem } = chosen;
  const flow = flowLabel(chosen.id, chosen.flow?.flowName);
  if (problem.kind === 'failed') {
    return (
      `:warning: I could not check flow ${flow} in EnOS: ${inertMessage(problem.error.userMessage)} ` +
      'You can still submit: the checks run again then.'
    );
  }
  const user = code(problem.identity.userName);
  const owners =
    (problem.flow?.owners ?? []).length > 0 ? ownerList(problem.flow?.owners ?? []) : 'none listed';
  switch (problem.reason) {
    case 'flow-not-found':
      return (
        `:warning: Flow ${flow} was not found in EnOS organization ${code(problem.identity.orgId)}, or your ` +
        `EnOS user ${user} cannot see it. Pick another flow.`
      );
    case 'no-access':
      return (
        `:warning: Your EnOS user ${user} has no privilege to read flow ${flow}. ` +
        'Pick another flow, or ask its owners to add you.'
      );
    case 'user-locked':
      return (
        `:warning: Your EnOS account ${user} is locked, so a trigger would be refused. ` +
        'Ask your EnOS organization administrator to unlock it.'
      );
    case 'flow-locked':
      return (
        `:warning: Flow ${flow} is locked in EnOS, so a trigger would be refused. ` +
        `Ask its owners (${owners}) to unlock it, or pick another flow.`
      );
    case 'not-owner':
      return (
        `:warning: Your EnOS user ${user} is not an owner of flow ${flow}, so a trigger would be refused. ` +
        `Its owners: ${owners}. Ask one of them to add you, or pick another flow.`
      );
    case 'no-tasks':
      return (
        `:warning: Flow ${flow} has no task, so EnOS cannot run it. ` +
        'Add a task to it in EnOS first, or pick another flow.'
      );
  }
}

function flowBlocks(chosen: ChosenFlow | undefined): types.KnownBlock[] {
  const select: types.ExternalSelect = {
    type: 'external_select',
    action_id: MODAL_ACTION.flow,
    placeholder: plainText('Type part of its name, or its id', 150),
    // 0: the list of the caller's flows shows as soon as the menu opens (Slack's default waits for 3 characters).
    min_query_length: 0,
    ...(chosen ? { initial_option: option(chosen.label, String(chosen.id)) } : {}),
  };
  const blocks: types.KnownBlock[] = [
    // dispatch_action: choosing a flow sends block_actions at once, to show its parameters and warnings.
    input(MODAL_BLOCK.flow, 'Flow', select, {
      dispatch_action: true,
      hint: plainText('Your EnOS flows: the ones you own, and the ones you may view.', 2000),
    }),
  ];
  if (chosen?.problem) {
    blocks.push({
      ...section(flowWarning({ ...chosen, problem: chosen.problem })),
      block_id: MODAL_BLOCK.flowNotice,
    });
  } else if (chosen?.policyWarning) {
    blocks.push({ ...section(`:warning: ${chosen.policyWarning}`), block_id: MODAL_BLOCK.flowNotice });
  }
  return blocks;
}

const BACKDATE_OPTION: types.Option = {
  text: { type: 'plain_text', text: 'Back-date the run if that time has passed' },
  description: {
    type: 'plain_text',
    text: 'EnOS starts it at once, computing ${cal_dt} & co. from that time.',
  },
  value: BACKDATE_CONFIRMED,
};

/**
 * The backfill's fields (docs/product.md, Backfill): the range of business dates, the time of day
 * (empty: the flow's own daily time), the order and what a failed run does. The dates are what
 * `${cal_dt}` will be in each run, as in `/flow-trigger backfill`.
 */
function backfillBlocks(form: TriggerModalInput): types.KnownBlock[] {
  const restore = form.restore?.backfill;
  const picker = (blockId: string, label: string, actionId: string, initial?: string) =>
    input(blockId, label, {
      type: 'datepicker',
      action_id: actionId,
      ...(initial ? { initial_date: initial } : {}),
    });
  return [
    picker(MODAL_BLOCK.backfillFrom, 'From business date', MODAL_ACTION.backfillFrom, restore?.from),
    picker(MODAL_BLOCK.backfillTo, 'To business date', MODAL_ACTION.backfillTo, restore?.to),
    input(
      MODAL_BLOCK.backfillAt,
      'Time of day',
      {
        type: 'timepicker',
        action_id: MODAL_ACTION.backfillAt,
        placeholder: plainText('HH:MM', 150),
        timezone: form.zone,
        ...(restore?.at ? { initial_time: restore.at } : {}),
      },
      {
        optional: true,
        hint: plainText(
          'Empty: each run at the flow’s own daily time (from its schedule), else 00:00 server time.',
          2000,
        ),
      },
    ),
    input(MODAL_BLOCK.backfillOrder, 'Order', {
      type: 'radio_buttons',
      action_id: MODAL_ACTION.backfillOrder,
      options: [ORDER_OPTIONS['oldest-first'], ORDER_OPTIONS['newest-first']],
      initial_option: ORDER_OPTIONS[restore?.order ?? 'oldest-first'],
    }),
    input(MODAL_BLOCK.backfillOnFailure, 'On failure', {
      type: 'radio_buttons',
      action_id: MODAL_ACTION.backfillOnFailure,
      options: [ON_FAILURE_OPTIONS.stop, ON_FAILURE_OPTIONS['keep-going']],
      initial_option: ON_FAILURE_OPTIONS[restore?.onFailure ?? 'stop'],
    }),
  ];
}

function whenBlocks(form: TriggerModalInput): types.KnownBlock[] {
  const radio: types.RadioButtons = {
    type: 'radio_buttons',
    action_id: MODAL_ACTION.when,
    options: [WHEN_OPTIONS.now, WHEN_OPTIONS.at, WHEN_OPTIONS.backfill],
    initial_option: WHEN_OPTIONS[form.when],
  };
  const restore = form.restore;
  // dispatch_action: the date and time pickers appear only for "At a date and time" (the range's
  // fields only for "Backfill a date range").
  const blocks: types.KnownBlock[] = [input(MODAL_BLOCK.when, 'When', radio, { dispatch_action: true })];
  const local = zonedDateTime(form.now, form.zone);
  if (form.when === 'at') {
    blocks.push(
      input(MODAL_BLOCK.date, 'Date', {
        type: 'datepicker',
        action_id: MODAL_ACTION.date,
        // A calendar date in the caller's zone: the picker itself knows no zone.
        initial_date: restore?.date ?? formatDate(local),
      }),
      input(MODAL_BLOCK.time, 'Time', {
        type: 'timepicker',
        action_id: MODAL_ACTION.time,
        placeholder: plainText('HH:MM', 150),
        // Slack shows the zone under the picker; the app reads the time in the same zone.
        timezone: form.zone,
        ...(restore?.time ? { initial_time: restore.time } : {}),
      }),
      input(
        MODAL_BLOCK.backdate,
        'Back-dating',
        {
          type: 'checkboxes',
          action_id: MODAL_ACTION.backdate,
          options: [BACKDATE_OPTION],
          ...(restore?.backdate ? { initial_options: [BACKDATE_OPTION] } : {}),
        },
        { optional: true },
      ),
    );
  }
  if (form.when === 'backfill') blocks.push(...backfillBlocks(form));
  blocks.push({
    ...context(
      `:earth_africa: Times are in ${code(form.zone)}, your Slack time zone: it is ` +
        `${formatTime(local)} on ${formatDate(local)} there now.`,
    ),
    block_id: MODAL_BLOCK.zone,
  });
  return blocks;
}

function parameterBlocks(chosen: ChosenFlow | undefined, restore?: FormSnapshot): types.KnownBlock[] {
  const flow = chosen?.flow;
  if (!chosen || !flow) return [];
  const label = flowLabel(chosen.id, flow.flowName);
  if (flow.parameters.length === 0) {
    return [
      {
        ...context(
          `Flow ${label} has no global parameters. Add parameters for this run below if it needs any.`,
        ),
        block_id: MODAL_BLOCK.parameters,
      },
    ];
  }
  const shown = flow.parameters.slice(0, MAX_PARAMETER_INPUTS);
  const more =
    flow.parameters.length > shown.length
      ? ` Only the first ${shown.length} of its ${flow.parameters.length} parameters have a field here: ` +
        'set the others in “More parameters”.'
      : '';
  return [
    {
      ...section(
        `*Parameters* of flow ${label}\nPrefilled with the flow’s current values. Only the values you ` +
          `change are sent, for this run only: the flow keeps its own.${more}`,
      ),
      block_id: MODAL_BLOCK.parameters,
    },
    ...shown.map((p, index) => {
      // Back: what the user typed, into the input built from the same original only.
      const typed = restore?.parameters.find(
        (r) => r.index === index && r.digest === parameterDigest(p.key, p.value),
      );
      const initial = typed ? typed.value : p.value;
      return p.value.length > SLACK_LIMITS.initialValue
        ? longParameterBlock(p.key, p.value)
        : input(
            parameterBlockId(chosen.id, index, p.key, p.value),
            p.key,
            {
              type: 'plain_text_input',
              action_id: MODAL_ACTION.parameter,
              // Slack refuses an empty initial_value; an empty field is the empty value either way.
              ...(initial === '' ? {} : { initial_value: initial }),
            },
            // Emptying a field is a change: the parameter is sent with an empty value.
            { optional: true },
          );
    }),
  ];
}

/**
 * A value longer than a text input holds (3,000 characters) cannot be prefilled, and an empty field
 * would read as "changed to empty". It is shown read-only instead: with no input in the form, the
 * submission leaves it as the flow has it, unless More parameters sets it.
 */
function longParameterBlock(key: string, value: string): types.SectionBlock {
  return section(
    `${code(shortenPlain(key, 200))} (read-only here: ${value.length.toLocaleString('en-US')} characters, more ` +
      `than a field holds) ${code(shortenPlain(value, 200))}\nIt is kept as it is; to replace it for this run, ` +
      `set ${code(shortenPlain(key, 200))}=… in “More parameters”.`,
  );
}

function extraBlock(restore?: FormSnapshot): types.InputBlock {
  return input(
    MODAL_BLOCK.extra,
    'More parameters',
    {
      type: 'plain_text_input',
      action_id: MODAL_ACTION.extra,
      multiline: true,
      placeholder: plainText('KEY=VALUE, one per line', 150),
      ...(restore?.extra ? { initial_value: restore.extra } : {}),
    },
    {
      optional: true,
      hint: plainText(
        'For this run only, one KEY=VALUE per line. Values reach EnOS as typed (${cal_dt} included); ' +
          'quotes around a whole value are removed. A parameter changed in its field above cannot be ' +
          `repeated here. At most ${LIMITS.maxParameters} parameters per run.`,
        2000,
      ),
    },
  );
}

function postInBlock(channelId: string | undefined, restored?: string): types.InputBlock {
  const select: types.ConversationsSelect = {
    type: 'conversations_select',
    action_id: MODAL_ACTION.postIn,
    placeholder: plainText('Choose a conversation', 150),
    // The submission then carries a response_url for the chosen conversation: private notices and
    // the private fallback reach the caller there, even where the bot is not a member.
    response_url_enabled: true,
    filter: { include: ['public', 'private', 'im', 'mpim'], exclude_bot_users: true },
    // From a slash command the conversation is known; a global shortcut has none, so Slack's own
    // "current conversation" is the best default there.
    ...(restored
      ? { initial_conversation: restored }
      : channelId
        ? { initial_conversation: channelId }
        : { default_to_current_conversation: true }),
  };
  return input(MODAL_BLOCK.postIn, 'Post in', select, {
    hint: plainText(
      'The request and its result are posted here, in a thread: the team’s audit trail. If I am not a ' +
        'member, the result comes to you privately.',
      2000,
    ),
  });
}

/**
 * The trigger form: flow, when, the flow's parameters, more parameters, where to post. Pure: the
 * listeners rebuild it whole on every change and send it with views.update.
 */
export function triggerModal(form: TriggerModalInput): types.ModalView {
  const flow = form.flow?.flow;
  const previews = form.when === 'backfill' || form.mode === 'preview';
  return {
    type: 'modal',
    callback_id: TRIGGER_MODAL_CALLBACK,
    title: plainText('Trigger a flow', 24),
    submit: plainText(previews ? 'Preview' : 'Trigger', 24),
    close: plainText('Cancel', 24),
    private_metadata: encodeModalMetadata({
      channelId: form.channelId,
      zone: form.zone,
      ...(form.flow && flow
        ? { flow: { id: form.flow.id, parameters: flow.parameters.slice(0, MAX_PARAMETER_INPUTS) } }
        : {}),
    }),
    blocks: [
      ...flowBlocks(form.flow),
      ...whenBlocks(form),
      ...parameterBlocks(form.flow, form.restore),
      extraBlock(form.restore),
      postInBlock(form.channelId, form.restore?.conversationId),
      ...modeBlocks(form),
    ],
  };
}

/**
 * "Trigger" or "Preview", beside the submit button (docs/product.md, Preview): a preview runs
 * every check and shows the exact request in place of the form, with Trigger and Back. A backfill
 * is always previewed first, so it has no such choice.
 */
function modeBlocks(form: TriggerModalInput): types.KnownBlock[] {
  if (form.when === 'backfill') return [];
  const radio: types.RadioButtons = {
    type: 'radio_buttons',
    action_id: MODAL_ACTION.mode,
    options: [MODE_OPTIONS.trigger, MODE_OPTIONS.preview],
    initial_option: MODE_OPTIONS[form.mode ?? 'trigger'],
  };
  // dispatch_action: the submit button's label follows the choice.
  return [input(MODAL_BLOCK.mode, 'On submit', radio, { dispatch_action: true })];
}

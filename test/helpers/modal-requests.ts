/**
 * Drives the trigger form the way Slack does, from the view the fake Slack API holds: options
 * requests, block actions and submissions carry that view's id, hash and private_metadata, and a
 * `view.state.values` built from its input blocks, as the user would have filled them.
 *
 * ```ts
 * await t.command('');                                   // opens the form (views.open, then views.update)
 * const options = await suggestFlows(t, 'daily');        // block_suggestion → { options }
 * await changeForm(t, 'flow_select', { flow: { id: 3377 } });   // block_actions, then waits for the update
 * const res = await submitForm(t, { flow: { id: 3377 }, parameters: { REPLACE: 'x' } });
 * ```
 */
import {
  BACKDATE_CONFIRMED,
  FORM_MODE_PREVIEW,
  FORM_MODE_TRIGGER,
  MODAL_ACTION,
  MODAL_BLOCK,
  TRIGGER_MODAL_CALLBACK,
  WHEN_AT,
  WHEN_BACKFILL,
  WHEN_NOW,
} from '../../src/slack/ids';
import type { StoredView } from '../fakes/fake-slack-api';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  type SlackHttpResponse,
  sendInteraction,
  viewSubmissionPayload,
} from './slack-requests';
import { ALICE, SIGNING_SECRET, type TestApp } from './start-test-app';

/** What the user did in the form; anything not given keeps what the view shows (its initial values). */
export interface FormFill {
  /** The chosen flow; `null` for none. */
  flow?: { id: number; label?: string } | null;
  when?: 'now' | 'at' | 'backfill';
  /** "Trigger" or "Preview" beside the submit button. */
  mode?: 'trigger' | 'preview';
  /** The range's fields (the "Backfill a date range" choice); `at` `null` clears it. */
  backfill?: {
    from?: string | null;
    to?: string | null;
    at?: string | null;
    order?: 'oldest-first' | 'newest-first';
    onFailure?: 'stop' | 'keep-going';
  };
  /** `YYYY-MM-DD`; `null` clears the picker's initial date. */
  date?: string | null;
  /** `HH:mm`. */
  time?: string;
  backdate?: boolean;
  /** What the flow's parameter inputs hold, by parameter key (the input's label). */
  parameters?: Record<string, string>;
  extra?: string;
  /** The chosen conversation; `null` for none. */
  conversation?: string | null;
}

/** Options of the send functions. */
export interface FormRequestOptions {
  /** Default Alice. */
  user?: string;
  /** The view to act on; default the one the fake holds (the last one opened). */
  view?: StoredView;
}

interface BlockLike {
  type: string;
  block_id?: string;
  label?: { text: string };
  element?: Record<string, unknown> & { type: string };
}

/** The form as the fake Slack holds it now (views.open, then every views.update). */
export function currentForm(t: TestApp): StoredView {
  const views = [...t.slack.views.values()];
  const view = views[views.length - 1];
  if (!view) throw new Error('no view was opened');
  return view;
}

/** The blocks of `view`, typed loosely for reading. */
export function blocksOf(view: StoredView): BlockLike[] {
  return (view.view.blocks ?? []) as BlockLike[];
}

/** `view.state.values` as Slack would send it for `view` filled in as `fill` says. */
export function formState(view: StoredView, fill: FormFill = {}): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of blocksOf(view)) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const element = block.element;
    const actionId = String(element.action_id);
    let value: Record<string, unknown>;
    switch (block.block_id) {
      case MODAL_BLOCK.flow: {
        const chosen =
          fill.flow === undefined
            ? (element.initial_option ?? null)
            : fill.flow && {
                text: { type: 'plain_text', text: fill.flow.label ?? String(fill.flow.id) },
                value: String(fill.flow.id),
              };
        value = { selected_option: chosen ?? null };
        break;
      }
      case MODAL_BLOCK.when: {
        const options = element.options as Array<{ value: string }>;
        const chosen = fill.when ?? (element.initial_option as { value: string } | undefined)?.value;
        const wanted =
          chosen === 'at'
            ? WHEN_AT
            : chosen === 'now'
              ? WHEN_NOW
              : chosen === 'backfill'
                ? WHEN_BACKFILL
                : undefined;
        value = { selected_option: options.find((o) => o.value === wanted) ?? null };
        break;
      }
      case MODAL_BLOCK.date:
        value = { selected_date: fill.date === undefined ? (element.initial_date ?? null) : fill.date };
        break;
      case MODAL_BLOCK.time:
        value = { selected_time: fill.time ?? element.initial_time ?? null };
        break;
      case MODAL_BLOCK.backdate:
        value = {
          selected_options:
            fill.backdate === undefined
              ? (element.initial_options ?? [])
              : fill.backdate
                ? (element.options as Array<{ value: string }>).filter((o) => o.value === BACKDATE_CONFIRMED)
                : [],
        };
        break;
      case MODAL_BLOCK.extra:
        value = { value: (fill.extra ?? element.initial_value) || null };
        break;
      case MODAL_BLOCK.mode: {
        const options = element.options as Array<{ value: string }>;
        const chosen = fill.mode ?? (element.initial_option as { value: string } | undefined)?.value;
        const wanted =
          chosen === 'preview' ? FORM_MODE_PREVIEW : chosen === 'trigger' ? FORM_MODE_TRIGGER : undefined;
        value = { selected_option: options.find((o) => o.value === wanted) ?? null };
        break;
      }
      case MODAL_BLOCK.backfillFrom:
      case MODAL_BLOCK.backfillTo: {
        const typed = block.block_id === MODAL_BLOCK.backfillFrom ? fill.backfill?.from : fill.backfill?.to;
        value = { selected_date: typed === undefined ? (element.initial_date ?? null) : typed };
        break;
      }
      case MODAL_BLOCK.backfillAt:
        value = {
          selected_time: fill.backfill?.at === undefined ? (element.initial_time ?? null) : fill.backfill.at,
        };
        break;
      case MODAL_BLOCK.backfillOrder:
      case MODAL_BLOCK.backfillOnFailure: {
        const options = element.options as Array<{ value: string }>;
        const typed =
          block.block_id === MODAL_BLOCK.backfillOrder ? fill.backfill?.order : fill.backfill?.onFailure;
        const chosen = typed ?? (element.initial_option as { value: string } | undefined)?.value;
        value = { selected_option: options.find((o) => o.value === chosen) ?? null };
        break;
      }
      case MODAL_BLOCK.postIn:
        value = {
          selected_conversation:
            fill.conversation === undefined ? (element.initial_conversation ?? null) : fill.conversation,
        };
        break;
      default: {
        // A parameter input, labelled with its key.
        const key = block.label?.text ?? '';
        const typed = fill.parameters?.[key];
        // Slack sends an emptied text input as null.
        value = { value: (typed ?? element.initial_value ?? '') || null };
      }
    }
    values[block.block_id] = { [actionId]: { type: element.type, ...value } };
  }
  return values;
}

function viewFields(view: StoredView) {
  return {
    id: view.id,
    hash: view.hash,
    callback_id: String(view.view.callback_id ?? ''),
    private_metadata: String(view.view.private_metadata ?? ''),
  };
}

/** Types `query` in the flow select: the options request Slack sends. */
export function suggestFlows(
  t: TestApp,
  query: string,
  opts: FormRequestOptions = {},
): Promise<SlackHttpResponse> {
  const view = opts.view ?? currentForm(t);
  return sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockSuggestionPayload({
      user_id: opts.user ?? ALICE.slackUserId,
      action_id: MODAL_ACTION.flow,
      block_id: MODAL_BLOCK.flow,
      value: query,
      view: viewFields(view),
    }),
  );
}

/**
 * Changes an element with dispatch_action (`flow_select`, `when_choice`): the block_actions Slack
 * sends, with the form's state after the change. Waits until the app has finished with it.
 */
export async function changeForm(
  t: TestApp,
  actionId: string,
  fill: FormFill,
  opts: FormRequestOptions = {},
): Promise<SlackHttpResponse> {
  const view = opts.view ?? currentForm(t);
  const state = formState(view, fill);
  const blockId =
    actionId === MODAL_ACTION.flow
      ? MODAL_BLOCK.flow
      : actionId === MODAL_ACTION.mode
        ? MODAL_BLOCK.mode
        : MODAL_BLOCK.when;
  const changed = state[blockId]?.[actionId] as Record<string, unknown>;
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    blockActionsPayload({
      user_id: opts.user ?? ALICE.slackUserId,
      actions: [{ action_id: actionId, block_id: blockId, ...changed, type: String(changed.type) }],
      view: { ...viewFields(view), state: { values: state } },
    }),
  );
  await t.settle();
  return res;
}

/**
 * Submits the form filled as `fill` says. With a conversation chosen, the payload carries its
 * response_url (the select has `response_url_enabled`), recorded by the fake under `responseUrlId`.
 */
export async function submitForm(
  t: TestApp,
  fill: FormFill,
  opts: FormRequestOptions & { responseUrlId?: string } = {},
): Promise<SlackHttpResponse> {
  const view = opts.view ?? currentForm(t);
  const values = formState(view, fill);
  const conversation = (
    values[MODAL_BLOCK.postIn]?.[MODAL_ACTION.postIn] as { selected_conversation?: string }
  )?.selected_conversation;
  const res = await sendInteraction(
    t.baseUrl,
    SIGNING_SECRET,
    viewSubmissionPayload({
      user_id: opts.user ?? ALICE.slackUserId,
      callback_id: String(view.view.callback_id ?? TRIGGER_MODAL_CALLBACK),
      values,
      private_metadata: String(view.view.private_metadata ?? ''),
      view_id: view.id,
      hash: view.hash,
      response_urls: conversation
        ? [
            {
              block_id: MODAL_BLOCK.postIn,
              action_id: MODAL_ACTION.postIn,
              channel_id: conversation,
              response_url: t.slack.responseUrl(opts.responseUrlId ?? `form-${view.id}`),
            },
          ]
        : [],
    }),
  );
  await t.settle();
  return res;
}

/**
 * What Slack does with a submission's `response_action: update`: the answer's view replaces the
 * one the fake holds (a new hash, the same id). Returns the new view.
 */
export function applyViewUpdate(
  t: TestApp,
  res: SlackHttpResponse,
  view: StoredView = currentForm(t),
): StoredView {
  const answer = res.json as { response_action?: string; view?: Record<string, unknown> } | undefined;
  if (answer?.response_action !== 'update' || !answer.view) {
    throw new Error(`the submission was not answered with an update: ${res.body}`);
  }
  const stored = t.slack.views.get(view.id) as StoredView;
  stored.view = answer.view;
  stored.hash = `${Date.now()}.applied`;
  return stored;
}

/**
 * A click on a button of a view (the form's place): a block_actions with the view, and, as Slack
 * sends it from a modal, neither a conversation nor a response_url. Waits until the app is done.
 */
export async function clickInView(
  t: TestApp,
  actionId: string,
  value: string,
  opts: FormRequestOptions = {},
): Promise<SlackHttpResponse> {
  const view = opts.view ?? currentForm(t);
  const payload = blockActionsPayload({
    user_id: opts.user ?? ALICE.slackUserId,
    actions: [{ action_id: actionId, block_id: 'block', value, type: 'button' }],
    view: { ...viewFields(view), state: { values: {} } },
  });
  const res = await sendInteraction(t.baseUrl, SIGNING_SECRET, payload);
  await t.settle();
  return res;
}

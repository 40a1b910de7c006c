/** Slash command, callback, block and action IDs, shared by listeners and Block Kit builders. */
import { createHash } from 'node:crypto';

export const COMMAND = '/flow-trigger';

/** The global shortcut "Trigger a flow", declared in manifest.yml with this callback ID. */
export const TRIGGER_SHORTCUT_CALLBACK = 'trigger_flow_shortcut';

/** The trigger form. Only this view has a submit button, so only it sends view_submission. */
export const TRIGGER_MODAL_CALLBACK = 'trigger_flow_modal';
/** What the modal shows between views.open and the form: the trigger_id allows no slow work before. */
export const TRIGGER_MODAL_LOADING_CALLBACK = 'trigger_flow_modal_loading';
/** What an unlinked caller (or a failure to read the link) gets instead of the form. */
export const TRIGGER_MODAL_NOTICE_CALLBACK = 'trigger_flow_modal_notice';

/** Block IDs of the trigger form; the inline errors of `response_action: errors` are keyed by them. */
export const MODAL_BLOCK = {
  flow: 'flow',
  /** Early warnings about the chosen flow (not an owner, locked …). */
  flowNotice: 'flow_notice',
  when: 'when',
  date: 'when_date',
  time: 'when_time',
  backdate: 'backdate',
  zone: 'zone',
  parameters: 'parameters',
  extra: 'extra_parameters',
  postIn: 'post_in',
  /** "Trigger" / "Preview": what submitting does (absent for a backfill, which is always previewed). */
  mode: 'mode',
  /** The backfill's fields, shown for the third "When" choice. */
  backfillFrom: 'backfill_from',
  backfillTo: 'backfill_to',
  backfillAt: 'backfill_at',
  backfillOrder: 'backfill_order',
  backfillOnFailure: 'backfill_on_failure',
} as const;

/** Action IDs of the trigger form's elements. */
export const MODAL_ACTION = {
  /** External select, options from Get My Flow; dispatches block_actions when a flow is chosen. */
  flow: 'flow_select',
  /** Radio buttons "Now" / "At a date and time"; dispatches block_actions to show or hide the pickers. */
  when: 'when_choice',
  date: 'date',
  time: 'time',
  backdate: 'backdate_confirm',
  /** The value input inside each parameter block. */
  parameter: 'value',
  extra: 'lines',
  postIn: 'conversation',
  /** Radio buttons "Trigger" / "Preview"; dispatches block_actions so the submit button says which. */
  mode: 'mode_choice',
  backfillFrom: 'from_date',
  backfillTo: 'to_date',
  backfillAt: 'at_time',
  backfillOrder: 'order',
  backfillOnFailure: 'on_failure',
} as const;

/** Values of the "When" radio buttons and of the back-dating checkbox. */
export const WHEN_NOW = 'now';
export const WHEN_AT = 'at';
export const BACKDATE_CONFIRMED = 'confirmed';

const PARAMETER_BLOCK = /^param:(\d+):(\d+):([0-9a-f]{10})$/;

/** Where a parameter input sits in the form, and a digest of the key and value it was prefilled with. */
export interface ParameterBlockRef {
  flowId: number;
  index: number;
  digest: string;
}

/** A short digest of a parameter as shown: tells an untouched input's origin apart from a changed one. */
export function parameterDigest(key: string, value: string): string {
  return createHash('sha256').update(`${key}\u0000${value}`).digest('hex').slice(0, 10);
}

/**
 * The block ID of the input for the flow's `index`-th global parameter. It carries the flow and a
 * digest of the prefilled key and value because Slack keeps what a user typed in any input whose
 * block ID survives a views.update: another flow, or a value changed in EnOS, must give a fresh input.
 */
export function parameterBlockId(flowId: number, index: number, key: string, value: string): string {
  return `param:${flowId}:${index}:${parameterDigest(key, value)}`;
}

/** The parts of a parameter block ID, or undefined for any other block. */
export function parseParameterBlockId(blockId: string): ParameterBlockRef | undefined {
  const match = PARAMETER_BLOCK.exec(blockId);
  if (!match) return undefined;
  return { flowId: Number(match[1]), index: Number(match[2]), digest: match[3]! };
}

/** The buttons on a run's thread reply; their value is the audit record ID of the trigger attempt. */
export const RUN_ACTION = {
  /** Cancel Flow Instance, after a confirmation; only while the run has not finished. */
  cancel: 'run_cancel',
  /** The same flow and parameters, now, as whoever clicks. */
  again: 'run_again',
  /** The form, prefilled with the run's flow and parameters. */
  edit: 'run_edit',
  /**
   * Recovery's "Run it now", under a request that was never sent (the app was down longer than
   * RECOVERY_MAX_AGE_SECONDS): Run again's behaviour, as whoever clicks.
   */
  runNow: 'run_now',
} as const;

/** The block holding the run buttons: the watcher's edits keep it while the run is not finished. */
export const RUN_ACTIONS_BLOCK = 'run_actions';

/** The App Home tab's "Trigger a flow" button: opens the trigger form. */
export const HOME_TRIGGER_ACTION = 'home_trigger_flow';

/** The "Full log" button beside a failed task's log tail: posts the task's whole log as a file. */
export const FULL_LOG_ACTION = 'task_full_log';
/** The small modal the Full log button opens at once, then fills with the outcome. */
export const FULL_LOG_MODAL_CALLBACK = 'task_full_log_modal';

/** A preview's Trigger button: its value is the preview's id in the store, nothing else. */
export const PREVIEW_TRIGGER_ACTION = 'preview_trigger';

/** The third "When" choice of the form: one back-dated run per business date (docs/product.md, Backfill). */
export const WHEN_BACKFILL = 'backfill';
/** Values of the form's "Trigger" / "Preview" choice. */
export const FORM_MODE_TRIGGER = 'trigger';
export const FORM_MODE_PREVIEW = 'preview';
/** What the form shows instead of its fields after a Preview or a backfill choice: the answer, and Back. */
export const TRIGGER_MODAL_RESULT_CALLBACK = 'trigger_flow_modal_result';
/** The Back button of that view: the form again, with what the user had entered (kept in its metadata). */
export const FORM_BACK_ACTION = 'form_back';

/**
 * The control buttons of a backfill's progress reply (src/slack/ui/backfill-controls.ts); their
 * value is the backfill's id only, the team is the payload's.
 */
export const BACKFILL_ACTION = {
  pause: 'backfill_pause',
  resume: 'backfill_resume',
  cancelRemaining: 'backfill_cancel_remaining',
  cancelAll: 'backfill_cancel_all',
  retry: 'backfill_retry',
  skip: 'backfill_skip',
} as const;

/** The block holding a backfill's control buttons. */
export const BACKFILL_ACTIONS_BLOCK = 'backfill_actions';

/** A backfill preview's Start button: its value is the stored plan's id, nothing else. */
export const BACKFILL_START_ACTION = 'backfill_start';
/**
 * The buttons of an approval request (docs/product.md, "Guardrails"); their value is the request's
 * id. Who may press which is decided from the clicker and the stored request, never the value.
 */
export const APPROVAL_ACTION = {
  approve: 'approval_approve',
  /** Opens the small modal that asks for a reason. */
  reject: 'approval_reject',
  /** For the requester only. */
  withdraw: 'approval_withdraw',
} as const;

/** The block holding the approval buttons: gone once the request is decided. */
export const APPROVAL_ACTIONS_BLOCK = 'approval_actions';

/** The Reject modal: its private_metadata is the request's id. */
export const APPROVAL_REJECT_MODAL_CALLBACK = 'approval_reject_modal';
export const APPROVAL_REASON_BLOCK = 'approval_reason';
export const APPROVAL_REASON_ACTION = 'reason';

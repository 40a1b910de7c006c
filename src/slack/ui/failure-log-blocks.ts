import type { types } from '@slack/bolt';
import { describeLogLength } from '../../core/log-tail';
import type { FailureLogs, TaskLogReport } from '../../core/read-failure-logs';
import { FULL_LOG_ACTION } from '../ids';
import { inertCodeBlock, inertMrkdwn } from './inert-text';

/*
 * A failed run's task logs in a message: for each failed task its name, status and the end of its
 * log as an inert code block. Slack refuses a section text over 3,000 characters and a message
 * over 50 blocks: each task is one section, cut to fit, keeping the END of the log (where the
 * reason usually is).
 */

/** Slack's limit on a section's text. */
export const SECTION_TEXT_LIMIT = 3000;
/** A task name longer than this is shortened: the log matters more. */
const MAX_NAME = 200;
/** Slack's limit on a button's value. */
const BUTTON_VALUE_LIMIT = 2000;

/** Which task's log the Full log button fetches, and the trigger attempt behind it when known. */
export interface FullLogRef {
  instanceId: string;
  taskInstId: string;
  /** The audit record of the trigger: its caller may read the log. Absent for `/flow-trigger status`. */
  attemptId?: string;
}

/** The button's value: identifiers only; who may read the log is decided at the click. */
export function fullLogButtonValue(ref: FullLogRef): string {
  return JSON.stringify({
    i: ref.instanceId,
    t: ref.taskInstId,
    ...(ref.attemptId ? { a: ref.attemptId } : {}),
  });
}

/** The button's value read back, or undefined when it is not one. */
export function parseFullLogButtonValue(value: string | undefined): FullLogRef | undefined {
  try {
    const v = JSON.parse(value ?? '') as { i?: unknown; t?: unknown; a?: unknown };
    if (typeof v.i !== 'string' || typeof v.t !== 'string' || v.i === '' || v.t === '') return undefined;
    return {
      instanceId: v.i,
      taskInstId: v.t,
      ...(typeof v.a === 'string' && v.a !== '' ? { attemptId: v.a } : {}),
    };
  } catch {
    return undefined;
  }
}

/** `text`'s end as an inert code block of at most `maxChars` characters, fence included. */
export function fitCodeBlock(text: string, maxChars: number): string {
  return fitCodeBlockTail(text, maxChars).block;
}

/**
 * The longest end of `text` that fits an inert code block of `maxChars` characters, and what is
 * left before it (`rest`), so that a long log can fill several blocks from its end.
 */
export function fitCodeBlockTail(text: string, maxChars: number): { block: string; rest: string } {
  // Inert text is never shorter than the text: no more than the last maxChars characters can fit.
  let start = Math.max(0, text.length - maxChars);
  const near = start > 0 && text[start - 1] !== '\n' ? text.indexOf('\n', start) : -1;
  if (near >= 0 && near - start < 200 && near < text.length - 1) start = near + 1;
  for (;;) {
    // A first line cut in its middle says so with "…".
    const partial = start > 0 && text[start - 1] !== '\n';
    const block = inertCodeBlock(`${partial ? '…' : ''}${text.slice(start)}`);
    if (block.length <= maxChars || start >= text.length) return { block, rest: text.slice(0, start) };
    // Making text inert lengthens it (`&` → `&amp;`): shorten by the overflow until it fits.
    start = Math.min(text.length, start + Math.max(1, block.length - maxChars));
    // Start at a line boundary when one is near, so that the first line is not a fragment.
    const newline = text.indexOf('\n', start);
    if (newline >= 0 && newline - start < 200 && newline < text.length - 1) start = newline + 1;
  }
}

/** `load` as inline code, inert, shortened. */
export function taskLabel(name: string): string {
  const short = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
  return `\`${inertMrkdwn(short).replace(/`/g, 'ˋ')}\``;
}

/** The section of one task: a line about its log, then the log's end. */
function taskSection(
  task: TaskLogReport,
  ref: Omit<FullLogRef, 'taskInstId'> | undefined,
): types.SectionBlock {
  const head = `*${taskLabel(task.taskName)}* (${inertMrkdwn(task.status.slice(0, 40))})`;
  let text: string;
  switch (task.log.kind) {
    case 'tail': {
      const log = task.log;
      const length = describeLogLength(log.length, log.capped);
      if (log.totalLines === 0) {
        text = `${head} · the log is empty.`;
        break;
      }
      const what = log.cut
        ? `cut: its last ${log.lines} lines`
        : `whole: ${log.lines} line${log.lines === 1 ? '' : 's'}`;
      const line = `${head} · log of ${length}, ${what}:`;
      const block = fitCodeBlock(log.text, SECTION_TEXT_LIMIT - line.length - 1);
      text = `${line}\n${block}`;
      break;
    }
    case 'no-log':
      text = `${head} · no log: EnOS has none for this task (“${inertMrkdwn(task.log.message.slice(0, 200))}”).`;
      break;
    case 'unreadable':
      text = `${head} · the log could not be read: ${inertMrkdwn(task.log.reason.slice(0, 500))}`;
      break;
    case 'no-id':
      text = `${head} · EnOS named no task instance for it, so there is no log to read.`;
      break;
  }
  const block: types.SectionBlock = { type: 'section', text: { type: 'mrkdwn', text } };
  const value =
    ref && task.taskInstId ? fullLogButtonValue({ ...ref, taskInstId: task.taskInstId }) : undefined;
  const readable = task.log.kind === 'tail' ? task.log.totalLines > 0 : task.log.kind === 'unreadable';
  if (value && readable && value.length <= BUTTON_VALUE_LIMIT) {
    block.accessory = {
      type: 'button',
      action_id: FULL_LOG_ACTION,
      text: { type: 'plain_text', text: 'Full log' },
      value,
    };
  }
  return block;
}

/**
 * The blocks of a failed run's task logs: one section per task (with a Full log button when `ref`
 * is given and there is a log to fetch), and a line for the failed tasks not shown.
 */
export function failureLogBlocks(
  logs: FailureLogs,
  ref?: Omit<FullLogRef, 'taskInstId'>,
): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = logs.tasks.map((task) => taskSection(task, ref));
  if (logs.more > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${logs.more} more failed task${logs.more === 1 ? '' : 's'} not shown: their logs are in the EnOS console.`,
        },
      ],
    });
  }
  return blocks;
}

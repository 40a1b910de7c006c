import type { types } from '@slack/bolt';
import { stripWrappingQuotes } from '../../core/parse-parameter-lines';
import type { FlowParameter } from '../../core/ports';
import { quoteFamily } from '../../core/tokenize-command';
import { MODAL_BLOCK } from '../ids';
import { code } from './mrkdwn';
import { fitList, shortenPlain } from './slack-limits';
import { context } from './slack-message';

/** Slack refuses a plain_text_input whose initial_value is longer than this. */
const MAX_INITIAL_VALUE = 3000;

/**
 * One `KEY=VALUE` line that the form's "More parameters" field reads back as exactly this value:
 * the field trims each value and removes quotes that wrap it whole, so a value with outer spaces
 * or wrapping quotes is itself wrapped in quotes of a family it does not contain.
 */
export function parameterLine({ key, value }: FlowParameter): string {
  if (value === value.trim() && stripWrappingQuotes(value) === value) return `${key}=${value}`;
  const chars = [...value];
  if (!chars.some((ch) => quoteFamily(ch) === 'double')) return `${key}="${value}"`;
  if (!chars.some((ch) => quoteFamily(ch) === 'single')) return `${key}='${value}'`;
  // Quotes of both families inside and outer spaces: no quoting keeps it; the nearest reading.
  return `${key}=${value}`;
}

/**
 * The trigger form built by `triggerModal`, with "More parameters" prefilled with `parameters`,
 * one line each: "Edit and run" shows a run's parameters there, where every one of them is sent
 * as shown (the flow's own parameter fields send only what is changed in them). Lines that do not
 * fit in Slack's limit are left out, and the form says which.
 */
export function prefillParameterLines(view: types.ModalView, parameters: FlowParameter[]): types.ModalView {
  const lines: string[] = [];
  const left: string[] = [];
  let length = 0;
  for (const parameter of parameters) {
    const line = parameterLine(parameter);
    if (length + line.length + (lines.length > 0 ? 1 : 0) > MAX_INITIAL_VALUE) left.push(parameter.key);
    else {
      length += line.length + (lines.length > 0 ? 1 : 0);
      lines.push(line);
    }
  }
  if (lines.length === 0) return view;
  const blocks = view.blocks.flatMap((block): types.AnyBlock[] => {
    if (block.block_id !== MODAL_BLOCK.extra || block.type !== 'input') return [block];
    const input = block as types.InputBlock;
    if (input.element.type !== 'plain_text_input') return [block];
    const filled: types.InputBlock = {
      ...input,
      element: { ...input.element, initial_value: lines.join('\n') },
    };
    if (left.length === 0) return [filled];
    return [
      filled,
      context(
        `:warning: These parameters of the earlier run did not fit here and are not prefilled: ${fitList(
          left.map((k) => code(shortenPlain(k, 200))),
          ', ',
          2500,
        )}.`,
      ),
    ];
  });
  return { ...view, blocks };
}

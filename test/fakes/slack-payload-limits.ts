/**
 * Slack's documented Block Kit limits, checked the way Slack checks them: a message, view or
 * options list beyond one of them is refused whole (`invalid_blocks`). The fake Slack Web API, the
 * response_url sink and the request helpers (for ack bodies) run every payload through
 * {@link findLimitViolations}, so every test checks that what the app sends would be accepted.
 *
 * Limits (api.slack.com/reference/block-kit): 3,000 characters per text object (section text, context
 * element, any mrkdwn or plain_text), 150 per header and placeholder, 2,000 per input label and hint,
 * 10 section fields, 10 context elements, 50 blocks per message, 100 per view, 100 options,
 * 75 characters per option text, 150 per option value, 3,000 per `initial_value` and
 * `private_metadata`, 2,000 per button value, 255 per action_id and block_id, 24 per view title
 * and button, 40,000 per message `text`.
 */

/** What the payload is: it decides the block limit and which top-level fields exist. */
export type PayloadKind = 'message' | 'view' | 'options';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each violation names the limit and where it was broken, e.g. `blocks[3].text.text: 3068 > 3000`. */
export function findLimitViolations(kind: PayloadKind, payload: unknown): string[] {
  const problems: string[] = [];
  const over = (where: string, length: number, max: number, what: string) => {
    if (length > max) problems.push(`${where}: ${length} > ${max} (${what})`);
  };
  const text = (where: string, value: unknown, max: number, what: string) => {
    if (isObject(value) && typeof value.text === 'string')
      over(`${where}.text`, value.text.length, max, what);
  };
  const option = (where: string, value: unknown) => {
    if (!isObject(value)) return;
    text(`${where}.text`, value.text, 75, 'option text');
    text(`${where}.description`, value.description, 75, 'option description');
    if (typeof value.value === 'string') over(`${where}.value`, value.value.length, 150, 'option value');
  };
  const options = (where: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    over(where, list.length, 100, 'options');
    list.forEach((o, i) => {
      option(`${where}[${i}]`, o);
    });
  };
  const element = (where: string, el: unknown) => {
    if (!isObject(el)) return;
    if (typeof el.action_id === 'string') over(`${where}.action_id`, el.action_id.length, 255, 'action_id');
    if (el.type === 'button') {
      text(`${where}.text`, el.text, 75, 'button text');
      if (typeof el.value === 'string') over(`${where}.value`, el.value.length, 2000, 'button value');
      if (typeof el.url === 'string') over(`${where}.url`, el.url.length, 3000, 'button url');
    }
    text(`${where}.placeholder`, el.placeholder, 150, 'placeholder');
    if (typeof el.initial_value === 'string')
      over(`${where}.initial_value`, el.initial_value.length, 3000, 'initial_value');
    if (typeof el.max_length === 'number') over(`${where}.max_length`, el.max_length, 3000, 'max_length');
    options(`${where}.options`, el.options);
    if (Array.isArray(el.option_groups))
      over(`${where}.option_groups`, el.option_groups.length, 100, 'option groups');
    option(`${where}.initial_option`, el.initial_option);
    if (Array.isArray(el.initial_options))
      el.initial_options.forEach((o, i) => {
        option(`${where}.initial_options[${i}]`, o);
      });
  };
  const blocks = (where: string, list: unknown, max: number) => {
    if (!Array.isArray(list)) return;
    over(where, list.length, max, kind === 'view' ? 'blocks per view' : 'blocks per message');
    list.forEach((raw, i) => {
      const at = `${where}[${i}]`;
      if (!isObject(raw)) return;
      if (typeof raw.block_id === 'string') over(`${at}.block_id`, raw.block_id.length, 255, 'block_id');
      switch (raw.type) {
        case 'header':
          text(`${at}.text`, raw.text, 150, 'header text');
          break;
        case 'section':
          text(`${at}.text`, raw.text, 3000, 'section text');
          if (Array.isArray(raw.fields)) {
            over(`${at}.fields`, raw.fields.length, 10, 'section fields');
            raw.fields.forEach((f, j) => {
              text(`${at}.fields[${j}]`, f, 2000, 'section field');
            });
          }
          element(`${at}.accessory`, raw.accessory);
          break;
        case 'context':
          if (Array.isArray(raw.elements)) {
            over(`${at}.elements`, raw.elements.length, 10, 'context elements');
            raw.elements.forEach((e, j) => {
              text(`${at}.elements[${j}]`, e, 3000, 'text object');
            });
          }
          break;
        case 'actions':
          if (Array.isArray(raw.elements)) {
            over(`${at}.elements`, raw.elements.length, 25, 'actions elements');
            raw.elements.forEach((e, j) => {
              element(`${at}.elements[${j}]`, e);
            });
          }
          break;
        case 'input':
          text(`${at}.label`, raw.label, 2000, 'input label');
          text(`${at}.hint`, raw.hint, 2000, 'input hint');
          element(`${at}.element`, raw.element);
          break;
        default:
          break;
      }
    });
  };

  if (!isObject(payload)) return problems;
  if (kind === 'options') {
    options('options', payload.options);
    return problems;
  }
  if (kind === 'view') {
    text('title', payload.title, 24, 'view title');
    text('submit', payload.submit, 24, 'view submit');
    text('close', payload.close, 24, 'view close');
    if (typeof payload.private_metadata === 'string')
      over('private_metadata', payload.private_metadata.length, 3000, 'private_metadata');
    blocks('blocks', payload.blocks, 100);
    return problems;
  }
  if (typeof payload.text === 'string') over('text', payload.text.length, 40_000, 'message text');
  blocks('blocks', payload.blocks, 50);
  return problems;
}

/** Web API methods whose arguments carry a message or a view, and which kind. */
export const CHECKED_METHODS: Readonly<Record<string, { kind: PayloadKind; field?: string }>> = {
  'chat.postMessage': { kind: 'message' },
  'chat.postEphemeral': { kind: 'message' },
  'chat.update': { kind: 'message' },
  'chat.scheduleMessage': { kind: 'message' },
  'views.open': { kind: 'view', field: 'view' },
  'views.push': { kind: 'view', field: 'view' },
  'views.update': { kind: 'view', field: 'view' },
  'views.publish': { kind: 'view', field: 'view' },
};

/**
 * What an ack body would be refused for: a message (slash command), a view (`response_action`
 * update/push), or an options list (block_suggestion).
 */
export function findAckViolations(body: unknown): string[] {
  if (!isObject(body)) return [];
  if (Array.isArray(body.options) || Array.isArray(body.option_groups))
    return findLimitViolations('options', body);
  if (isObject(body.view)) return findLimitViolations('view', body.view);
  return findLimitViolations('message', body);
}

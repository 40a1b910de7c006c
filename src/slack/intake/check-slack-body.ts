import { parse } from 'node:querystring';
import { z } from 'zod';

/**
 * Minimal shapes of what Bolt hands to our listeners: only the fields Bolt routes on and the
 * listeners read, so that a body of another shape is refused here (400 at once) instead of
 * throwing inside Bolt (a 500, an unhandled rejection) or matching no listener (a 404 after 3 s).
 * Extra fields pass: Slack adds fields over time.
 */

const id = z.string().min(1);
/**
 * Bolt routes on the first of `event`, `command`, … it finds, whatever `type` says: a payload
 * carrying one of another kind's fields would be read as that kind (and `'channel' in "text"`
 * throws). So each kind must not carry the fields Bolt looks at before its own.
 */
const notAnEvent = { event: z.never().optional() };
const notACommand = { ...notAnEvent, command: z.never().optional() };
/** Bolt reads `channel.id` whenever `channel` is present. */
const channel = z.object({ id }).optional();
const user = z.object({ id, team_id: z.string().optional() });
const team = z.object({ id: z.string().optional(), domain: z.string().optional() }).nullable().optional();
/** Fields every interactive payload may carry, as Bolt reads them. */
const interactive = {
  ...notACommand,
  user,
  team,
  enterprise: z.object({}).nullable().optional(),
  response_url: z.string().optional(),
};
/** `view.state.values`: `{ [block_id]: { [action_id]: { type, value | selected_… } } }`. */
const stateValues = z.record(z.string(), z.record(z.string(), z.object({})));
const view = z.object({
  id,
  callback_id: z.string().optional(),
  // The form keeps its context here (flow, conversation…); the listeners parse it as a string.
  private_metadata: z.string(),
  hash: z.string().optional(),
  team_id: z.string().optional(),
  state: z.object({ values: stateValues }).optional(),
});
const submittedView = view.extend({ callback_id: z.string(), state: z.object({ values: stateValues }) });

const blockActions = z.object({
  ...interactive,
  type: z.literal('block_actions'),
  trigger_id: z.string(),
  actions: z
    .array(z.object({ action_id: z.string(), block_id: z.string().optional(), value: z.string().optional() }))
    .min(1),
  view: view.optional(),
  channel,
  container: z.object({ channel_id: z.string().optional() }).optional(),
});
const viewSubmission = z.object({
  ...interactive,
  type: z.literal('view_submission'),
  view: submittedView,
  response_urls: z
    .array(z.object({ response_url: z.string(), channel_id: z.string().optional() }))
    .optional(),
});
const viewClosed = z.object({ ...interactive, type: z.literal('view_closed'), view: submittedView });
const blockSuggestion = z.object({
  ...interactive,
  type: z.literal('block_suggestion'),
  channel,
  action_id: z.string(),
  block_id: z.string().optional(),
  value: z.string(),
  view: view.optional(),
});
const shortcut = z.object({
  ...interactive,
  type: z.literal('shortcut'),
  callback_id: z.string(),
  trigger_id: z.string(),
});
const messageShortcut = shortcut.extend({
  type: z.literal('message_action'),
  channel: z.object({ id }),
});
const interactivePayload = z.discriminatedUnion('type', [
  blockActions,
  viewSubmission,
  viewClosed,
  blockSuggestion,
  shortcut,
  messageShortcut,
]);

/** A slash command: every field a string (a repeated field would parse to an array). */
const slashCommand = z.object({
  ...notAnEvent,
  command: z.string().min(1),
  text: z.string(),
  user_id: id,
  team_id: z.string(),
  team_domain: z.string().optional(),
  channel_id: z.string(),
  trigger_id: z.string(),
  response_url: z.string(),
});

/** What Bolt reads of any event: `channel` (a string, or an object with an id) and `item`. */
const anyEvent = {
  type: z.string(),
  channel: z.union([z.string(), z.object({})]).optional(),
  item: z.object({}).optional(),
};
const appHomeOpened = z.object({
  ...anyEvent,
  type: z.literal('app_home_opened'),
  user: id,
  tab: z.string().optional(),
});
const otherEvent = z.object({ ...anyEvent, type: z.string().refine((t) => t !== 'app_home_opened') });
const eventsApiBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({
    type: z.literal('event_callback'),
    team_id: z.string(),
    // Bolt reads the first authorization's team, enterprise and install kind.
    authorizations: z.array(z.object({})).optional(),
    event: z.union([appHomeOpened, otherEvent]),
  }),
]);

export type SlackBodyCheck = { ok: true } | { ok: false; reason: string };

function checked(schema: z.ZodType, value: unknown, what: string): SlackBodyCheck {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, reason: `malformed ${what}${where}: ${issue?.message ?? 'unexpected shape'}` };
}

function parsedJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether a signed body has the shape Bolt and our listeners expect. It decodes exactly as Bolt's
 * HTTP receiver does (the same `querystring.parse`, the same content-type test), so what is checked
 * here is what Bolt will read: a percent-encoded field name (`%70ayload=`) is the `payload` field
 * for both. One parse of a slash command's short form, and one small schema: the ack path stays cheap.
 */
export function checkSlackBody(contentType: string | undefined, text: string): SlackBodyCheck {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parse(text);
    if (form.payload !== undefined) {
      if (typeof form.payload !== 'string') return { ok: false, reason: 'more than one payload field' };
      const json = parsedJson(form.payload);
      if (!json.ok) return { ok: false, reason: 'the payload field is not JSON' };
      return checked(interactivePayload, json.value, 'interactive payload');
    }
    // Slack's SSL check: Bolt answers it without a listener.
    if (form.ssl_check === '1') return { ok: true };
    return checked(slashCommand, form, 'slash command');
  }
  // Bolt parses any other content type as JSON: the Events API.
  const json = parsedJson(text);
  if (!json.ok) return { ok: false, reason: 'the body is neither a form nor JSON' };
  return checked(eventsApiBody, json.value, 'Events API body');
}

/**
 * The same shapes for a payload that arrives already parsed (Socket Mode's envelopes), told apart
 * the way Bolt routes it: an event, a slash command, or an interactive payload.
 */
export function checkSlackPayload(body: unknown): SlackBodyCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the payload is not an object' };
  }
  if ('event' in body) return checked(eventsApiBody, body, 'Events API body');
  if ('command' in body) return checked(slashCommand, body, 'slash command');
  return checked(interactivePayload, body, 'interactive payload');
}

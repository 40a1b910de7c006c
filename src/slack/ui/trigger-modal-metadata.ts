import { z } from 'zod';
import { parseJsonWith } from '../../core/parse-json-with';
import type { FlowParameter } from '../../core/ports';

/** Slack refuses a view whose `private_metadata` is longer than this. */
export const PRIVATE_METADATA_LIMIT = 3000;

/**
 * What the trigger form carries from one request to the next in `private_metadata`: Slack sends it
 * back with every block_actions and view_submission, so no replica needs to remember the form.
 */
export interface TriggerModalMetadata {
  /** The conversation the form was opened in (none from a global shortcut). */
  channelId?: string;
  /** The zone the form shows its times in: the trigger resolves the time in it, as the user saw it. */
  zone: string;
  /** The flow whose parameters the form shows. */
  flow?: {
    id: number;
    /**
     * The parameters as prefilled, to tell changed inputs from untouched ones. `null` when they did
     * not fit in the metadata: the submission then reads them again from Get Flow.
     */
    parameters: FlowParameter[] | null;
  };
}

const schema = z.object({
  v: z.literal(1),
  c: z.string().optional(),
  z: z.string().min(1),
  f: z
    .object({
      id: z.number().int().positive(),
      p: z.array(z.tuple([z.string(), z.string()])).nullable(),
    })
    .optional(),
});

type Encoded = z.infer<typeof schema>;

/**
 * The metadata as JSON within Slack's limit. Short keys and `[key, value]` pairs leave the most room
 * for the parameters; when they still do not fit, they are left out (and read again on submission)
 * rather than truncated, which would make an untouched value look changed.
 */
export function encodeModalMetadata(metadata: TriggerModalMetadata): string {
  const base: Encoded = { v: 1, z: metadata.zone, ...(metadata.channelId ? { c: metadata.channelId } : {}) };
  if (!metadata.flow) return JSON.stringify(base);
  const parameters = metadata.flow.parameters?.map((p): [string, string] => [p.key, p.value]) ?? null;
  const full = JSON.stringify({ ...base, f: { id: metadata.flow.id, p: parameters } });
  if (full.length <= PRIVATE_METADATA_LIMIT) return full;
  return JSON.stringify({ ...base, f: { id: metadata.flow.id, p: null } });
}

/** The metadata of a view this app built, or undefined for anything else (an old or forged view). */
export function decodeModalMetadata(text: string): TriggerModalMetadata | undefined {
  const parsed = parseJsonWith(schema, text);
  if (!parsed) return undefined;
  const { c, z: zone, f } = parsed;
  return {
    ...(c ? { channelId: c } : {}),
    zone,
    ...(f ? { flow: { id: f.id, parameters: f.p?.map(([key, value]) => ({ key, value })) ?? null } } : {}),
  };
}

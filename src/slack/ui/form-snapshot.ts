import { z } from 'zod';
import type { BackfillOnFailure, BackfillOrder } from '../../core/parse-backfill';
import { parseJsonWith } from '../../core/parse-json-with';
import { PRIVATE_METADATA_LIMIT } from './trigger-modal-metadata';

/**
 * What the user had entered in the trigger form, kept in the metadata of the view that replaces it
 * (a preview, a backfill's preview) so that **Back** shows the form again as it was. Slack forgets
 * the inputs' state once the form's blocks are gone, and no replica remembers the form: the view
 * carries it, as the form's own metadata does.
 */
export interface FormSnapshot {
  /** The conversation the form was opened in (its default "Post in"). */
  channelId?: string;
  zone: string;
  flow?: { id: number; label: string };
  when: 'now' | 'at' | 'backfill';
  mode: 'trigger' | 'preview';
  date?: string;
  time?: string;
  backdate: boolean;
  /**
   * The parameter inputs the user changed, by position, with the digest of what each was prefilled
   * with: Back restores a value only into an input built from the same original.
   */
  parameters: Array<{ index: number; digest: string; value: string }>;
  extra: string;
  conversationId?: string;
  backfill: { from?: string; to?: string; at?: string; order: BackfillOrder; onFailure: BackfillOnFailure };
  /** The parameters did not fit in Slack's metadata and were left out: Back says so. */
  truncated?: boolean;
}

const schema = z.object({
  v: z.literal(1),
  c: z.string().optional(),
  z: z.string().min(1),
  f: z.object({ id: z.number().int().positive(), l: z.string() }).optional(),
  w: z.enum(['now', 'at', 'backfill']),
  m: z.enum(['trigger', 'preview']),
  d: z.string().optional(),
  t: z.string().optional(),
  b: z.boolean(),
  p: z.array(z.tuple([z.number().int().nonnegative(), z.string(), z.string()])),
  x: z.string(),
  pi: z.string().optional(),
  bf: z.object({
    f: z.string().optional(),
    t: z.string().optional(),
    a: z.string().optional(),
    o: z.enum(['oldest-first', 'newest-first']),
    k: z.enum(['stop', 'keep-going']),
  }),
  tr: z.literal(true).optional(),
});

type Encoded = z.infer<typeof schema>;

function encoded(s: FormSnapshot): Encoded {
  return {
    v: 1,
    ...(s.channelId ? { c: s.channelId } : {}),
    z: s.zone,
    ...(s.flow ? { f: { id: s.flow.id, l: s.flow.label } } : {}),
    w: s.when,
    m: s.mode,
    ...(s.date ? { d: s.date } : {}),
    ...(s.time ? { t: s.time } : {}),
    b: s.backdate,
    p: s.parameters.map((p): [number, string, string] => [p.index, p.digest, p.value]),
    x: s.extra,
    ...(s.conversationId ? { pi: s.conversationId } : {}),
    bf: {
      ...(s.backfill.from ? { f: s.backfill.from } : {}),
      ...(s.backfill.to ? { t: s.backfill.to } : {}),
      ...(s.backfill.at ? { a: s.backfill.at } : {}),
      o: s.backfill.order,
      k: s.backfill.onFailure,
    },
    ...(s.truncated ? { tr: true } : {}),
  };
}

/**
 * The snapshot as JSON within Slack's limit. When the typed parameters make it too long, they are
 * left out whole (and Back says so) rather than cut, which would restore values the user never typed.
 */
export function encodeFormSnapshot(snapshot: FormSnapshot): string {
  const full = JSON.stringify(encoded(snapshot));
  if (full.length <= PRIVATE_METADATA_LIMIT) return full;
  const flowLabel = snapshot.flow ? { ...snapshot.flow, label: snapshot.flow.label.slice(0, 75) } : undefined;
  return JSON.stringify(
    encoded({
      ...snapshot,
      ...(flowLabel ? { flow: flowLabel } : {}),
      parameters: [],
      extra: '',
      truncated: true,
    }),
  );
}

/** The snapshot of a view this app built, or undefined for anything else. */
export function decodeFormSnapshot(text: string): FormSnapshot | undefined {
  const parsed = parseJsonWith(schema, text);
  if (!parsed) return undefined;
  const e = parsed;
  return {
    ...(e.c ? { channelId: e.c } : {}),
    zone: e.z,
    ...(e.f ? { flow: { id: e.f.id, label: e.f.l } } : {}),
    when: e.w,
    mode: e.m,
    ...(e.d ? { date: e.d } : {}),
    ...(e.t ? { time: e.t } : {}),
    backdate: e.b,
    parameters: e.p.map(([index, digest, value]) => ({ index, digest, value })),
    extra: e.x,
    ...(e.pi ? { conversationId: e.pi } : {}),
    backfill: {
      ...(e.bf.f ? { from: e.bf.f } : {}),
      ...(e.bf.t ? { to: e.bf.t } : {}),
      ...(e.bf.a ? { at: e.bf.a } : {}),
      order: e.bf.o,
      onFailure: e.bf.k,
    },
    ...(e.tr ? { truncated: true } : {}),
  };
}

import type { z } from 'zod';

/**
 * `text` as JSON that `schema` accepts, or undefined: for values that come back to us through a
 * client (a view's private_metadata), where anything malformed or forged is simply not ours.
 */
export function parseJsonWith<S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * Reads one record through keyv and validates it. A record that is not JSON, or not of the
 * expected shape, is logged and treated as missing rather than thrown: for a link that means the
 * user is told they are not linked and an admin re-links them (which overwrites the bad record),
 * instead of every trigger failing with a store error no one can fix from Slack. Backend failures
 * still throw.
 */
export async function readRecord<S extends z.ZodType>(
  keyv: Keyv,
  key: string,
  schema: S,
  logger: Logger,
): Promise<z.output<S> | undefined> {
  let stored: unknown;
  try {
    stored = await keyv.get(key);
  } catch (error) {
    // keyv parses the stored JSON outside its own error handling: a SyntaxError is the record's
    // fault, anything else the backend's.
    if (!(error instanceof SyntaxError)) throw error;
    logger.error({ key, err: error }, 'store record is not valid JSON; treating it as missing');
    return undefined;
  }
  if (stored === undefined || stored === null) return undefined;
  const parsed = schema.safeParse(stored);
  if (!parsed.success) {
    // Issue paths and messages only: the record's values may hold parameters nobody should log.
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    logger.error({ key, issues }, 'store record has an unexpected shape; treating it as missing');
    return undefined;
  }
  return parsed.data;
}

/** Validates a record before it is written; throws an Error naming the bad fields (not their values). */
export function validateForWrite<S extends z.ZodType>(schema: S, record: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`refusing to write an invalid ${what} (${issues.join('; ')})`);
}

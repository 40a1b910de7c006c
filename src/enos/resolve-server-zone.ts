import type { Logger } from 'pino';
import { ianaServerZone } from '../core/iana-server-zone';
import type { EnosGateway } from '../core/ports';

/** Where the server's zone came from. */
export type ServerZoneSource = 'ENOS_SERVER_TIMEZONE' | 'EnOS' | 'fallback';

/**
 * The zone EnOS writes its run times in: ENOS_SERVER_TIMEZONE when set (already checked by the
 * config), else asked once from EnOS (Get Time Zone), else UTC with a warning, since a start or end
 * time shown a few hours off is better than no app. Called once at start; the answer is kept.
 */
export async function resolveServerZone(options: {
  configured?: string;
  enos: Pick<EnosGateway, 'getTimeZone'>;
  logger: Logger;
}): Promise<{ zone: string; source: ServerZoneSource }> {
  const { configured, enos, logger } = options;
  if (configured !== undefined) return { zone: configured, source: 'ENOS_SERVER_TIMEZONE' };
  let answer: string;
  try {
    answer = await enos.getTimeZone();
  } catch (error) {
    logger.warn(
      { err: error },
      'could not ask EnOS for its time zone: reading EnOS times as UTC; set ENOS_SERVER_TIMEZONE to the EnOS server’s zone',
    );
    return { zone: 'UTC', source: 'fallback' };
  }
  const zone = ianaServerZone(answer);
  if (zone === undefined) {
    logger.warn(
      { answer: answer.slice(0, 100) },
      'EnOS named a time zone flow-trigger cannot read: reading EnOS times as UTC; set ENOS_SERVER_TIMEZONE',
    );
    return { zone: 'UTC', source: 'fallback' };
  }
  logger.info({ zone, answer }, 'EnOS server time zone read from EnOS');
  return { zone, source: 'EnOS' };
}

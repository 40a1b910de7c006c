import { localToEpochs, zoneOffsetMs } from './time-zone';

const ENOS_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;

/**
 * An EnOS FlowInstance time (`yyyy-MM-dd HH:mm:ss`, in the EnOS server's zone, which the text does
 * not name) as epoch milliseconds, read in `serverZone` (ENOS_SERVER_TIMEZONE). A number is taken
 * as epoch milliseconds already (some EnOS versions send them, inferred). Undefined for anything
 * else: a time shown wrong is worse than a time not shown.
 */
export function parseEnosTime(text: string | undefined, serverZone: string): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d{12,}$/.test(trimmed)) return Number(trimmed);
  const match = ENOS_TIME.exec(trimmed);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const local = { year, month, day, hour, minute };
  // An ambiguous local time (clocks going back) is read as the earlier instant; one in a gap
  // (clocks going forward) cannot be a server reading, but is read with the offset before it.
  const [first] = localToEpochs(local, serverZone);
  const base =
    first ??
    Date.UTC(year, month - 1, day, hour, minute) -
      zoneOffsetMs(Date.UTC(year, month - 1, day - 1), serverZone);
  return base + second * 1000;
}

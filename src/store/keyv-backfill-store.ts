import type Keyv from 'keyv';
import type { Logger } from 'pino';
import {
  type BackfillControlRequest,
  type BackfillRecord,
  type BackfillStore,
  isActiveBackfill,
} from '../core/backfill';
import type { ClaimStore } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { backfillControlRequestSchema, backfillRecordSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvBackfillStore} is built from. */
export interface KeyvBackfillStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  claims: ClaimStore;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * A control waits this long for a runner pass to take it: far longer than a pass's interval, short
 * enough that a control nobody takes (the backfill ended meanwhile) does not block the next click
 * for long.
 */
export const BACKFILL_CONTROL_TTL_MS = 10 * 60 * 1000;

/** The claim holding a backfill's pending control (its value the request as JSON). */
export function backfillControlKey(teamId: string, backfillId: string): string {
  return `backfill-control:${teamId}:${backfillId}`;
}

/**
 * Started backfills as keyv records (`backfill:<team>:<id>`) plus two indexes while active: one of
 * every team scored by `nextAt` (the runner's due list), one per team scored by `createdAt`
 * (`/flow-trigger backfills`, the Home tab). An ended backfill leaves both indexes and stays as a
 * record (its thread and `history` still name it).
 *
 * The order of writes is the watch store's: record, then indexes on `put`. An index entry whose
 * record is gone or unreadable, or no longer active, is dropped when a list meets it.
 *
 * Controls are not written into the record (only the lease holder writes it): a control is a claim
 * in the ClaimStore, whose atomic `claim` makes the first click win until a pass takes it.
 */
export class KeyvBackfillStore implements BackfillStore {
  constructor(private readonly deps: KeyvBackfillStoreDeps) {}

  put(backfill: BackfillRecord): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write the backfill ${backfill.id}`, async () => {
      const record = validateForWrite(backfillRecordSchema, backfill, 'backfill');
      await keyv.set(keys.backfill(record.teamId, record.id), record);
      const member = dueMember(record.teamId, record.id);
      if (isActiveBackfill(record)) {
        await index.add(keys.backfillDueIndex(), member, record.nextAt);
        await index.add(keys.backfillActiveIndex(record.teamId), record.id, record.createdAt);
      } else {
        await index.remove(keys.backfillDueIndex(), member);
        await index.remove(keys.backfillActiveIndex(record.teamId), record.id);
      }
    });
  }

  get(teamId: string, id: string): Promise<BackfillRecord | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the backfill ${id}`, () =>
      readRecord(keyv, keys.backfill(teamId, id), backfillRecordSchema, logger),
    );
  }

  listDue(now: number, limit: number): Promise<BackfillRecord[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    const count = Math.floor(limit);
    return runner.run('list the due backfills', async () => {
      if (!(count > 0)) return [];
      const members = await index.range(keys.backfillDueIndex(), { order: 'asc', maxScore: now, count });
      const due: BackfillRecord[] = [];
      for (const member of members) {
        const parsed = parseDueMember(member);
        const record = parsed
          ? await readRecord(keyv, keys.backfill(parsed.teamId, parsed.id), backfillRecordSchema, logger)
          : undefined;
        if (record && isActiveBackfill(record)) {
          due.push(record);
          continue;
        }
        // Gone, unreadable (logged) or ended by a put cut short: it would stay due forever.
        logger.warn({ member }, 'backfill index entry without an active record; removing it');
        await index.remove(keys.backfillDueIndex(), member);
      }
      return due;
    });
  }

  listActive(teamId: string, limit: number): Promise<BackfillRecord[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    const count = Math.floor(limit);
    return runner.run('list the active backfills', async () => {
      if (!(count > 0)) return [];
      const ids = await index.range(keys.backfillActiveIndex(teamId), { order: 'desc', count });
      const records = await Promise.all(
        ids.map((id) => readRecord(keyv, keys.backfill(teamId, id), backfillRecordSchema, logger)),
      );
      const active: BackfillRecord[] = [];
      for (const [i, record] of records.entries()) {
        if (record && isActiveBackfill(record)) {
          active.push(record);
          continue;
        }
        await index.remove(keys.backfillActiveIndex(teamId), ids[i]!);
      }
      return active;
    });
  }

  async requestControl(
    teamId: string,
    id: string,
    request: BackfillControlRequest,
  ): Promise<{ accepted: true } | { accepted: false; pending: BackfillControlRequest }> {
    const { claims } = this.deps;
    const value = JSON.stringify(validateForWrite(backfillControlRequestSchema, request, 'backfill control'));
    const result = await claims.claim(backfillControlKey(teamId, id), value, BACKFILL_CONTROL_TTL_MS);
    if (result.claimed) return { accepted: true };
    const pending = this.parseControl(result.existing);
    // An unreadable pending value (another version wrote it) still blocks: say it as this click.
    return { accepted: false, pending: pending ?? request };
  }

  async takeControl(teamId: string, id: string): Promise<BackfillControlRequest | undefined> {
    const { claims } = this.deps;
    const key = backfillControlKey(teamId, id);
    // Under the backfill's lease only one taker runs; a click between the get and the release
    // finds the claim still held and is told the first one is being applied.
    const value = await claims.get(key);
    if (value === undefined) return undefined;
    await claims.release(key);
    return this.parseControl(value);
  }

  private parseControl(value: string): BackfillControlRequest | undefined {
    try {
      const parsed = backfillControlRequestSchema.safeParse(JSON.parse(value));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through
    }
    this.deps.logger.error('backfill control request is not readable; ignoring it');
    return undefined;
  }
}

function dueMember(teamId: string, id: string): string {
  return `${encodeURIComponent(teamId)}:${encodeURIComponent(id)}`;
}

function parseDueMember(member: string): { teamId: string; id: string } | undefined {
  const [team, id, ...rest] = member.split(':');
  if (team === undefined || id === undefined || rest.length > 0) return undefined;
  try {
    return { teamId: decodeURIComponent(team), id: decodeURIComponent(id) };
  } catch {
    return undefined;
  }
}

import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { AuditRecord, AuditStore } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { auditRecordSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvAuditStore} is built from. */
export interface KeyvAuditStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/** Index entries read per round trip by `listRecent`; filters may need several pages. */
const PAGE_SIZE = 50;

/**
 * Records remembered as indexed. A trigger writes its record three times within seconds, and at
 * most TRIGGER_CONCURRENCY triggers write at once, so a thousand covers every record in flight; a
 * record written again after it was forgotten is only indexed again, with the same score.
 */
const INDEXED_MEMORY = 1_000;

/** A member of the age index: team and record ID, each encoded, so `:` inside cannot mislead. */
function ageMember(teamId: string, id: string): string {
  return `${encodeURIComponent(teamId)}:${encodeURIComponent(id)}`;
}

function parseAgeMember(member: string): { teamId: string; id: string } | undefined {
  const [team, id, extra] = member.split(':');
  if (team === undefined || id === undefined || extra !== undefined) return undefined;
  try {
    return { teamId: decodeURIComponent(team), id: decodeURIComponent(id) };
  } catch {
    return undefined;
  }
}

/** Newest first, as the indexes order them: by requestedAt, then by ID (bytewise) descending. */
function newestFirst(a: AuditRecord, b: AuditRecord): number {
  const byTime = Date.parse(b.requestedAt) - Date.parse(a.requestedAt);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Audit records as keyv records (`audit:<team>:<id>`) plus four indexes scored by `requestedAt`:
 * the team's, the user's, the conversation's, and one age index across teams for retention. Lists
 * read the newest entries of the narrowest index first and stop at `limit`, so `history` and the
 * Home tab cost the same with 100 or 100,000 records (docs/benchmarks.md).
 *
 * `put` writes the record, then (re)indexes it, so an indexed ID always has a record unless the
 * process died in between; such an entry is skipped. `deleteOlderThan` removes the record first,
 * then its entries, for the same reason.
 *
 * A trigger writes its record three times (pending, its thread, its outcome) with the same
 * `requestedAt`, user and conversation, so the index entries are written only when this process
 * has not written them with that score yet: eight statements fewer per trigger.
 */
export class KeyvAuditStore implements AuditStore {
  /** `record` → score last indexed, oldest first; bounded. */
  private readonly indexed = new Map<string, number>();

  constructor(private readonly deps: KeyvAuditStoreDeps) {}

  put(record: AuditRecord): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write audit record ${record.teamId}/${record.id}`, async () => {
      const valid = validateForWrite(auditRecordSchema, record, 'audit record');
      await keyv.set(keys.audit(valid.teamId, valid.id), valid);
      const score = Date.parse(valid.requestedAt);
      const memo = [valid.teamId, valid.id, valid.slackUserId, valid.channelId].join('\u0000');
      if (this.indexed.get(memo) === score) return;
      await Promise.all([
        index.add(keys.auditIndex(valid.teamId), valid.id, score),
        index.add(keys.auditUserIndex(valid.teamId, valid.slackUserId), valid.id, score),
        index.add(keys.auditChannelIndex(valid.teamId, valid.channelId), valid.id, score),
        index.add(keys.auditAgeIndex(), ageMember(valid.teamId, valid.id), score),
      ]);
      this.remember(memo, score);
    });
  }

  private remember(memo: string, score: number): void {
    this.indexed.delete(memo);
    if (this.indexed.size >= INDEXED_MEMORY) {
      const oldest = this.indexed.keys().next().value;
      if (oldest !== undefined) this.indexed.delete(oldest);
    }
    this.indexed.set(memo, score);
  }

  get(teamId: string, id: string): Promise<AuditRecord | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read audit record ${teamId}/${id}`, () =>
      readRecord(keyv, keys.audit(teamId, id), auditRecordSchema, logger),
    );
  }

  listRecent(
    teamId: string,
    filter: { slackUserId?: string; flowId?: number; limit: number },
  ): Promise<AuditRecord[]> {
    const { keys, runner } = this.deps;
    const indexName =
      filter.slackUserId === undefined
        ? keys.auditIndex(teamId)
        : keys.auditUserIndex(teamId, filter.slackUserId);
    return runner.run(`list recent audit records of ${teamId}`, () =>
      this.collect(teamId, indexName, filter.limit, (record) => {
        if (filter.slackUserId !== undefined && record.slackUserId !== filter.slackUserId) return false;
        return filter.flowId === undefined || record.flowId === filter.flowId;
      }),
    );
  }

  listVisible(
    teamId: string,
    filter: { slackUserId: string; channelId: string; flowId?: number; limit: number },
  ): Promise<AuditRecord[]> {
    const { keys, runner } = this.deps;
    const ofFlow = (record: AuditRecord) => filter.flowId === undefined || record.flowId === filter.flowId;
    return runner.run(`list visible audit records of ${teamId}`, async () => {
      const [own, here] = await Promise.all([
        this.collect(
          teamId,
          keys.auditUserIndex(teamId, filter.slackUserId),
          filter.limit,
          (r) => r.slackUserId === filter.slackUserId && ofFlow(r),
        ),
        // Another user's attempt counts only when it was announced here (it has a thread): a result
        // that went to them privately stays theirs.
        this.collect(
          teamId,
          keys.auditChannelIndex(teamId, filter.channelId),
          filter.limit,
          (r) =>
            r.channelId === filter.channelId &&
            (r.slackUserId === filter.slackUserId || r.threadTs !== undefined) &&
            ofFlow(r),
        ),
      ]);
      const byId = new Map([...own, ...here].map((r) => [r.id, r]));
      return [...byId.values()].sort(newestFirst).slice(0, Math.max(0, Math.floor(filter.limit)));
    });
  }

  deleteOlderThan(cutoffMs: number, batch: number): Promise<number> {
    const { keyv, index, keys, runner, logger } = this.deps;
    return runner.run('delete old audit records', async () => {
      const members = await index.range(keys.auditAgeIndex(), {
        order: 'asc',
        maxScore: cutoffMs - 1,
        count: batch,
      });
      await Promise.all(
        members.map(async (member) => {
          const ref = parseAgeMember(member);
          if (ref) {
            const record = await readRecord(keyv, keys.audit(ref.teamId, ref.id), auditRecordSchema, logger);
            await keyv.delete(keys.audit(ref.teamId, ref.id));
            await Promise.all([
              index.remove(keys.auditIndex(ref.teamId), ref.id),
              ...(record
                ? [
                    index.remove(keys.auditUserIndex(ref.teamId, record.slackUserId), ref.id),
                    index.remove(keys.auditChannelIndex(ref.teamId, record.channelId), ref.id),
                  ]
                : []),
            ]);
          }
          await index.remove(keys.auditAgeIndex(), member);
        }),
      );
      return members.length;
    });
  }

  /**
   * Pages through `indexName`, newest first, until `limit` records pass `accept`. A record indexed
   * while we page shifts later entries back by one: an ID may come twice (skipped), never be missed.
   */
  private async collect(
    teamId: string,
    indexName: string,
    rawLimit: number,
    accept: (record: AuditRecord) => boolean,
  ): Promise<AuditRecord[]> {
    const { keyv, index, keys, logger } = this.deps;
    const limit = Math.floor(rawLimit);
    const found: AuditRecord[] = [];
    if (!(limit > 0)) return found;
    const seen = new Set<string>();
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const ids = await index.range(indexName, { order: 'desc', offset, count: PAGE_SIZE });
      const records = await Promise.all(
        ids.map((id) => readRecord(keyv, keys.audit(teamId, id), auditRecordSchema, logger)),
      );
      for (const record of records) {
        if (record === undefined || record.teamId !== teamId || seen.has(record.id)) continue;
        seen.add(record.id);
        if (!accept(record)) continue;
        found.push(record);
        if (found.length === limit) return found;
      }
      if (ids.length < PAGE_SIZE) return found;
    }
  }
}

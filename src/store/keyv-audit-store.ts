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

/**
 * Audit records as keyv records (`audit:<team>:<id>`) plus one index per team scored by
 * `requestedAt`, so `listRecent` reads the newest entries first and stops at `limit` instead of
 * reading every record. User and flow filters are applied to the records read, page by page: one
 * index per team is the simple choice; a rare user in a long history costs more pages, which is
 * fine at the volumes of manual triggers. (Per-user and per-flow indexes would be the next step.)
 *
 * `put` writes the record, then (re)indexes it, so an indexed ID always has a record unless the
 * process died in between; such an entry is skipped. Records are never deleted.
 *
 * A trigger writes its record three times (pending, its thread, its outcome) with the same
 * `requestedAt`, so the index entry is written only when this process has not written it with
 * that score yet: two statements fewer per trigger. Entries are never removed, so a remembered
 * one is still there.
 */
export class KeyvAuditStore implements AuditStore {
  /** `index:id` → score last written, oldest first; bounded. */
  private readonly indexed = new Map<string, number>();

  constructor(private readonly deps: KeyvAuditStoreDeps) {}

  put(record: AuditRecord): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write audit record ${record.teamId}/${record.id}`, async () => {
      const valid = validateForWrite(auditRecordSchema, record, 'audit record');
      await keyv.set(keys.audit(valid.teamId, valid.id), valid);
      const indexName = keys.auditIndex(valid.teamId);
      const score = Date.parse(valid.requestedAt);
      const memo = `${indexName}\u0000${valid.id}`;
      if (this.indexed.get(memo) === score) return;
      await index.add(indexName, valid.id, score);
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
    const { keyv, index, keys, runner, logger } = this.deps;
    const limit = Math.floor(filter.limit);
    return runner.run(`list recent audit records of ${teamId}`, async () => {
      const found: AuditRecord[] = [];
      if (!(limit > 0)) return found;
      // A record indexed while we page shifts later entries back by one: an ID may come twice,
      // never be skipped (nothing is ever unindexed).
      const seen = new Set<string>();
      for (let offset = 0; ; offset += PAGE_SIZE) {
        const ids = await index.range(keys.auditIndex(teamId), { order: 'desc', offset, count: PAGE_SIZE });
        const records = await Promise.all(
          ids.map((id) => readRecord(keyv, keys.audit(teamId, id), auditRecordSchema, logger)),
        );
        for (const record of records) {
          if (record === undefined || record.teamId !== teamId || seen.has(record.id)) continue;
          seen.add(record.id);
          if (filter.slackUserId !== undefined && record.slackUserId !== filter.slackUserId) continue;
          if (filter.flowId !== undefined && record.flowId !== filter.flowId) continue;
          found.push(record);
          if (found.length === limit) return found;
        }
        if (ids.length < PAGE_SIZE) return found;
      }
    });
  }
}

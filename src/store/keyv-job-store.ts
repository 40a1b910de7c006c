import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { JobStore } from '../core/ports';
import type { TriggerJob } from '../core/trigger-job';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { triggerJobSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvJobStore} is built from. */
export interface KeyvJobStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * Trigger jobs as keyv records (`job:<id>`) plus one index scored by the time recovery should look
 * at each (`dueAt`), so that a recovery pass reads only the jobs due now, on both backends. The
 * same order of writes as the watch store: record then index on `put`, index then record on
 * `remove`; an index entry left without its record is dropped by `listDue`.
 *
 * A finished job is removed; a job left behind by a bug would be met by every recovery pass, so
 * the record also expires (a day after its last write) rather than growing the store forever.
 */
export class KeyvJobStore implements JobStore {
  constructor(private readonly deps: KeyvJobStoreDeps) {}

  put(job: TriggerJob): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write the job ${job.id}`, async () => {
      const record = validateForWrite(triggerJobSchema, job, 'trigger job');
      await keyv.set(keys.job(record.id), record, JOB_TTL_MS);
      await index.add(keys.jobIndex(), record.id, record.dueAt);
    });
  }

  get(id: string): Promise<TriggerJob | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the job ${id}`, () => readRecord(keyv, keys.job(id), triggerJobSchema, logger));
  }

  remove(id: string): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`remove the job ${id}`, async () => {
      await index.remove(keys.jobIndex(), id);
      await keyv.delete(keys.job(id));
    });
  }

  listDue(now: number, limit: number): Promise<TriggerJob[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    const count = Math.floor(limit);
    return runner.run('list the due jobs', async () => {
      if (!(count > 0)) return [];
      const ids = await index.range(keys.jobIndex(), { order: 'asc', maxScore: now, count });
      const records = await Promise.all(
        ids.map((id) => readRecord(keyv, keys.job(id), triggerJobSchema, logger)),
      );
      const due: TriggerJob[] = [];
      for (const [i, record] of records.entries()) {
        if (record) {
          due.push(record);
          continue;
        }
        // Removed meanwhile (finished by another replica), expired, or unreadable (logged).
        await index.remove(keys.jobIndex(), ids[i]!);
      }
      return due;
    });
  }
}

/** How long a job record lives after its last write: far beyond any job's life. */
export const JOB_TTL_MS = 24 * 60 * 60 * 1000;

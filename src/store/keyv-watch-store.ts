import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { RunWatch, WatchStore } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { runWatchSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvWatchStore} is built from. */
export interface KeyvWatchStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * Run watches as keyv records (`watch:<instanceId>`) plus one index scored by the next poll time,
 * so `listDue` reads only the watches due now, most overdue first, on both backends.
 *
 * As for links: `put` writes the record, then indexes it; `remove` unindexes, then deletes. A crash
 * between the two writes can leave either half behind:
 * - a record without its index entry (a `put` cut short, or a `remove` cut short): no pass lists
 *   it. After a cut-short `put`, the trigger job that wrote it is still unfinished, and its rerun
 *   by recovery writes the watch again, index entry included; after a cut-short `remove`, the run
 *   was done with, and the record is only an unlisted leftover.
 * - an index entry whose record is gone or unreadable (expired, or written by an older version):
 *   `listDue` removes it when it meets it, so that it cannot sit at the head of the index forever.
 *
 * An index score may lag behind its record for a moment (a replica between the two writes of a
 * `put`): `listDue` reports what the index says, and the watcher decides on the record it reads
 * again under the watch's lease.
 */
export class KeyvWatchStore implements WatchStore {
  constructor(private readonly deps: KeyvWatchStoreDeps) {}

  put(watch: RunWatch): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write the watch of ${watch.instanceId}`, async () => {
      const record = validateForWrite(runWatchSchema, watch, 'run watch');
      await keyv.set(keys.watch(record.instanceId), record);
      await index.add(keys.watchIndex(), record.instanceId, record.nextPollAt);
    });
  }

  get(instanceId: string): Promise<RunWatch | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the watch of ${instanceId}`, () =>
      readRecord(keyv, keys.watch(instanceId), runWatchSchema, logger),
    );
  }

  remove(instanceId: string): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`remove the watch of ${instanceId}`, async () => {
      await index.remove(keys.watchIndex(), instanceId);
      await keyv.delete(keys.watch(instanceId));
    });
  }

  listDue(now: number, limit: number): Promise<RunWatch[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    const count = Math.floor(limit);
    return runner.run('list the due watches', async () => {
      if (!(count > 0)) return [];
      const ids = await index.range(keys.watchIndex(), { order: 'asc', maxScore: now, count });
      const records = await Promise.all(
        ids.map((id) => readRecord(keyv, keys.watch(id), runWatchSchema, logger)),
      );
      const due: RunWatch[] = [];
      for (const [i, record] of records.entries()) {
        if (record) {
          due.push(record);
          continue;
        }
        // A record that is gone (or unreadable, and logged as such) is unindexed, or it would
        // stay due forever and take a place in every pass.
        logger.warn({ instanceId: ids[i] }, 'watch index entry without a readable record; removing it');
        await index.remove(keys.watchIndex(), ids[i]!);
      }
      return due;
    });
  }
}

import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { BackfillPlanStore, StoredBackfillPlan } from '../core/stored-backfill-plan';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { storedBackfillPlanSchema } from './record-schemas';

/** What {@link KeyvBackfillPlanStore} is built from. */
export interface KeyvBackfillPlanStoreDeps {
  keyv: Keyv;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/** Previewed backfills as keyv records (`backfill-plan:<team>:<id>`) that expire by themselves, like previews. */
export class KeyvBackfillPlanStore implements BackfillPlanStore {
  constructor(private readonly deps: KeyvBackfillPlanStoreDeps) {}

  put(plan: StoredBackfillPlan, ttlMs: number): Promise<void> {
    const { keyv, keys, runner } = this.deps;
    return runner.run(`write the backfill plan ${plan.id}`, async () => {
      const record = validateForWrite(storedBackfillPlanSchema, plan, 'backfill plan');
      await keyv.set(keys.backfillPlan(record.teamId, record.id), record, ttlMs);
    });
  }

  get(teamId: string, id: string): Promise<StoredBackfillPlan | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the backfill plan ${id}`, () =>
      readRecord(keyv, keys.backfillPlan(teamId, id), storedBackfillPlanSchema, logger),
    );
  }
}

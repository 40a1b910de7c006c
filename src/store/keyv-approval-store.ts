import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { ApprovalRequest } from '../core/approval-request';
import type { ApprovalStore } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { approvalRequestSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvApprovalStore} is built from. */
export interface KeyvApprovalStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * Approval requests as keyv records (`approval:<id>`) plus one index of the pending ones scored by
 * their deadline, so that the expiry pass reads only the requests that are due (as the job store
 * indexes jobs by due time). A request leaves the index when it is decided; its record stays a
 * while after (APPROVAL_TTL_MS from its last write), so that a late click is told how it ended.
 */
export class KeyvApprovalStore implements ApprovalStore {
  constructor(private readonly deps: KeyvApprovalStoreDeps) {}

  put(request: ApprovalRequest): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write the approval request ${request.id}`, async () => {
      const record = validateForWrite(approvalRequestSchema, request, 'approval request');
      await keyv.set(keys.approval(record.id), record, APPROVAL_TTL_MS);
      if (record.state === 'pending') await index.add(keys.approvalIndex(), record.id, record.deadline);
      else await index.remove(keys.approvalIndex(), record.id);
    });
  }

  get(id: string): Promise<ApprovalRequest | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the approval request ${id}`, () =>
      readRecord(keyv, keys.approval(id), approvalRequestSchema, logger),
    );
  }

  remove(id: string): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`remove the approval request ${id}`, async () => {
      await index.remove(keys.approvalIndex(), id);
      await keyv.delete(keys.approval(id));
    });
  }

  listExpired(now: number, limit: number): Promise<ApprovalRequest[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    const count = Math.floor(limit);
    return runner.run('list the expired approval requests', async () => {
      if (!(count > 0)) return [];
      const ids = await index.range(keys.approvalIndex(), { order: 'asc', maxScore: now, count });
      const records = await Promise.all(
        ids.map((id) => readRecord(keyv, keys.approval(id), approvalRequestSchema, logger)),
      );
      const due: ApprovalRequest[] = [];
      for (const [i, record] of records.entries()) {
        if (record?.state === 'pending') {
          due.push(record);
          continue;
        }
        // Decided meanwhile (another replica), gone, or unreadable (logged).
        await index.remove(keys.approvalIndex(), ids[i]!);
      }
      return due;
    });
  }
}

/**
 * How long a request's record lives after its last write: beyond any rule's timeout (the backend's
 * own clock expires it, so a pending request is never dropped before the expiry pass sees it), and
 * long enough that a late click is told how it ended.
 */
export const APPROVAL_TTL_MS = 8 * 24 * 60 * 60 * 1000;

import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { PreviewStore, StoredPreview } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { storedPreviewSchema } from './record-schemas';

/** What {@link KeyvPreviewStore} is built from. */
export interface KeyvPreviewStoreDeps {
  keyv: Keyv;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * Previews as keyv records (`preview:<team>:<id>`) that expire by themselves: a Trigger button is
 * good for a while (docs/product.md: 15 minutes), and nothing lists previews, so no index is needed.
 */
export class KeyvPreviewStore implements PreviewStore {
  constructor(private readonly deps: KeyvPreviewStoreDeps) {}

  put(preview: StoredPreview, ttlMs: number): Promise<void> {
    const { keyv, keys, runner } = this.deps;
    return runner.run(`write the preview ${preview.id}`, async () => {
      const record = validateForWrite(storedPreviewSchema, preview, 'preview');
      await keyv.set(keys.preview(record.teamId, record.id), record, ttlMs);
    });
  }

  get(teamId: string, id: string): Promise<StoredPreview | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the preview ${id}`, () =>
      readRecord(keyv, keys.preview(teamId, id), storedPreviewSchema, logger),
    );
  }
}

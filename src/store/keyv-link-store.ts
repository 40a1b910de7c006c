import type Keyv from 'keyv';
import type { Logger } from 'pino';
import type { Link, LinkStore } from '../core/ports';
import type { OperationRunner } from './create-operation-runner';
import type { StoreKeys } from './create-store-keys';
import { readRecord, validateForWrite } from './read-record';
import { linkSchema } from './record-schemas';
import type { SortedIndex } from './sorted-index';

/** What {@link KeyvLinkStore} is built from. */
export interface KeyvLinkStoreDeps {
  keyv: Keyv;
  index: SortedIndex;
  keys: StoreKeys;
  runner: OperationRunner;
  logger: Logger;
}

/**
 * Links as keyv records (`link:<team>:<user>`) plus a per-team index of Slack user IDs for `list`.
 *
 * Why an index rather than keyv's iterator: both adapters have one in these versions, but
 * @keyv/redis iterates with SCAN over the whole keyspace (every audit record and claim too) and
 * Keyv only iterates its own single namespace, so a per-team listing would need one adapter (and
 * one connection) per team. The index costs a second write per change, and the two writes are not
 * one transaction, so their order matters: `put` writes the record, then indexes it; `remove`
 * unindexes, then deletes. Under any interleaving of a put and a remove of the same user, a record
 * that exists ends up indexed; the only possible leftover is an index entry without a record,
 * which `list` skips.
 */
export class KeyvLinkStore implements LinkStore {
  constructor(private readonly deps: KeyvLinkStoreDeps) {}

  get(teamId: string, slackUserId: string): Promise<Link | undefined> {
    const { keyv, keys, runner, logger } = this.deps;
    return runner.run(`read the link of ${teamId}/${slackUserId}`, () =>
      readRecord(keyv, keys.link(teamId, slackUserId), linkSchema, logger),
    );
  }

  put(link: Link): Promise<void> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`write the link of ${link.teamId}/${link.slackUserId}`, async () => {
      const record = validateForWrite(linkSchema, link, 'link');
      await keyv.set(keys.link(record.teamId, record.slackUserId), record);
      // Equal scores: the index orders by member, that is by Slack user ID.
      await index.add(keys.linkIndex(record.teamId), record.slackUserId, 0);
    });
  }

  remove(teamId: string, slackUserId: string): Promise<boolean> {
    const { keyv, index, keys, runner } = this.deps;
    return runner.run(`remove the link of ${teamId}/${slackUserId}`, async () => {
      await index.remove(keys.linkIndex(teamId), slackUserId);
      return keyv.delete(keys.link(teamId, slackUserId));
    });
  }

  list(teamId: string): Promise<Link[]> {
    const { keyv, index, keys, runner, logger } = this.deps;
    return runner.run(`list the links of ${teamId}`, async () => {
      const userIds = await index.range(keys.linkIndex(teamId), { order: 'asc' });
      const links = await Promise.all(
        userIds.map((userId) => readRecord(keyv, keys.link(teamId, userId), linkSchema, logger)),
      );
      return links
        .filter((link): link is Link => link !== undefined && link.teamId === teamId)
        .sort((a, b) => compareStrings(a.slackUserId, b.slackUserId));
    });
  }
}

/** Bytewise order, as Redis and SQLite's BINARY collation sort, independent of the process locale. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

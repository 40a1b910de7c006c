/**
 * A set of members ordered by a numeric score (then by member, bytewise): a Redis sorted set, or
 * rows of the SQLite `sorted_index` table. It is what lets a team's links and recent audit records
 * be listed without reading the whole store; keyv itself can only enumerate by scanning every key.
 */
export interface SortedIndex {
  /** Adds `member`, or moves it to `score`. Idempotent. */
  add(index: string, member: string, score: number): Promise<void>;
  /** Removes `member` if present. */
  remove(index: string, member: string): Promise<void>;
  /** Members in score order (ties by member), from `offset`, at most `count` (default: all). */
  range(index: string, options: SortedIndexRange): Promise<string[]>;
}

/** Which part of a {@link SortedIndex} to read. */
export interface SortedIndexRange {
  order: 'asc' | 'desc';
  offset?: number;
  count?: number;
  /** Only members scored at most this (due times up to now); ascending order only. */
  maxScore?: number;
}

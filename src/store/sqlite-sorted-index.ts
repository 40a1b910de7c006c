import type { SortedIndex, SortedIndexRange } from './sorted-index';
import type { SqliteQuery } from './sqlite-query';

/** Creates the table behind {@link SqliteSortedIndex}; idempotent. */
export const SQLITE_SORTED_INDEX_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sorted_index (
     name TEXT NOT NULL,
     member TEXT NOT NULL,
     score REAL NOT NULL,
     PRIMARY KEY (name, member)
   ) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS sorted_index_by_score ON sorted_index (name, score, member)',
];

/** {@link SortedIndex} on a SQLite table; each call is one statement. */
export class SqliteSortedIndex implements SortedIndex {
  constructor(private readonly query: SqliteQuery) {}

  async add(index: string, member: string, score: number): Promise<void> {
    await this.query(
      `INSERT INTO sorted_index (name, member, score) VALUES (?, ?, ?)
       ON CONFLICT (name, member) DO UPDATE SET score = excluded.score`,
      [index, member, score],
    );
  }

  async remove(index: string, member: string): Promise<void> {
    await this.query('DELETE FROM sorted_index WHERE name = ? AND member = ?', [index, member]);
  }

  async range(index: string, { order, offset = 0, count, maxScore }: SortedIndexRange): Promise<string[]> {
    if (maxScore !== undefined) {
      if (order !== 'asc') throw new RangeError('maxScore is for ascending ranges');
      const rows = (await this.query(
        'SELECT member FROM sorted_index WHERE name = ? AND score <= ? ORDER BY score ASC, member ASC LIMIT ? OFFSET ?',
        [index, maxScore, count ?? -1, offset],
      )) as Array<{ member: string }>;
      return rows.map((row) => row.member);
    }
    // Fixed SQL per order: the direction is not a parameter, and never comes from input.
    const sql =
      order === 'asc'
        ? 'SELECT member FROM sorted_index WHERE name = ? ORDER BY score ASC, member ASC LIMIT ? OFFSET ?'
        : 'SELECT member FROM sorted_index WHERE name = ? ORDER BY score DESC, member DESC LIMIT ? OFFSET ?';
    // LIMIT -1 is SQLite for "no limit".
    const rows = (await this.query(sql, [index, count ?? -1, offset])) as Array<{ member: string }>;
    return rows.map((row) => row.member);
  }
}

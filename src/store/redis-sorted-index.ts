import type { RedisClient } from './create-redis-client';
import type { SortedIndex, SortedIndexRange } from './sorted-index';

/** {@link SortedIndex} on Redis sorted sets. */
export class RedisSortedIndex implements SortedIndex {
  constructor(private readonly client: RedisClient) {}

  async add(index: string, member: string, score: number): Promise<void> {
    await this.client.zAdd(index, { score, value: member });
  }

  async remove(index: string, member: string): Promise<void> {
    await this.client.zRem(index, member);
  }

  async range(index: string, { order, offset = 0, count, maxScore }: SortedIndexRange): Promise<string[]> {
    if (count !== undefined && count <= 0) return [];
    if (maxScore !== undefined) {
      if (order !== 'asc') throw new RangeError('maxScore is for ascending ranges');
      // ZRANGEBYSCORE (not ZRANGE … BYSCORE, which needs Redis 6.2); LIMIT needs a count, -1 is all.
      const reply = await this.client.sendCommand([
        'ZRANGEBYSCORE',
        index,
        '-inf',
        String(maxScore),
        'LIMIT',
        String(offset),
        String(count ?? -1),
      ]);
      if (!Array.isArray(reply)) throw new Error('ZRANGEBYSCORE did not answer with an array');
      return reply.map(String);
    }
    const stop = count === undefined ? -1 : offset + count - 1;
    if (order === 'asc') return this.client.zRange(index, offset, stop);
    // ZREVRANGE rather than ZRANGE … REV, which needs Redis 6.2; node-redis 5 has no typed helper.
    const reply = await this.client.sendCommand(['ZREVRANGE', index, String(offset), String(stop)]);
    if (!Array.isArray(reply)) throw new Error('ZREVRANGE did not answer with an array');
    return reply.map(String);
  }
}

import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { SpamRecord, SpamWindowStore } from './spamWindow.ts';

// For each message in turn: trim, read, add and expire, all in one atomic step on the server.
// ARGV holds four values per key: since, at, member, ttl. Taken in order, so two messages of
// one author in the same batch see each other as they would in two calls.
const RECORD_AND_LIST_MANY = `
local lists = {}
for i, key in ipairs(KEYS) do
  local since, at, member, ttl = ARGV[i * 4 - 3], ARGV[i * 4 - 2], ARGV[i * 4 - 1], ARGV[i * 4]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', since)
  lists[i] = redis.call('ZRANGEBYSCORE', key, '(' .. since, at)
  redis.call('ZADD', key, at, member)
  redis.call('PEXPIRE', key, ttl)
end
return lists`;

type WithSpamWindow = Redis & {
  spamWindowRecordAndListMany(
    numberOfKeys: number,
    ...keysThenArgs: (string | number)[]
  ): Promise<string[][]>;
};

interface Pending {
  readonly key: string;
  readonly args: readonly [since: number, at: number, member: string, ttlMs: number];
  resolve(earlier: string[]): void;
  reject(err: unknown): void;
}

/**
 * Each author's spam window as a Redis sorted set scored by time, so every replica sees the
 * same window. The calls made while the event loop is busy with one batch of messages go to
 * Redis together, as one script call: one round trip per batch, not per message. A redelivered
 * message adds the same member again and does not see itself.
 */
export class RedisSpamWindowStore implements SpamWindowStore {
  private readonly redis: WithSpamWindow;
  #pending: Pending[] = [];

  constructor(
    redis: Redis,
    private readonly key: (guildId: string, userId: string) => string = redisKeys.spamWindow,
    /** The most messages in one script call. */
    private readonly maxBatch = 256,
  ) {
    if (!('spamWindowRecordAndListMany' in redis)) {
      redis.defineCommand('spamWindowRecordAndListMany', { lua: RECORD_AND_LIST_MANY });
    }
    this.redis = redis as WithSpamWindow;
  }

  async recordAndList(
    guildId: string,
    userId: string,
    record: SpamRecord,
    windowMs: number,
  ): Promise<SpamRecord[]> {
    const member = `${record.at}:${record.contentHash}`;
    const earlier = await new Promise<string[]>((resolve, reject) => {
      const args = [record.at - windowMs, record.at, member, windowMs * 2] as const;
      if (this.#pending.push({ key: this.key(guildId, userId), args, resolve, reject }) === 1) {
        setImmediate(() => this.#flush());
      }
    });
    return earlier
      .filter((m) => m !== member)
      .map((m) => {
        const [at, contentHash] = m.split(':');
        return { at: Number(at), contentHash: contentHash ?? '' };
      });
  }

  #flush(): void {
    const all = this.#pending;
    this.#pending = [];
    for (let start = 0; start < all.length; start += this.maxBatch) {
      void this.#send(all.slice(start, start + this.maxBatch));
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      const lists = await this.redis.spamWindowRecordAndListMany(
        batch.length,
        ...batch.map((p) => p.key),
        ...batch.flatMap((p) => p.args),
      );
      for (const [i, p] of batch.entries()) p.resolve(lists[i] ?? []);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

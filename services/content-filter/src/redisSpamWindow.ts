import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { SpamRecord, SpamWindowStore } from './spamWindow.ts';

// Trim, read, add and expire in one atomic step on the server: one command per message.
const RECORD_AND_LIST = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local earlier = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return earlier`;

type WithSpamWindow = Redis & {
  spamWindowRecordAndList(
    key: string,
    since: number,
    at: number,
    member: string,
    ttlMs: number,
  ): Promise<string[]>;
};

/**
 * Each author's spam window as a Redis sorted set scored by time, so every replica sees the
 * same window. A Lua script trims, reads, adds and sets the expiry atomically. A redelivered
 * message adds the same member again and does not see itself.
 */
export class RedisSpamWindowStore implements SpamWindowStore {
  private readonly redis: WithSpamWindow;

  constructor(
    redis: Redis,
    private readonly key: (guildId: string, userId: string) => string = redisKeys.spamWindow,
  ) {
    if (!('spamWindowRecordAndList' in redis)) {
      redis.defineCommand('spamWindowRecordAndList', { numberOfKeys: 1, lua: RECORD_AND_LIST });
    }
    this.redis = redis as WithSpamWindow;
  }

  async recordAndList(
    guildId: string,
    userId: string,
    record: SpamRecord,
    windowMs: number,
  ): Promise<SpamRecord[]> {
    const key = this.key(guildId, userId);
    const member = `${record.at}:${record.contentHash}`;
    const since = record.at - windowMs;
    const earlier = await this.redis.spamWindowRecordAndList(key, since, record.at, member, windowMs * 2);
    return earlier
      .filter((m) => m !== member)
      .map((m) => {
        const [at, contentHash] = m.split(':');
        return { at: Number(at), contentHash: contentHash ?? '' };
      });
  }
}

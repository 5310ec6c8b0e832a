import type { InviteSnapshot } from '@chat-guard/discord';
import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import { attributionKeys } from './attributionStore.ts';

/** An invite as the snapshot keeps it: what Discord says of it, and the campaign it belongs to. */
export type TrackedInvite = InviteSnapshot & { readonly campaign?: string | null };

/**
 * Each guild's live invites in Redis (code → snapshot) and its vanity code: what the invite
 * guard allows and what join attribution diffs against. Losing Redis loses no record: the
 * snapshot is rebuilt from Discord when the guild becomes available.
 */
export class InviteSnapshots {
  constructor(private readonly redis: Redis) {}

  /**
   * Replaces a guild's snapshot in one step. Uses seen before are forgotten and the rebuild time
   * kept: a join from before it cannot be attributed by a delta any more (`restart`).
   */
  async replace(
    guildId: string,
    invites: readonly TrackedInvite[],
    vanity: string | null,
    rebuiltAt = Date.now(),
  ): Promise<void> {
    const key = redisKeys.invites(guildId);
    const tx = this.redis
      .multi()
      .del(key, attributionKeys.vanished(guildId), attributionKeys.unclaimed(guildId))
      .set(attributionKeys.rebuiltAt(guildId), String(rebuiltAt));
    for (const invite of invites) tx.hset(key, invite.code, JSON.stringify(invite));
    if (vanity) tx.set(redisKeys.vanity(guildId), vanity);
    else tx.del(redisKeys.vanity(guildId));
    const results = await tx.exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  async upsert(guildId: string, invite: TrackedInvite): Promise<void> {
    await this.redis.hset(redisKeys.invites(guildId), invite.code, JSON.stringify(invite));
  }

  /** Adds an invite just created, unless a fetch already saw it (and its uses). */
  async add(guildId: string, invite: TrackedInvite): Promise<void> {
    await this.redis.hsetnx(redisKeys.invites(guildId), invite.code, JSON.stringify(invite));
  }

  /** Removes an invite, keeping it as vanished until attribution has diffed it. */
  async remove(guildId: string, code: string): Promise<void> {
    await this.redis.eval(
      `local v = redis.call('hget', KEYS[1], ARGV[1])
       if v then redis.call('hset', KEYS[2], ARGV[1], v); redis.call('expire', KEYS[2], 86400) end
       return redis.call('hdel', KEYS[1], ARGV[1])`,
      2,
      redisKeys.invites(guildId),
      attributionKeys.vanished(guildId),
      code,
    );
  }

  /** The guild's snapshot as stored. */
  async read(guildId: string): Promise<{ invites: TrackedInvite[]; vanity: string | null }> {
    const [entries, vanity] = await Promise.all([
      this.redis.hgetall(redisKeys.invites(guildId)),
      this.redis.get(redisKeys.vanity(guildId)),
    ]);
    return { invites: Object.values(entries).map((v) => JSON.parse(v) as TrackedInvite), vanity };
  }
}

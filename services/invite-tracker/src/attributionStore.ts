import { randomUUID } from 'node:crypto';
import type { InviteSnapshot } from '@chat-guard/discord';
import type { EventPayload } from '@chat-guard/events';
import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';
import type { Unclaimed } from './attributeJoins.ts';

export type MemberAttributed = EventPayload<'member.attributed'>;

/** The Redis keys of join attribution (declared with every other shared key in `redisKeys`). */
export const attributionKeys = {
  vanished: redisKeys.vanishedInvites,
  unclaimed: redisKeys.unclaimedUses,
  rebuiltAt: redisKeys.snapshotRebuiltAt,
  joins: redisKeys.attributions,
  lock: redisKeys.attributionLock,
};

/** Long enough for any redelivery; JetStream gives up after 8 deliveries within minutes. */
const ATTRIBUTIONS_TTL_SEC = 2 * 24 * 3600;
const LOCK_TTL_MS = 30_000;
const LOCK_POLL_MS = 25;

export interface AttributionState {
  readonly invites: InviteSnapshot[];
  readonly vanished: InviteSnapshot[];
  readonly vanity: string | null;
  readonly unclaimed: Unclaimed[];
  readonly rebuiltAt: number;
}

/** The key an attribution is stored under: one join of one member. */
export function joinKey(join: { readonly userId: string; readonly joinedAt: number }): string {
  return `${join.userId}:${join.joinedAt}`;
}

/** Join attribution's state in Redis: the baseline to diff against and the attributions made. */
export class AttributionStore {
  constructor(private readonly redis: Redis) {}

  async read(guildId: string): Promise<AttributionState> {
    const [invites, vanished, vanity, unclaimed, rebuiltAt] = await Promise.all([
      this.redis.hgetall(redisKeys.invites(guildId)),
      this.redis.hgetall(attributionKeys.vanished(guildId)),
      this.redis.get(redisKeys.vanity(guildId)),
      this.redis.get(attributionKeys.unclaimed(guildId)),
      this.redis.get(attributionKeys.rebuiltAt(guildId)),
    ]);
    const parse = (entries: Record<string, string>) =>
      Object.values(entries).map((v) => JSON.parse(v) as InviteSnapshot);
    return {
      invites: parse(invites),
      vanished: parse(vanished),
      vanity,
      unclaimed: unclaimed ? (JSON.parse(unclaimed) as Unclaimed[]) : [],
      rebuiltAt: rebuiltAt ? Number(rebuiltAt) : 0,
    };
  }

  /** The attributions already made of these joins, by `joinKey`. */
  async attributed(guildId: string, keys: readonly string[]): Promise<Map<string, MemberAttributed>> {
    if (keys.length === 0) return new Map();
    const values = await this.redis.hmget(attributionKeys.joins(guildId), ...keys);
    const found = new Map<string, MemberAttributed>();
    keys.forEach((key, i) => {
      const value = values[i];
      if (value) found.set(key, JSON.parse(value) as MemberAttributed);
    });
    return found;
  }

  /**
   * Stores a batch in one step: the fetched invites become the baseline, the vanished invites
   * that were diffed are dropped, and the attributions are kept for redeliveries.
   */
  async commit(
    guildId: string,
    batch: {
      readonly invites: readonly InviteSnapshot[] | null;
      readonly vanishedSeen: readonly string[];
      readonly unclaimed: readonly Unclaimed[];
      readonly attributions: readonly MemberAttributed[];
      /** Set when this fetch is the first baseline. */
      readonly rebuiltAt?: number;
    },
  ): Promise<void> {
    const tx = this.redis.multi();
    if (batch.invites) {
      const key = redisKeys.invites(guildId);
      tx.del(key);
      for (const invite of batch.invites) tx.hset(key, invite.code, JSON.stringify(invite));
      const fetched = new Set(batch.invites.map((i) => i.code));
      const gone = batch.vanishedSeen.filter((code) => !fetched.has(code));
      if (gone.length > 0) tx.hdel(attributionKeys.vanished(guildId), ...gone);
      tx.set(attributionKeys.unclaimed(guildId), JSON.stringify(batch.unclaimed));
      if (batch.rebuiltAt !== undefined) tx.set(attributionKeys.rebuiltAt(guildId), String(batch.rebuiltAt));
    }
    if (batch.attributions.length > 0) {
      const joins = attributionKeys.joins(guildId);
      for (const a of batch.attributions) tx.hset(joins, joinKey(a), JSON.stringify(a));
      tx.expire(joins, ATTRIBUTIONS_TTL_SEC);
    }
    const results = await tx.exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  /** Runs `task` holding the guild's attribution lock, so replicas diff one after another. */
  async withLock<T>(guildId: string, task: () => Promise<T>): Promise<T> {
    const key = attributionKeys.lock(guildId);
    const token = randomUUID();
    while ((await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return await task();
    } finally {
      await this.redis.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
        1,
        key,
        token,
      );
    }
  }

  /** Forgets a guild's attribution state (tests and the eval command clean up with it). */
  async clear(guildId: string): Promise<void> {
    await this.redis.del(
      redisKeys.invites(guildId),
      redisKeys.vanity(guildId),
      ...Object.values(attributionKeys).map((k) => k(guildId)),
    );
  }
}

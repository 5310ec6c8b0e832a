import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';

/**
 * The guild's own invite codes (and vanity code), which the invite guard allows. Read from
 * Redis at most once per guild every `ttlMs`, so the hot path rarely leaves the process.
 */
export class GuildInviteCodes {
  readonly #cache = new Map<string, { codes: ReadonlySet<string>; until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async of(guildId: string): Promise<ReadonlySet<string>> {
    const cached = this.#cache.get(guildId);
    if (cached && cached.until > this.now()) return cached.codes;
    const [codes, vanity] = await Promise.all([
      this.redis.hkeys(redisKeys.invites(guildId)),
      this.redis.get(redisKeys.vanity(guildId)),
    ]);
    const set = new Set(vanity ? [...codes, vanity] : codes);
    this.#cache.set(guildId, { codes: set, until: this.now() + this.ttlMs });
    return set;
  }
}

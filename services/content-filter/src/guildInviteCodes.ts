import { DependencyUnavailableError } from '@chat-guard/bus';
import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';

/**
 * The guild's own invite codes (and vanity code), which the invite guard allows. Read from
 * Redis at most once per guild every `ttlMs`, so the hot path rarely leaves the process.
 *
 * A guild whose snapshot this replica has seen built, and which is now gone (Redis restarted
 * empty), is not judged with an empty list, which would make its own invites foreign: the
 * read fails as a dependency that is down, the message is kept, and it is judged once the
 * invite-tracker has rebuilt the snapshot.
 */
export class GuildInviteCodes {
  readonly #cache = new Map<string, { codes: ReadonlySet<string>; until: number }>();
  readonly #built = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async of(guildId: string): Promise<ReadonlySet<string>> {
    const cached = this.#cache.get(guildId);
    if (cached && cached.until > this.now()) return cached.codes;
    const [codes, vanity, rebuiltAt] = await Promise.all([
      this.redis.hkeys(redisKeys.invites(guildId)),
      this.redis.get(redisKeys.vanity(guildId)),
      this.redis.get(redisKeys.snapshotRebuiltAt(guildId)),
    ]);
    if (rebuiltAt !== null) this.#built.add(guildId);
    else if (this.#built.has(guildId))
      throw new DependencyUnavailableError(
        `the invite snapshot of guild ${guildId}, lost by Redis and being rebuilt`,
      );
    const set = new Set(vanity ? [...codes, vanity] : codes);
    this.#cache.set(guildId, { codes: set, until: this.now() + this.ttlMs });
    return set;
  }
}

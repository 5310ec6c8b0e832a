import { redisKeys } from '@chat-guard/store';
import type { Redis } from 'ioredis';

/**
 * The guilds whose invite snapshot this replica has seen, and a check that finds the ones
 * Redis has lost (restarted empty): each is rebuilt from Discord at once, not at the next join,
 * so the guild's own invite links are never judged foreign meanwhile.
 */
export class SnapshotWatch {
  readonly #vanity = new Map<string, string | null>();

  constructor(private readonly redis: Redis) {}

  /** A guild the service works for, with its vanity code when the event carries it. */
  note(guildId: string, vanity?: string | null): void {
    if (vanity !== undefined) this.#vanity.set(guildId, vanity);
    else if (!this.#vanity.has(guildId)) this.#vanity.set(guildId, null);
  }

  /** Rebuilds every noted guild whose snapshot is gone; returns those guilds. */
  async rebuildLost(rebuild: (guildId: string, vanity: string | null) => Promise<void>): Promise<string[]> {
    const guilds = [...this.#vanity.keys()];
    if (guilds.length === 0) return [];
    const marks = await this.redis.mget(...guilds.map((g) => redisKeys.snapshotRebuiltAt(g)));
    const lost = guilds.filter((_, i) => marks[i] === null);
    for (const guildId of lost) await rebuild(guildId, this.#vanity.get(guildId) ?? null);
    return lost;
  }
}

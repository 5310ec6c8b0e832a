import { type APIUser, Routes } from 'discord-api-types/v10';
import type { BotRest } from './guildAccess.ts';

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 5_000;
const SNOWFLAKE = /^\d{17,20}$/;

/** Discord users' display names through the bot, remembered a while (names change rarely). */
export class UserNames {
  readonly #cache = new Map<string, { name: string | null; until: number }>();

  constructor(
    private readonly rest: BotRest,
    private readonly now: () => number = Date.now,
  ) {}

  /** Names of the ids that are users (others, like `chat-guard`, are left out); at most `limit` looked up. */
  async of(ids: Iterable<string | null>, limit = 50): Promise<Record<string, string>> {
    const names: Record<string, string> = {};
    const wanted = [
      ...new Set([...ids].filter((id): id is string => id !== null && SNOWFLAKE.test(id))),
    ].slice(0, limit);
    await Promise.all(
      wanted.map(async (id) => {
        const name = await this.#lookup(id);
        if (name) names[id] = name;
      }),
    );
    return names;
  }

  async #lookup(id: string): Promise<string | null> {
    const cached = this.#cache.get(id);
    if (cached && cached.until > this.now()) return cached.name;
    let name: string | null = null;
    try {
      const user = (await this.rest.get(Routes.user(id))) as APIUser;
      name = user.global_name ?? user.username;
    } catch (err) {
      // An unknown user has no name to show; anything else is a real failure.
      if ((err as { status?: unknown }).status !== 404) throw err;
    }
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
    this.#cache.set(id, { name, until: this.now() + TTL_MS });
    return name;
  }
}

import { type DiscordPort, isDiscordRefused } from '@chat-guard/discord';

const TTL_MS = 60 * 60_000;

/**
 * Guild names for the DMs members get (a DM has no guild around it), read from Discord once
 * an hour per guild; "the server" when Discord will not say.
 */
export class GuildNames {
  readonly #cache = new Map<string, { name: string; at: number }>();

  constructor(
    private readonly discord: Pick<DiscordPort, 'guildSummary'>,
    private readonly now: () => number = Date.now,
  ) {}

  async name(guildId: string): Promise<string> {
    const cached = this.#cache.get(guildId);
    if (cached && this.now() - cached.at < TTL_MS) return cached.name;
    try {
      const { name } = await this.discord.guildSummary(guildId);
      this.#cache.set(guildId, { name, at: this.now() });
      return name;
    } catch (err) {
      // Refused (the bot left the guild, say): the DM names no server rather than fail the action.
      if (isDiscordRefused(err)) return 'the server';
      throw err;
    }
  }
}

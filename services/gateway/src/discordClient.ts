import type { IShardingStrategy, WebSocketManager } from '@discordjs/ws';
import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';

/** What the gateway needs from Discord: guilds, members, messages with content, invites. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildInvites,
];

export interface ClientOptions {
  readonly api: string;
  readonly shards: number[] | 'auto';
  readonly shardCount: number | 'auto';
  /** How shards are run; `redisSessionStrategy` keeps their sessions resumable across restarts. */
  readonly buildStrategy?: (manager: WebSocketManager) => IShardingStrategy;
}

/** A discord.js client for the shards this replica runs, against Discord or the sandbox. */
export function createDiscordClient(options: ClientOptions): Client {
  return new Client({
    intents: INTENTS,
    partials: [Partials.Message, Partials.GuildMember],
    rest: { api: options.api },
    ...(options.shards === 'auto' ? { shards: 'auto' } : { shards: options.shards }),
    ...(options.shardCount === 'auto' ? {} : { shardCount: options.shardCount }),
    // Messages are judged as they arrive; only recent ones are kept, for edits.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 200 }),
    ...(options.buildStrategy ? { ws: { buildStrategy: options.buildStrategy } } : {}),
  });
}

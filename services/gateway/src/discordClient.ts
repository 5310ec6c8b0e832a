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

/** Whether a cached member or user is the bot itself, which every guild needs at hand. */
const isBot = (entry: { readonly id: string; readonly client: Client }) => entry.id === entry.client.user?.id;

/**
 * What discord.js keeps in memory. Every event carries what it is judged on, so the gateway
 * keeps only what it reads back: guilds, channels and roles (for permissions), the members and
 * users seen most recently (a message's author is added as it arrives), and no messages (an
 * edit arrives whole; a deletion needs only ids). With every message kept (the image's bundle
 * once lost these limits), the gateway's heap grew from 38 to 74 MB over 10,000 messages; with
 * them it stays near 40 MB.
 */
export const CACHE_LIMITS = {
  MessageManager: 0,
  GuildMemberManager: { maxSize: 250, keepOverLimit: isBot },
  UserManager: { maxSize: 1_000, keepOverLimit: isBot },
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  VoiceStateManager: 0,
  ThreadMemberManager: 0,
  GuildStickerManager: 0,
  GuildScheduledEventManager: 0,
  StageInstanceManager: 0,
} as const;

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
    makeCache: Options.cacheWithLimits(CACHE_LIMITS),
    ...(options.buildStrategy ? { ws: { buildStrategy: options.buildStrategy } } : {}),
  });
}

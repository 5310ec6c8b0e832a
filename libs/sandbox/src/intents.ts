import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';

/** Every intent bit Discord defines, OR-ed together: anything else closes with 4013. */
export const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

const EVENT_INTENT: Readonly<Record<string, number>> = {
  [GatewayDispatchEvents.GuildCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildMemberAdd]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberUpdate]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberRemove]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMembersChunk]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildBanAdd]: GatewayIntentBits.GuildModeration,
  [GatewayDispatchEvents.GuildBanRemove]: GatewayIntentBits.GuildModeration,
  [GatewayDispatchEvents.InviteCreate]: GatewayIntentBits.GuildInvites,
  [GatewayDispatchEvents.InviteDelete]: GatewayIntentBits.GuildInvites,
  [GatewayDispatchEvents.MessageCreate]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.MessageUpdate]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.MessageDelete]: GatewayIntentBits.GuildMessages,
  [GatewayDispatchEvents.MessageDeleteBulk]: GatewayIntentBits.GuildMessages,
};

/** What a session with `intents` receives of a dispatch: the data (maybe without content), or null for nothing. */
export function filterForIntents(intents: number, event: string, data: unknown, botUserId: string): unknown {
  const needed = EVENT_INTENT[event];
  if (needed !== undefined && (intents & needed) === 0) {
    // The bot's own member updates arrive without GUILD_MEMBERS.
    if (!(event === GatewayDispatchEvents.GuildMemberUpdate && userIdOf(data) === botUserId)) return null;
  }
  if (
    (event === GatewayDispatchEvents.MessageCreate || event === GatewayDispatchEvents.MessageUpdate) &&
    (intents & GatewayIntentBits.MessageContent) === 0
  ) {
    return withoutContent(data, botUserId);
  }
  return data;
}

function userIdOf(data: unknown): string | undefined {
  const user = (data as { user?: { id?: unknown } }).user;
  return typeof user?.id === 'string' ? user.id : undefined;
}

/** Without MESSAGE_CONTENT, content fields are empty unless the bot wrote the message or is mentioned. */
function withoutContent(data: unknown, botUserId: string): unknown {
  const message = data as { author?: { id?: string }; mentions?: { id: string }[] };
  if (message.author?.id === botUserId) return data;
  if (message.mentions?.some((u) => u.id === botUserId)) return data;
  return { ...(data as object), content: '', embeds: [], attachments: [], components: [] };
}

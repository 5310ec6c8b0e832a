import type { EventPayload } from '@chat-guard/events';
import {
  type Client,
  type Guild,
  type GuildBasedChannel,
  PermissionFlagsBits,
  PermissionsBitField,
  SnowflakeUtil,
} from 'discord.js';

type MessageCreated = EventPayload<'message.created'>;

const isId = (value: unknown): value is string => typeof value === 'string' && /^\d{1,20}$/.test(value);
const ids = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every(isId) ? (value as string[]) : null;

interface RawMessage {
  readonly id?: unknown;
  readonly guild_id?: unknown;
  readonly channel_id?: unknown;
  readonly content?: unknown;
  readonly author?: { readonly id?: unknown; readonly bot?: unknown };
  readonly member?: { readonly roles?: unknown; readonly joined_at?: unknown };
  readonly mentions?: unknown;
  readonly mention_roles?: unknown;
  readonly mention_everyone?: unknown;
}

/**
 * The `message.created` event read straight from a MESSAGE_CREATE dispatch, the author's
 * permissions in the channel worked out from the guild discord.js has cached, without building
 * discord.js's message, member and user objects for every message (about a third of the
 * gateway's CPU under load; docs/benchmark.md). Null when the dispatch needs discord.js after all: not in
 * a cached guild or channel, no member (a webhook), or any field not as Discord sends it. The
 * caller then hands it to discord.js, and the message takes the usual path.
 */
export function messageCreatedFromDispatch(client: Client, data: unknown): MessageCreated | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as RawMessage;
  const { id, guild_id: guildId, channel_id: channelId, author } = d;
  if (!isId(id) || !isId(guildId) || !isId(channelId) || !isId(author?.id)) return null;
  if (typeof d.content !== 'string' || typeof d.mention_everyone !== 'boolean') return null;
  const memberRoleIds = ids(d.member?.roles);
  const mentionRoleIds = ids(d.mention_roles);
  const mentioned = Array.isArray(d.mentions) ? d.mentions.map((u: { id?: unknown }) => u?.id) : null;
  if (!memberRoleIds || !mentionRoleIds || !mentioned?.every(isId)) return null;
  const guild = client.guilds.cache.get(guildId);
  const channel = guild?.channels.cache.get(channelId);
  if (!guild || !channel) return null;
  const permissions = permissionsIn(guild, channel, author.id, memberRoleIds);
  if (permissions === null) return null;
  return {
    guildId,
    channelId,
    messageId: id,
    authorId: author.id,
    authorIsBot: author.bot === true,
    content: d.content,
    mentionUserIds: [...new Set(mentioned)],
    // As discord.js reads them: only the roles the guild's cache knows.
    mentionRoleIds: [...new Set(mentionRoleIds)].filter((role) => guild.roles.cache.has(role)),
    mentionsEveryone: d.mention_everyone,
    memberRoleIds: [...new Set(memberRoleIds)].filter(
      (role) => role !== guildId && guild.roles.cache.has(role),
    ),
    memberPermissions: permissions.toString(),
    createdAt: SnowflakeUtil.timestampFrom(id),
  };
}

/** When the author of a MESSAGE_CREATE dispatch joined its guild, or null when it does not say. */
export function authorJoinedAt(data: unknown): number | null {
  const joinedAt = (data as RawMessage | null)?.member?.joined_at;
  if (typeof joinedAt !== 'string') return null;
  const ms = Date.parse(joinedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/**
 * A member's permissions in a channel as discord.js works them out (`GuildChannel#memberPermissions`):
 * the owner and administrators have all; otherwise @everyone's and the roles' permissions, then
 * the channel's overwrites for @everyone, the roles and the member, in that order. A thread
 * takes its parent's. Roles the cache does not know count for nothing, as in discord.js. Null
 * when a thread's parent is not cached.
 */
export function permissionsIn(
  guild: Guild,
  channel: GuildBasedChannel,
  userId: string,
  roleIds: readonly string[],
): bigint | null {
  const base = channel.isThread() ? channel.parent : channel;
  if (!base || !('permissionOverwrites' in base)) return null;
  if (userId === guild.ownerId) return PermissionsBitField.All;
  const roles = guild.roles.cache;
  let permissions = roles.get(guild.id)?.permissions.bitfield ?? 0n;
  for (const roleId of roleIds) permissions |= roles.get(roleId)?.permissions.bitfield ?? 0n;
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return PermissionsBitField.All;
  const overwrites = base.permissionOverwrites.cache;
  const everyone = overwrites.get(guild.id);
  if (everyone) permissions = (permissions & ~everyone.deny.bitfield) | everyone.allow.bitfield;
  let deny = 0n;
  let allow = 0n;
  for (const roleId of roleIds) {
    const overwrite = roleId === guild.id || !roles.has(roleId) ? undefined : overwrites.get(roleId);
    if (overwrite) {
      deny |= overwrite.deny.bitfield;
      allow |= overwrite.allow.bitfield;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = overwrites.get(userId);
  if (own) permissions = (permissions & ~own.deny.bitfield) | own.allow.bitfield;
  return permissions;
}

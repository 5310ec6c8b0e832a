import {
  type APIExtendedInvite,
  type APIGuild,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildHubType,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  InviteType,
  Locale,
  MessageType,
  OverwriteType,
  type RoleFlags,
  type UserFlags,
} from 'discord-api-types/v10';
import type {
  SandboxChannel,
  SandboxGuild,
  SandboxInvite,
  SandboxMember,
  SandboxMessage,
  SandboxRole,
  SandboxState,
  SandboxUser,
} from './sandboxState.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A user as Discord sends it. */
export function apiUser(user: SandboxUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: user.avatar,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
  };
}

/** The user for an id, or a placeholder for an id the sandbox has never seen. */
export function userOf(state: SandboxState, userId: string): SandboxUser {
  return (
    state.users[userId] ?? {
      id: userId,
      username: `user${userId.slice(-4)}`,
      globalName: null,
      avatar: null,
      bot: false,
    }
  );
}

export function apiRole(role: SandboxRole): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: role.hoist,
    position: role.position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: role.mentionable,
    flags: 0 as RoleFlags,
    icon: null,
    unicode_emoji: null,
  };
}

/** A member without its user, as message and interaction payloads carry it. */
export function apiMemberFields(member: SandboxMember): Omit<APIGuildMember, 'user'> {
  return {
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: iso(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: member.communicationDisabledUntil,
  };
}

export function apiMember(state: SandboxState, member: SandboxMember): APIGuildMember {
  return { ...apiMemberFields(member), user: apiUser(userOf(state, member.userId)) };
}

export function apiChannel(channel: SandboxChannel): APITextChannel {
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: channel.guildId,
    name: channel.name,
    topic: channel.topic,
    position: channel.position,
    rate_limit_per_user: channel.rateLimitPerUser,
    permission_overwrites: channel.permissionOverwrites.map((o) => ({
      id: o.id,
      type: o.type === 0 ? OverwriteType.Role : OverwriteType.Member,
      allow: o.allow,
      deny: o.deny,
    })),
    parent_id: null,
    nsfw: false,
    last_message_id: channel.lastMessageId,
    last_pin_timestamp: null,
    default_auto_archive_duration: 4320,
    flags: 0 as ChannelFlags,
  };
}

export function apiGuild(guild: SandboxGuild): APIGuild {
  const firstChannel = Object.values(guild.channels)[0];
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: guild.verificationLevel,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: Object.values(guild.roles).map(apiRole),
    emojis: [],
    stickers: [],
    features: guild.vanityCode ? ['VANITY_URL' as APIGuild['features'][number]] : [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: firstChannel?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: guild.vanityCode,
    description: null,
    banner: null,
    premium_tier: guild.vanityCode ? GuildPremiumTier.Tier3 : GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null as GuildHubType | null,
    safety_alerts_channel_id: null,
    incidents_data: guild.incidentsData,
  };
}

export function apiMessage(state: SandboxState, message: SandboxMessage, guild: SandboxGuild): APIMessage {
  const author = userOf(state, message.authorId);
  const mentionIds = [...message.content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] ?? '');
  return {
    id: message.id,
    channel_id: message.channelId,
    author: apiUser(author),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt === null ? null : iso(message.editedAt),
    tts: false,
    mention_everyone: /@(everyone|here)/.test(message.content),
    mentions: [...new Set(mentionIds)]
      .filter((id) => guild.members[id])
      .map((id) => apiUser(userOf(state, id))),
    mention_roles: [
      ...new Set([...message.content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1] ?? '')),
    ].filter((id) => guild.roles[id]),
    attachments: [],
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    type: message.interactionId ? MessageType.ChatInputCommand : MessageType.Default,
    flags: message.flags,
    ...(message.webhookId ? { webhook_id: message.webhookId, application_id: state.application.id } : {}),
  } as APIMessage;
}

export function apiInvite(
  state: SandboxState,
  invite: SandboxInvite,
  guild: SandboxGuild,
): APIExtendedInvite {
  const channel = guild.channels[invite.channelId];
  return {
    type: InviteType.Guild,
    code: invite.code,
    guild: {
      id: guild.id,
      name: guild.name,
      splash: null,
      banner: null,
      icon: null,
      description: null,
      features: [],
      verification_level: guild.verificationLevel,
      vanity_url_code: guild.vanityCode,
      nsfw_level: GuildNSFWLevel.Default,
      premium_subscription_count: 0,
    },
    channel: channel ? { id: channel.id, name: channel.name, type: ChannelType.GuildText } : null,
    ...(invite.inviterId ? { inviter: apiUser(userOf(state, invite.inviterId)) } : {}),
    uses: invite.uses,
    max_uses: invite.maxUses,
    max_age: invite.maxAge,
    temporary: invite.temporary,
    created_at: iso(invite.createdAt),
    expires_at: invite.maxAge > 0 ? iso(invite.createdAt + invite.maxAge * 1000) : null,
  };
}

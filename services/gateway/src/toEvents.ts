import type { EventPayload } from '@chat-guard/events';
import type { GuildMember, Invite, Message, PartialGuildMember } from 'discord.js';

/** A guild message as the `message.created` event carries it; undefined outside guilds. */
export function messageFields(message: Message) {
  if (!message.inGuild()) return undefined;
  const member = message.member;
  const permissions = member ? member.permissionsIn(message.channel).bitfield : 0n;
  return {
    guildId: message.guildId,
    channelId: message.channelId,
    messageId: message.id,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    content: message.content,
    mentionUserIds: [...message.mentions.users.keys()],
    mentionRoleIds: [...message.mentions.roles.keys()],
    mentionsEveryone: message.mentions.everyone,
    memberRoleIds: member ? [...member.roles.cache.keys()].filter((id) => id !== message.guildId) : [],
    memberPermissions: permissions.toString(),
  };
}

export function memberJoined(member: GuildMember): EventPayload<'member.joined'> {
  return {
    guildId: member.guild.id,
    userId: member.id,
    username: member.user.username,
    globalName: member.user.globalName,
    avatar: member.user.avatar,
    bot: member.user.bot,
    joinedAt: member.joinedTimestamp ?? Date.now(),
  };
}

export function memberLeft(
  member: GuildMember | PartialGuildMember,
  at: number,
): EventPayload<'member.left'> {
  return { guildId: member.guild.id, userId: member.id, leftAt: at };
}

export function memberUpdated(member: GuildMember, at: number): EventPayload<'member.updated'> {
  return {
    guildId: member.guild.id,
    userId: member.id,
    roleIds: [...member.roles.cache.keys()].filter((id) => id !== member.guild.id),
    communicationDisabledUntil: member.communicationDisabledUntilTimestamp,
    updatedAt: at,
  };
}

export function inviteCreated(invite: Invite, guildId: string): EventPayload<'invite.created'> {
  return {
    guildId,
    channelId: invite.channelId ?? guildId,
    code: invite.code,
    inviterId: invite.inviterId,
    uses: invite.uses ?? 0,
    maxUses: invite.maxUses ?? 0,
    maxAgeSec: invite.maxAge ?? 0,
    createdAt: invite.createdTimestamp ?? Date.now(),
  };
}

import { PermissionFlagsBits } from 'discord-api-types/v10';
import { SandboxUsageError } from './errors.ts';
import { channelPermissions } from './permissions.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type {
  SandboxGuild,
  SandboxInvite,
  SandboxMember,
  SandboxMessage,
  SandboxUser,
} from './sandboxState.ts';
import { snowflakeTimestamp } from './snowflake.ts';

/** Discord would refuse what a simulated user tried (timed out, slowmode, no permission to send). */
export class UserActionRejectedError extends Error {
  constructor(
    readonly userId: string,
    readonly why: string,
  ) {
    super(`user ${userId} cannot do that: ${why}`);
    this.name = 'UserActionRejectedError';
  }
}

export interface PostMessageInput {
  readonly channelId: string;
  readonly userId: string;
  readonly content: string;
  /** Checked against the channel's guild when given. */
  readonly guildId?: string;
}

export interface NewUser {
  readonly id?: string;
  readonly username?: string;
  readonly globalName?: string | null;
  /** Null for a default avatar. */
  readonly avatar?: string | null;
  readonly bot?: boolean;
  /** When the account was created (ms); encoded in the id. Default: 400 days ago. */
  readonly createdAt?: number;
}

export interface JoinInput {
  readonly guildId: string;
  /** An invite code of the guild, `"vanity"`, or null/absent for unknown. */
  readonly inviteCode?: string | null;
  readonly user?: NewUser;
}

const MINUTE_MS = 60_000;

/**
 * What the guild's verification level still asks of a member before they may talk, or null.
 * Medium: an account older than 5 minutes; High: also a member for 10 minutes; Highest: a verified
 * phone, which sandbox accounts never have. Members with any role are exempt, as on Discord.
 */
export function verificationUnmet(guild: SandboxGuild, member: SandboxMember, now: number): string | null {
  if (member.roles.length > 0 || member.userId === guild.ownerId) return null;
  const level = guild.verificationLevel;
  if (level >= 4) return 'verification level Highest needs a verified phone';
  if (level >= 2 && now - snowflakeTimestamp(member.userId) < 5 * MINUTE_MS)
    return 'account younger than 5 minutes';
  if (level >= 3 && now - member.joinedAt < 10 * MINUTE_MS) return 'member for less than 10 minutes';
  return null;
}

/** What simulated users do in the sandbox: chat, join, leave, create invites. */
export class UserActions {
  constructor(private readonly core: SandboxCore) {}

  /** A user sends a message; rejected like Discord would while timed out, in slowmode or without Send Messages. */
  postMessage(input: PostMessageInput): SandboxMessage {
    const { guild, channel } = this.core.channel(input.channelId);
    if (input.guildId !== undefined && input.guildId !== guild.id) {
      throw new SandboxUsageError(`channel ${input.channelId} is not in guild ${input.guildId}`);
    }
    const member = guild.members[input.userId];
    if (!member) throw new SandboxUsageError(`user ${input.userId} is not a member of guild ${guild.id}`);
    const now = this.core.now();
    if (member.communicationDisabledUntil && Date.parse(member.communicationDisabledUntil) > now) {
      throw new UserActionRejectedError(input.userId, 'timed out');
    }
    const unmet = verificationUnmet(guild, member, now);
    if (unmet) throw new UserActionRejectedError(input.userId, unmet);
    const perms = channelPermissions(guild, channel, input.userId);
    if ((perms & PermissionFlagsBits.SendMessages) === 0n)
      throw new UserActionRejectedError(input.userId, 'missing Send Messages');
    const exempt = (perms & (PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageChannels)) !== 0n;
    if (channel.rateLimitPerUser > 0 && !exempt) {
      const last = this.core.lastPostAt.get(`${channel.id}:${input.userId}`) ?? 0;
      if (now - last < channel.rateLimitPerUser * 1000)
        throw new UserActionRejectedError(input.userId, 'slowmode');
    }
    return this.core.createMessage({ channelId: channel.id, authorId: input.userId, content: input.content });
  }

  /** The author edits their message (MESSAGE_UPDATE). */
  editMessage(channelId: string, messageId: string, content: string): SandboxMessage {
    const { guild } = this.core.channel(channelId);
    const message = this.core.message(guild, channelId, messageId);
    this.core.editMessage(guild, message, { content });
    return message;
  }

  /** The author deletes their message (MESSAGE_DELETE). */
  deleteMessage(channelId: string, messageId: string): void {
    const { guild } = this.core.channel(channelId);
    this.core.deleteMessage(guild, this.core.message(guild, channelId, messageId));
  }

  /** Makes (or reuses) an account, with its creation time in its id. */
  user(input: NewUser = {}): SandboxUser {
    if (input.id && this.core.state.users[input.id]) return this.core.state.users[input.id] as SandboxUser;
    const id = input.id ?? this.core.ids.next(input.createdAt ?? this.core.now() - 400 * 86_400_000);
    const user: SandboxUser = {
      id,
      username: input.username ?? `user_${id.slice(-6)}`,
      globalName: input.globalName ?? null,
      avatar: input.avatar === undefined ? null : input.avatar,
      bot: input.bot ?? false,
    };
    this.core.state.users[id] = user;
    return user;
  }

  /** A user joins a guild through an invite (its `uses` goes up), the vanity URL, or an unknown way. */
  addMember(input: JoinInput): { user: SandboxUser; member: SandboxMember } {
    const user = this.user(input.user);
    const member = this.core.addMember(input.guildId, user, input.inviteCode ?? null);
    return { user, member };
  }

  /** A member leaves (GUILD_MEMBER_REMOVE). */
  removeMember(guildId: string, userId: string): void {
    this.core.removeMember(this.core.guild(guildId), userId);
  }

  /** A member (default: the owner) creates an invite (INVITE_CREATE). */
  createInvite(input: {
    guildId: string;
    channelId?: string;
    inviterId?: string;
    maxAge?: number;
    maxUses?: number;
    code?: string;
  }): SandboxInvite {
    const guild = this.core.guild(input.guildId);
    const channelId = input.channelId ?? Object.keys(guild.channels)[0];
    if (!channelId) throw new SandboxUsageError(`guild ${guild.id} has no channel`);
    return this.core.createInvite(guild, channelId, input.inviterId ?? guild.ownerId, {
      ...(input.maxAge !== undefined ? { maxAge: input.maxAge } : {}),
      ...(input.maxUses !== undefined ? { maxUses: input.maxUses } : {}),
      ...(input.code !== undefined ? { code: input.code } : {}),
    });
  }

  /** Gives a guild a vanity URL code (or removes it with null). */
  setVanityCode(guildId: string, code: string | null): void {
    const guild = this.core.guild(guildId);
    guild.vanityCode = code;
    this.core.guildUpdated(guild);
  }
}

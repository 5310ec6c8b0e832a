import { GatewayDispatchEvents, InviteType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { JoinRejectedError, SandboxUsageError, unknown } from './errors.ts';
import { addSeededGuild, type GuildSpec } from './guildSeed.ts';
import type { ActionLog } from './inspection.ts';
import { apiChannel, apiGuild, apiMember, apiMemberFields, apiMessage, apiUser, userOf } from './payloads.ts';
import { Prng } from './prng.ts';
import type { MemberSearchMode } from './routes/memberSearchRoutes.ts';
import type {
  SandboxChannel,
  SandboxGuild,
  SandboxInvite,
  SandboxMember,
  SandboxMessage,
  SandboxState,
  SandboxUser,
} from './sandboxState.ts';
import type { SnowflakeFactory } from './snowflake.ts';

/** Where state changes are announced: the gateway. */
export interface Dispatcher {
  dispatch(event: string, data: unknown, guildId: string | null): void;
  announceGuild(guildId: string): void;
}

export interface NewMessage {
  readonly channelId: string;
  readonly authorId: string;
  readonly content: string;
  readonly embeds?: SandboxMessage['embeds'];
  readonly components?: SandboxMessage['components'];
  readonly flags?: number;
  readonly interactionId?: string | null;
  readonly webhookId?: string | null;
  /** Only the invoking user sees it: stored, but no MESSAGE_CREATE reaches the bot. */
  readonly ephemeral?: boolean;
}

const CODE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The sandbox's state with the operations that change it; each announces itself on the gateway like Discord. */
export class SandboxCore {
  readonly #codes: Prng;

  constructor(
    readonly state: SandboxState,
    readonly now: () => number,
    readonly ids: SnowflakeFactory,
    readonly gateway: Dispatcher,
    readonly actions: ActionLog,
    seed: number,
    /** Oldest messages beyond this many per guild are forgotten, so long benchmarks keep flat memory. */
    readonly maxMessagesPerGuild = 20_000,
  ) {
    this.#codes = new Prng(seed).fork('invite-codes');
  }

  /** Message ids per guild in creation order, with the index of the oldest still kept. */
  readonly #messageOrder = new Map<string, { ids: string[]; head: number }>();

  #remember(guild: SandboxGuild, messageId: string): void {
    let order = this.#messageOrder.get(guild.id);
    if (!order) {
      order = { ids: [], head: 0 };
      this.#messageOrder.set(guild.id, order);
    }
    order.ids.push(messageId);
    while (order.ids.length - order.head > this.maxMessagesPerGuild) {
      const oldest = order.ids[order.head++];
      if (oldest !== undefined) delete guild.messages[oldest];
    }
    if (order.head > 4096 && order.head * 2 > order.ids.length) {
      order.ids = order.ids.slice(order.head);
      order.head = 0;
    }
  }

  /** How `POST /guilds/{id}/members-search` answers (a switch tests flip). */
  memberSearchMode: MemberSearchMode = 'normal';

  /** Discord drops an interaction the app has not answered within 3 seconds. */
  interactionWindowMs = 3000;

  /** When a user last posted in a channel (for slowmode), in ms. */
  readonly lastPostAt = new Map<string, number>();

  /** The guild, or 404 10004. */
  guild(guildId: string): SandboxGuild {
    const guild = this.state.guilds[guildId];
    if (!guild) throw unknown(RESTJSONErrorCodes.UnknownGuild);
    return guild;
  }

  /** The channel and its guild, or 404 10003. */
  channel(channelId: string): { guild: SandboxGuild; channel: SandboxChannel } {
    for (const guild of Object.values(this.state.guilds)) {
      const channel = guild.channels[channelId];
      if (channel) return { guild, channel };
    }
    throw unknown(RESTJSONErrorCodes.UnknownChannel);
  }

  /** The member, or 404 10007. */
  member(guild: SandboxGuild, userId: string): SandboxMember {
    const member = guild.members[userId];
    if (!member) throw unknown(RESTJSONErrorCodes.UnknownMember);
    return member;
  }

  /** A message in a channel, or 404 10008. */
  message(guild: SandboxGuild, channelId: string, messageId: string): SandboxMessage {
    const message = guild.messages[messageId];
    if (!message || message.channelId !== channelId) throw unknown(RESTJSONErrorCodes.UnknownMessage);
    return message;
  }

  /** The payload of a message as the gateway sends it: with `guild_id` and the author's member. */
  gatewayMessage(guild: SandboxGuild, message: SandboxMessage): Record<string, unknown> {
    const member = guild.members[message.authorId];
    return {
      ...apiMessage(this.state, message, guild),
      guild_id: guild.id,
      ...(member && !message.webhookId ? { member: apiMemberFields(member) } : {}),
    };
  }

  /** Posts a message and dispatches MESSAGE_CREATE. */
  createMessage(input: NewMessage): SandboxMessage {
    const { guild, channel } = this.channel(input.channelId);
    const message: SandboxMessage = {
      id: this.ids.next(),
      guildId: guild.id,
      channelId: channel.id,
      authorId: input.authorId,
      content: input.content,
      embeds: input.embeds ?? [],
      components: input.components ?? [],
      createdAt: this.now(),
      editedAt: null,
      flags: input.flags ?? 0,
      interactionId: input.interactionId ?? null,
      webhookId: input.webhookId ?? null,
    };
    guild.messages[message.id] = message;
    this.#remember(guild, message.id);
    this.lastPostAt.set(`${channel.id}:${input.authorId}`, message.createdAt);
    if (input.ephemeral) return message;
    channel.lastMessageId = message.id;
    this.gateway.dispatch(GatewayDispatchEvents.MessageCreate, this.gatewayMessage(guild, message), guild.id);
    return message;
  }

  /** Changes a message and dispatches MESSAGE_UPDATE. */
  editMessage(
    guild: SandboxGuild,
    message: SandboxMessage,
    patch: Partial<Pick<SandboxMessage, 'content' | 'embeds' | 'components'>>,
  ): void {
    if (patch.content !== undefined) message.content = patch.content;
    if (patch.embeds !== undefined) message.embeds = patch.embeds;
    if (patch.components !== undefined) message.components = patch.components;
    message.editedAt = this.now();
    this.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, this.gatewayMessage(guild, message), guild.id);
  }

  /** Removes a message and dispatches MESSAGE_DELETE. */
  deleteMessage(guild: SandboxGuild, message: SandboxMessage): void {
    delete guild.messages[message.id];
    const data = { id: message.id, channel_id: message.channelId, guild_id: guild.id };
    this.gateway.dispatch(GatewayDispatchEvents.MessageDelete, data, guild.id);
  }

  /** Removes messages of one channel and dispatches MESSAGE_DELETE_BULK. */
  bulkDeleteMessages(guild: SandboxGuild, channelId: string, messageIds: readonly string[]): void {
    for (const id of messageIds) delete guild.messages[id];
    const data = { ids: [...messageIds], channel_id: channelId, guild_id: guild.id };
    this.gateway.dispatch(GatewayDispatchEvents.MessageDeleteBulk, data, guild.id);
  }

  /** Adds a user to a guild through an invite code (`"vanity"`, or null), counting the use; GUILD_MEMBER_ADD. */
  addMember(guildId: string, user: SandboxUser, inviteCode: string | null): SandboxMember {
    const guild = this.guild(guildId);
    if (guild.bans[user.id]) throw new JoinRejectedError(guildId, user.id, 'the user is banned');
    const existing = guild.members[user.id];
    if (existing) return existing;
    const pausedUntil = guild.incidentsData?.invites_disabled_until;
    if (inviteCode !== null && pausedUntil && Date.parse(pausedUntil) > this.now()) {
      throw new JoinRejectedError(guildId, user.id, 'invites are paused');
    }
    let inviterId: string | null = null;
    let joinCode: string | null = null;
    if (inviteCode === 'vanity') {
      if (!guild.vanityCode) throw new SandboxUsageError(`guild ${guildId} has no vanity URL`);
      guild.vanityUses++;
      joinCode = guild.vanityCode;
    } else if (inviteCode !== null) {
      const invite = guild.invites[inviteCode];
      if (!invite) throw new SandboxUsageError(`guild ${guildId} has no invite ${inviteCode}`);
      if (invite.maxAge > 0 && this.now() >= invite.createdAt + invite.maxAge * 1000) {
        throw new JoinRejectedError(guildId, user.id, `invite ${inviteCode} has expired`);
      }
      invite.uses++;
      inviterId = invite.inviterId;
      joinCode = invite.code;
      if (invite.maxUses > 0 && invite.uses >= invite.maxUses) this.deleteInvite(guild, invite);
    }
    this.state.users[user.id] ??= user;
    const member: SandboxMember = {
      userId: user.id,
      roles: [],
      nick: null,
      joinedAt: this.now(),
      communicationDisabledUntil: null,
      inviteCode,
      inviterId,
      joinCode,
    };
    guild.members[user.id] = member;
    this.gateway.dispatch(
      GatewayDispatchEvents.GuildMemberAdd,
      { ...apiMember(this.state, member), guild_id: guild.id },
      guild.id,
    );
    return member;
  }

  /** Removes a member (leave or kick) and dispatches GUILD_MEMBER_REMOVE. */
  removeMember(guild: SandboxGuild, userId: string): void {
    if (!guild.members[userId]) return;
    delete guild.members[userId];
    const data = { guild_id: guild.id, user: apiUser(userOf(this.state, userId)) };
    this.gateway.dispatch(GatewayDispatchEvents.GuildMemberRemove, data, guild.id);
  }

  /** Announces a changed member with GUILD_MEMBER_UPDATE. */
  memberUpdated(guild: SandboxGuild, member: SandboxMember): void {
    this.gateway.dispatch(
      GatewayDispatchEvents.GuildMemberUpdate,
      { ...apiMember(this.state, member), guild_id: guild.id },
      guild.id,
    );
  }

  /** Bans a user (removing the member) and dispatches GUILD_BAN_ADD. */
  ban(guild: SandboxGuild, userId: string, reason: string | null): void {
    guild.bans[userId] = { userId, reason };
    this.removeMember(guild, userId);
    this.gateway.dispatch(
      GatewayDispatchEvents.GuildBanAdd,
      { guild_id: guild.id, user: apiUser(userOf(this.state, userId)) },
      guild.id,
    );
  }

  /** Lifts a ban and dispatches GUILD_BAN_REMOVE. */
  unban(guild: SandboxGuild, userId: string): void {
    delete guild.bans[userId];
    this.gateway.dispatch(
      GatewayDispatchEvents.GuildBanRemove,
      { guild_id: guild.id, user: apiUser(userOf(this.state, userId)) },
      guild.id,
    );
  }

  /** A new invite code that no guild uses yet. */
  newInviteCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < 8; i++) code += this.#codes.pick([...CODE_CHARS]);
      if (!Object.values(this.state.guilds).some((g) => g.invites[code] || g.vanityCode === code))
        return code;
    }
  }

  /** Creates an invite and dispatches INVITE_CREATE. */
  createInvite(
    guild: SandboxGuild,
    channelId: string,
    inviterId: string | null,
    options: { maxAge?: number; maxUses?: number; temporary?: boolean; code?: string } = {},
  ): SandboxInvite {
    const invite: SandboxInvite = {
      code: options.code ?? this.newInviteCode(),
      guildId: guild.id,
      channelId,
      inviterId,
      uses: 0,
      maxUses: options.maxUses ?? 0,
      maxAge: options.maxAge ?? 86400,
      temporary: options.temporary ?? false,
      createdAt: this.now(),
    };
    guild.invites[invite.code] = invite;
    const data = {
      type: InviteType.Guild,
      channel_id: channelId,
      code: invite.code,
      created_at: new Date(invite.createdAt).toISOString(),
      guild_id: guild.id,
      ...(inviterId ? { inviter: apiUser(userOf(this.state, inviterId)) } : {}),
      max_age: invite.maxAge,
      max_uses: invite.maxUses,
      temporary: invite.temporary,
      uses: 0,
    };
    this.gateway.dispatch(GatewayDispatchEvents.InviteCreate, data, guild.id);
    return invite;
  }

  /** Deletes an invite and dispatches INVITE_DELETE. */
  deleteInvite(guild: SandboxGuild, invite: SandboxInvite): void {
    delete guild.invites[invite.code];
    const data = { channel_id: invite.channelId, guild_id: guild.id, code: invite.code };
    this.gateway.dispatch(GatewayDispatchEvents.InviteDelete, data, guild.id);
  }

  /** Announces a changed guild with GUILD_UPDATE. */
  guildUpdated(guild: SandboxGuild): void {
    this.gateway.dispatch(GatewayDispatchEvents.GuildUpdate, apiGuild(guild), guild.id);
  }

  /** Announces a changed channel with CHANNEL_UPDATE. */
  channelUpdated(channel: SandboxChannel): void {
    this.gateway.dispatch(GatewayDispatchEvents.ChannelUpdate, apiChannel(channel), channel.guildId);
  }

  /** Adds a seeded guild (e.g. one a replayed trace names) and sends its GUILD_CREATE. */
  createGuild(guildId: string, spec: GuildSpec = {}): SandboxGuild {
    const existing = this.state.guilds[guildId];
    if (existing) return existing;
    const rng = new Prng(Number(BigInt(guildId) % 4294967296n));
    const guild = addSeededGuild(this.state, guildId, spec, rng, (ms) => this.ids.next(ms));
    this.gateway.announceGuild(guildId);
    return guild;
  }
}

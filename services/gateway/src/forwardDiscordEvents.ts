import type { EventPayload } from '@chat-guard/events';
import { type Client, Events, type Guild, type GuildMember, type Message } from 'discord.js';
import type { ChannelCursors } from './channelCursors.ts';
import type { Forwarder } from './forwarder.ts';
import { inviteCreated, memberJoined, memberLeft, memberUpdated, messageFields } from './toEvents.ts';

export interface GuildHooks {
  /** A guild became available (at start or when the bot joins): register commands, say so. */
  onGuild(guild: Guild): void;
}

/**
 * Publishes a new guild message (live, replayed or read back: the same dedupe id each way) and,
 * once NATS has it, moves its channel's cursor there.
 */
export function forwardMessageCreated(message: Message, forwarder: Forwarder, cursors: ChannelCursors): void {
  const fields = messageFields(message);
  if (!fields) return;
  forwarder.forward('message.created', { ...fields, createdAt: message.createdTimestamp }, () =>
    cursors.published(fields.guildId, fields.channelId, fields.messageId),
  );
}

/** Publishes a join (live or read back: the same dedupe id) and moves the guild's join cursor. */
export function forwardMemberJoined(
  member: GuildMember,
  forwarder: Forwarder,
  cursors: ChannelCursors,
): void {
  const joined = memberJoined(member);
  forwarder.forward('member.joined', joined, () => cursors.joined(joined.guildId, joined.joinedAt));
}

/** Turns every Discord event the services need into an event on the bus. */
export function forwardDiscordEvents(
  client: Client,
  forwarder: Forwarder,
  cursors: ChannelCursors,
  hooks: GuildHooks,
): void {
  client.on(Events.MessageCreate, (message) => forwardMessageCreated(message, forwarder, cursors));
  client.on(Events.MessageUpdate, async (_old, updated) => {
    const message = updated.partial ? await updated.fetch() : updated;
    const fields = messageFields(message);
    if (fields && message.editedTimestamp) {
      forwarder.forward('message.updated', { ...fields, editedAt: message.editedTimestamp });
    }
  });
  client.on(Events.MessageDelete, (message) => {
    if (message.guildId) {
      forwarder.forward('message.deleted', {
        guildId: message.guildId,
        channelId: message.channelId,
        messageId: message.id,
      });
    }
  });
  client.on(Events.GuildMemberAdd, (member) => forwardMemberJoined(member, forwarder, cursors));
  client.on(Events.GuildMemberRemove, (member) =>
    forwarder.forward('member.left', memberLeft(member, Date.now())),
  );
  client.on(Events.GuildMemberUpdate, (_old, member) =>
    forwarder.forward('member.updated', memberUpdated(member, Date.now())),
  );
  client.on(Events.InviteCreate, (invite) => {
    if (invite.guild) forwarder.forward('invite.created', inviteCreated(invite, invite.guild.id));
  });
  client.on(Events.InviteDelete, (invite) => {
    if (invite.guild) {
      const deleted: EventPayload<'invite.deleted'> = {
        guildId: invite.guild.id,
        channelId: invite.channelId ?? invite.guild.id,
        code: invite.code,
        deletedAt: Date.now(),
      };
      forwarder.forward('invite.deleted', deleted);
    }
  });
  const available = (guild: Guild) => {
    forwarder.forward('guild.available', {
      guildId: guild.id,
      name: guild.name,
      memberCount: guild.memberCount,
      vanityCode: guild.vanityURLCode,
      availableAt: Date.now(),
    });
    hooks.onGuild(guild);
  };
  client.on(Events.ClientReady, (ready) => {
    for (const guild of ready.guilds.cache.values()) available(guild);
  });
  client.on(Events.GuildCreate, available);
}

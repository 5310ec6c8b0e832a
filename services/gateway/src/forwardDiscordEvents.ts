import { type EventPayload, NEWCOMER_MS } from '@chat-guard/events';
import { type Client, Events, type Guild, type GuildMember, type Message, Status } from 'discord.js';
import type { ChannelCursors } from './channelCursors.ts';
import type { Forwarder } from './forwarder.ts';
import { authorJoinedAt, messageCreatedFromDispatch } from './rawMessages.ts';
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
  const joinedAt = message.member?.joinedTimestamp ?? null;
  publishCreated({ ...fields, createdAt: message.createdTimestamp }, joinedAt, forwarder, cursors);
}

/**
 * Publishes `message.created` and, when its author is a newcomer (or may be: `joinedAt` null),
 * `newcomer.posted` for the anomaly-detector; the channel's cursor moves once both are stored.
 */
function publishCreated(
  created: EventPayload<'message.created'>,
  joinedAt: number | null,
  forwarder: Forwarder,
  cursors: ChannelCursors,
): void {
  const moveCursor = () => cursors.published(created.guildId, created.channelId, created.messageId);
  const newcomer = !created.authorIsBot && (joinedAt === null || created.createdAt - joinedAt <= NEWCOMER_MS);
  if (!newcomer) {
    forwarder.forward('message.created', created, moveCursor);
    return;
  }
  let unstored = 2;
  const stored = () => --unstored === 0 && moveCursor();
  forwarder.forward('message.created', created, stored);
  forwarder.forward(
    'newcomer.posted',
    {
      guildId: created.guildId,
      channelId: created.channelId,
      messageId: created.messageId,
      authorId: created.authorId,
      authorJoinedAt: joinedAt,
      content: created.content,
      mentionCount: created.mentionUserIds.length + created.mentionRoleIds.length,
      mentionsEveryone: created.mentionsEveryone,
      createdAt: created.createdAt,
    },
    stored,
  );
}

interface DispatchQueue {
  readonly status: Status;
  readonly packetQueue: readonly unknown[];
}

/**
 * Takes live guild messages straight from the MESSAGE_CREATE dispatch where it can
 * (`messageCreatedFromDispatch`), without discord.js building its objects for each, and says
 * whether it did; `guardDispatches` runs it before discord.js. The rest, and every dispatch
 * while discord.js is still getting ready or has dispatches queued, go through discord.js to
 * `Events.MessageCreate` as before. Either way the same event, once.
 */
export function messageCreateInterceptor(
  client: Client,
  forwarder: Forwarder,
  cursors: ChannelCursors,
): (packet: unknown) => boolean {
  // discord.js's queue of dispatches that came before it was ready; private in its types.
  const manager = client.ws as unknown as DispatchQueue;
  return (packet) => {
    const { t, d } = (packet ?? {}) as { t?: unknown; d?: unknown };
    if (t !== 'MESSAGE_CREATE' || manager.status !== Status.Ready || manager.packetQueue.length > 0)
      return false;
    const created = messageCreatedFromDispatch(client, d);
    if (!created) return false;
    publishCreated(created, authorJoinedAt(d), forwarder, cursors);
    return true;
  };
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

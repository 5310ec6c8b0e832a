import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { type Client, Events, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDispatches } from '../../services/gateway/src/guardDispatches.ts';
import { messageCreatedFromDispatch } from '../../services/gateway/src/rawMessages.ts';
import { messageFields } from '../../services/gateway/src/toEvents.ts';
import { waitFor } from '../support/bus.ts';
import { sandboxClient } from '../support/sandboxClient.ts';

// The gateway reads live messages straight from the dispatch; discord.js's own objects must
// give the same event, permissions and all, for every kind of author and channel.
let sandbox: Sandbox;
let client: Client;
let guildId: string;
const fromDispatch = new Map<string, unknown>();
const fromDiscordJs = new Map<string, unknown>();
const dropped: { event: string; reason: string }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 43 });
  guildId = sandbox.guilds[0] ?? '';
  client = await sandboxClient(sandbox, (c) => {
    // A fast path that fails on one message: the guard must drop and report it, not the gateway.
    const failing = (packet: unknown) => {
      if ((packet as { d?: { content?: unknown } } | undefined)?.d?.content === 'boom')
        throw new Error('no such field');
      return false;
    };
    guardDispatches(c, (event, reason) => dropped.push({ event, reason }), failing);
    // Raw comes before discord.js handles the dispatch: both read the same caches.
    c.on(Events.Raw, (packet: { t?: string; d?: { id: string } }) => {
      if (packet.t === 'MESSAGE_CREATE' && packet.d)
        fromDispatch.set(packet.d.id, messageCreatedFromDispatch(c, packet.d));
    });
    c.on(Events.MessageCreate, (message) => {
      const fields = messageFields(message);
      if (fields) fromDiscordJs.set(message.id, { ...fields, createdAt: message.createdTimestamp });
    });
  });
});

afterAll(async () => {
  await client.destroy();
  await sandbox.close();
});

describe('a live message read from the dispatch', () => {
  it('is the event discord.js objects give, for owners, admins, moderators and members, overwrites and mentions', async () => {
    const guild = sandbox.core.state.guilds[guildId];
    if (!guild) throw new Error('no sandbox guild');
    const roleNamed = (name: string) => Object.values(guild.roles).find((r) => r.name === name)?.id ?? '';
    const modRole = roleNamed('Moderator');
    const holding = (roleId: string) =>
      Object.entries(guild.members).find(([, m]) => m.roles.includes(roleId))?.[0] ?? '';
    const moderator = holding(modRole);
    const admin = holding(roleNamed('Admin'));
    const view = sandbox.inspect.guild(guildId);
    const member =
      view.memberIds.find((id) => id !== guild.ownerId && !guild.members[id]?.roles.length) ?? '';
    const general = view.channels.general ?? '';
    const modLog = view.channels['mod-log'] ?? '';
    // Overwrites in #general for the moderators' role and for one member, made through Discord's API.
    const channel = await client.channels.fetch(general);
    if (!channel || !('permissionOverwrites' in channel)) throw new Error('no #general');
    await channel.permissionOverwrites.edit(modRole, { EmbedLinks: false, AddReactions: true });
    await channel.permissionOverwrites.edit(member, { AttachFiles: false, MentionEveryone: true });
    await waitFor(() => channel.permissionOverwrites.cache.size >= 2, 'the overwrites in the cache');

    const posts = [
      {
        userId: guild.ownerId,
        channelId: general,
        content: `hello <@${moderator}> <@&${modRole}> @everyone`,
      },
      { userId: admin, channelId: modLog, content: 'admins see everything' },
      { userId: moderator, channelId: modLog, content: `noted <@${member}> <@${member}>` },
      { userId: moderator, channelId: general, content: 'no embeds for mods here' },
      { userId: member, channelId: general, content: 'hi all, no files for me' },
    ].map((p) => sandbox.users.postMessage(p).id);
    await waitFor(() => posts.every((id) => fromDiscordJs.has(id)), 'every message through discord.js');

    for (const id of posts) {
      expect(fromDispatch.get(id), id).not.toBeNull();
      expect(fromDispatch.get(id), id).toEqual(fromDiscordJs.get(id));
    }
    // Not equal by being empty: the authors' permissions differ as their roles and overwrites say.
    const permissionsOf = (id: string) =>
      BigInt((fromDispatch.get(id) as { memberPermissions: string }).memberPermissions);
    const [owner, , , modInGeneral, memberInGeneral] = posts.map((id) => permissionsOf(id));
    expect(owner).toBe(PermissionsBitField.All);
    expect((modInGeneral ?? 0n) & PermissionFlagsBits.EmbedLinks).toBe(0n);
    expect((modInGeneral ?? 0n) & PermissionFlagsBits.ManageMessages).not.toBe(0n);
    expect((memberInGeneral ?? 0n) & PermissionFlagsBits.AttachFiles).toBe(0n);
    expect((memberInGeneral ?? 0n) & PermissionFlagsBits.MentionEveryone).not.toBe(0n);
    expect((memberInGeneral ?? 0n) & PermissionFlagsBits.ManageMessages).toBe(0n);
    const first = fromDispatch.get(posts[0] ?? '') as { mentionRoleIds: string[]; mentionsEveryone: boolean };
    expect(first.mentionRoleIds).toEqual([modRole]);
    expect(first.mentionsEveryone).toBe(true);
  });

  it('that the fast path fails on is dropped and reported, and the next one is handled', async () => {
    const view = sandbox.inspect.guild(guildId);
    const post = (content: string) =>
      sandbox.users.postMessage({
        channelId: view.channels.general ?? '',
        userId: view.memberIds[1] ?? '',
        content,
      }).id;
    const boom = post('boom');
    const next = post('still here');
    await waitFor(() => fromDiscordJs.has(next), 'the message after the failing one');
    expect(dropped).toEqual([{ event: 'MESSAGE_CREATE', reason: 'handling threw: no such field' }]);
    expect(fromDiscordJs.has(boom)).toBe(false);
  });

  it.each<[string, (d: Record<string, unknown>) => Record<string, unknown>]>([
    ['a guild discord.js has not cached', (d) => ({ ...d, guild_id: '1999999999999999999' })],
    ['a channel discord.js has not cached', (d) => ({ ...d, channel_id: '1999999999999999999' })],
    ['a webhook (no member)', ({ member: _member, ...d }) => d],
    ['an author without an id', (d) => ({ ...d, author: {} })],
    ['mentions that are not users', (d) => ({ ...d, mentions: ['x'] })],
    ['no content', ({ content: _content, ...d }) => d],
  ])('is left to discord.js for %s', (_what, change) => {
    const view = sandbox.inspect.guild(guildId);
    const d = {
      id: '1300000000000000042',
      guild_id: guildId,
      channel_id: view.channels.general,
      author: { id: view.memberIds[0] },
      member: { roles: [] },
      content: 'hi',
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
    };
    expect(messageCreatedFromDispatch(client, d)).not.toBeNull();
    expect(messageCreatedFromDispatch(client, change(d))).toBeNull();
  });
});

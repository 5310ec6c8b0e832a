import { once } from 'node:events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import {
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  ComponentType,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type GuildMember,
  type Message,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const intents = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildInvites,
  GatewayIntentBits.GuildModeration,
];

describe('the real discord.js client against the sandbox', () => {
  let sandbox: Sandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 2, seed: 7 });
    client = new Client({ intents, rest: { api: sandbox.api } });
    const ready = once(client, Events.ClientReady);
    await client.login(sandbox.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await sandbox?.close();
  });

  it('receives READY and a GUILD_CREATE with channels, roles and members for every guild', () => {
    expect(client.user?.id).toBe(sandbox.botUserId);
    expect(client.user?.bot).toBe(true);
    expect([...client.guilds.cache.keys()].sort()).toEqual([...sandbox.guilds].sort());
    for (const guildId of sandbox.guilds) {
      const guild = client.guilds.cache.get(guildId);
      const info = sandbox.inspect.guild(guildId);
      expect(guild?.available).toBe(true);
      expect(guild?.roles.everyone.id).toBe(guildId);
      expect(guild?.channels.cache.get(info.channels.general ?? '')?.name).toBe('general');
      expect(guild?.members.me?.id).toBe(sandbox.botUserId);
      expect(guild?.memberCount).toBe(Object.keys(sandbox.state.guilds[guildId]?.members ?? {}).length);
      expect(guild?.ownerId).toBe(info.ownerId);
    }
  });

  it('gets messageCreate with the content when a user posts, and its delete removes the message', async () => {
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    const userId = info.memberIds[0] ?? '';
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    const posted = sandbox.actions.postMessage({
      channelId: info.channels.chat ?? '',
      userId,
      content: 'hello sandbox',
    });
    const [message] = await received;
    expect(message.id).toBe(posted.id);
    expect(message.content).toBe('hello sandbox');
    expect(message.author.id).toBe(userId);
    await message.delete();
    expect(sandbox.state.guilds[info.id]?.messages[posted.id]).toBeUndefined();
    expect(sandbox.inspect.actions({ kind: 'message.deleted' }).map((a) => a.messageIds?.[0])).toContain(
      posted.id,
    );
  });

  it('gets guildMemberAdd when a user joins through an invite, and the invite list shows the use', async () => {
    const guildId = sandbox.guilds[1] ?? '';
    const invite = sandbox.actions.createInvite({ guildId });
    const joined = once(client, Events.GuildMemberAdd) as Promise<[GuildMember]>;
    const createdAt = Date.now() - 3 * 3_600_000;
    const { user } = sandbox.actions.addMember({
      guildId,
      inviteCode: invite.code,
      user: { username: 'fresh_account', createdAt },
    });
    const [member] = await joined;
    expect(member.id).toBe(user.id);
    expect(Math.abs(member.user.createdTimestamp - createdAt)).toBeLessThan(1000);
    const invites = await client.guilds.cache.get(guildId)?.invites.fetch();
    expect(invites?.get(invite.code)?.uses).toBe(1);
  });

  it('times out, bans and sends embeds through REST, and the sandbox state changes', async () => {
    const guildId = sandbox.guilds[0] ?? '';
    const info = sandbox.inspect.guild(guildId);
    const guild = client.guilds.cache.get(guildId);
    const [victim, banned] = info.memberIds;
    const member = await guild?.members.fetch(victim ?? '');
    await member?.timeout(60_000, 'spam');
    expect(
      Date.parse(sandbox.state.guilds[guildId]?.members[victim ?? '']?.communicationDisabledUntil ?? ''),
    ).toBeGreaterThan(Date.now());
    expect(sandbox.inspect.actions({ kind: 'member.timedOut', userId: victim ?? '' })[0]?.reason).toBe(
      'spam',
    );
    await guild?.members.ban(banned ?? '', { reason: 'raid', deleteMessageSeconds: 3600 });
    expect(sandbox.state.guilds[guildId]?.bans[banned ?? '']).toBeDefined();
    expect(sandbox.state.guilds[guildId]?.members[banned ?? '']).toBeUndefined();
    const channel = guild?.channels.cache.get(info.channels['mod-log'] ?? '');
    if (!channel?.isSendable()) throw new Error('mod-log is not sendable');
    await channel.send({
      embeds: [new EmbedBuilder().setTitle('Member banned').setDescription(`<@${banned}>`)],
    });
    const sent = sandbox.inspect.actions({ kind: 'message.sent', channelId: channel.id });
    expect(sent.at(-1)?.data.embeds).toEqual([{ title: 'Member banned', description: `<@${banned}>` }]);
  });

  it('gets interactionCreate for a slash command with options and a button click, and replies', async () => {
    const guildId = sandbox.guilds[0] ?? '';
    const info = sandbox.inspect.guild(guildId);
    await client.application?.commands.set(
      [
        {
          name: 'lockdown',
          description: 'Lock the server',
          options: [{ name: 'minutes', description: 'How long', type: 4 }],
        },
      ],
      guildId,
    );
    const asked = once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>;
    const sent = sandbox.actions.runSlashCommand({
      channelId: info.channels.general ?? '',
      userId: info.adminId ?? '',
      name: 'lockdown',
      options: { minutes: 30 },
    });
    const [interaction] = await asked;
    expect(interaction.commandName).toBe('lockdown');
    expect(interaction.options.getInteger('minutes')).toBe(30);
    await interaction.reply({
      content: 'Lockdown for 30 minutes',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.Button, style: ButtonStyle.Danger, customId: 'confirm', label: 'Confirm' },
          ],
        },
      ],
    });
    const original = sandbox.state.interactions[sent.id]?.originalMessageId ?? '';
    expect(sandbox.state.guilds[guildId]?.messages[original]?.content).toBe('Lockdown for 30 minutes');
    const clicked = once(client, Events.InteractionCreate) as Promise<
      [import('discord.js').ButtonInteraction]
    >;
    sandbox.actions.clickButton({
      channelId: info.channels.general ?? '',
      userId: info.adminId ?? '',
      messageId: original,
      customId: 'confirm',
    });
    const [button] = await clicked;
    expect(button.customId).toBe('confirm');
    expect(button.message.id).toBe(original);
    await button.update({ content: 'Confirmed', components: [] });
    await button.followUp({ content: 'Logged', ephemeral: false });
    expect(sandbox.state.guilds[guildId]?.messages[original]?.content).toBe('Confirmed');
    expect(sandbox.inspect.actions({ kind: 'interaction.followUp' }).at(-1)?.data.content).toBe('Logged');
  });

  it('defers a reply, edits it through the webhook and cannot answer twice', async () => {
    const guildId = sandbox.guilds[1] ?? '';
    const info = sandbox.inspect.guild(guildId);
    const asked = once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>;
    const sent = sandbox.actions.runSlashCommand({
      channelId: info.channels.general ?? '',
      userId: info.moderatorId ?? '',
      name: 'quarantine',
      options: { user: info.memberIds[2] ?? '', reason: 'raid' },
    });
    const [interaction] = await asked;
    expect(interaction.options.getString('user')).toBe(info.memberIds[2]);
    await interaction.deferReply();
    await interaction.editReply('Quarantined 1 member');
    const original = sandbox.state.interactions[sent.id]?.originalMessageId ?? '';
    expect(sandbox.state.guilds[guildId]?.messages[original]?.content).toBe('Quarantined 1 member');
    const again = await interaction.client.rest
      .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 4, data: { content: 'twice' } },
        auth: false,
      })
      .catch((err: unknown) => err);
    expect((again as { code: number }).code).toBe(40060);
  });

  it('announces a guild created after READY with GUILD_CREATE', async () => {
    const created = once(client, Events.GuildCreate) as Promise<[import('discord.js').Guild]>;
    const guild = sandbox.actions.createGuild(String((1_200_000_000_000n << 22n) | 9n));
    const [received] = await created;
    expect(received.id).toBe(guild.id);
    expect(received.channels.cache.size).toBe(Object.keys(guild.channels).length);
  });

  it('gets messageUpdate, messageDelete, guildMemberUpdate and guildMemberRemove', async () => {
    const guildId = sandbox.guilds[1] ?? '';
    const info = sandbox.inspect.guild(guildId);
    const [author, leaver] = info.memberIds.slice(3);
    const channelId = info.channels.general ?? '';
    const created = once(client, Events.MessageCreate);
    const posted = sandbox.actions.postMessage({ channelId, userId: author ?? '', content: 'first draft' });
    await created;
    const updated = once(client, Events.MessageUpdate) as Promise<[Message, Message]>;
    sandbox.actions.editMessage(channelId, posted.id, 'second draft');
    const [before, after] = await updated;
    expect([before.content, after.content]).toEqual(['first draft', 'second draft']);
    const deleted = once(client, Events.MessageDelete) as Promise<[Message]>;
    sandbox.actions.deleteMessage(channelId, posted.id);
    expect((await deleted)[0].id).toBe(posted.id);
    const memberUpdated = once(client, Events.GuildMemberUpdate) as Promise<[GuildMember, GuildMember]>;
    await client.guilds.cache
      .get(guildId)
      ?.members.edit(author ?? '', { communicationDisabledUntil: Date.now() + 60_000 });
    expect((await memberUpdated)[1].isCommunicationDisabled()).toBe(true);
    const removed = once(client, Events.GuildMemberRemove) as Promise<[GuildMember]>;
    sandbox.actions.removeMember(guildId, leaver ?? '');
    expect((await removed)[0].id).toBe(leaver);
  });
});

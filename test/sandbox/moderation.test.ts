import { once } from 'node:events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Guild,
  GuildVerificationLevel,
  type Invite,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('lockdown and moderation REST calls from discord.js change the sandbox', () => {
  let sandbox: Sandbox;
  let client: Client;
  let guild: Guild;
  let info: ReturnType<Sandbox['inspect']['guild']>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 1, seed: 13 });
    client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMembers,
        GatewayIntentBits.GuildInvites,
        GatewayIntentBits.GuildMessages,
      ],
      rest: { api: sandbox.api },
    });
    const ready = once(client, Events.ClientReady);
    await client.login(sandbox.token);
    await ready;
    info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    guild = client.guilds.cache.get(info.id) as Guild;
  });

  afterAll(async () => {
    await client?.destroy();
    await sandbox?.close();
  });

  const state = () => sandbox.state.guilds[info.id];
  const channel = (name: string) => guild.channels.cache.get(info.channels[name] ?? '') as TextChannel;

  it('raises the verification level, sets slowmode and locks a channel with an overwrite', async () => {
    await guild.setVerificationLevel(GuildVerificationLevel.High, 'raid');
    expect(state()?.verificationLevel).toBe(3);
    await channel('general').setRateLimitPerUser(30);
    expect(state()?.channels[info.channels.general ?? '']?.rateLimitPerUser).toBe(30);
    await channel('chat').permissionOverwrites.edit(info.id, { SendMessages: false });
    const userId = info.memberIds[0] ?? '';
    expect(() =>
      sandbox.actions.postMessage({ channelId: info.channels.chat ?? '', userId, content: 'let me in' }),
    ).toThrow(/Send Messages/);
    expect(sandbox.inspect.actions({ kind: 'guild.verificationLevel' })[0]?.data).toEqual({ from: 1, to: 3 });
    expect(sandbox.inspect.actions({ kind: 'channel.slowmode' })[0]?.data).toEqual({ from: 0, to: 30 });
  });

  it('pauses invites with incident actions up to 24 hours ahead, and refuses more', async () => {
    const until = new Date(Date.now() + 3_600_000);
    await guild.setIncidentActions({ invitesDisabledUntil: until });
    expect(state()?.incidentsData?.invites_disabled_until).toBe(until.toISOString());
    const tooFar = await guild
      .setIncidentActions({ invitesDisabledUntil: new Date(Date.now() + 25 * 3_600_000) })
      .catch((err: unknown) => err);
    expect((tooFar as DiscordAPIError).code).toBe(50035);
    await guild.setIncidentActions({ invitesDisabledUntil: null });
    expect(state()?.incidentsData).toBeNull();
  });

  it('creates, lists with uses and deletes invites, and sees INVITE_CREATE and INVITE_DELETE', async () => {
    const created = once(client, Events.InviteCreate) as Promise<[Invite]>;
    const invite = await channel('general').createInvite({ maxAge: 3600, maxUses: 0 });
    expect((await created)[0].code).toBe(invite.code);
    sandbox.actions.addMember({ guildId: info.id, inviteCode: invite.code });
    sandbox.actions.addMember({ guildId: info.id, inviteCode: invite.code });
    expect((await guild.invites.fetch()).get(invite.code)?.uses).toBe(2);
    const deleted = once(client, Events.InviteDelete) as Promise<[Invite]>;
    await invite.delete('paused');
    expect((await deleted)[0].code).toBe(invite.code);
    expect(state()?.invites[invite.code]).toBeUndefined();
  });

  it('reads the vanity URL with its uses', async () => {
    sandbox.actions.setVanityCode(info.id, 'sandboxland');
    sandbox.actions.addMember({ guildId: info.id, inviteCode: 'vanity' });
    const vanity = await guild.fetchVanityData();
    expect(vanity).toMatchObject({ code: 'sandboxland', uses: 1 });
  });

  it('bulk deletes recent messages and fetches all members over the gateway', async () => {
    const ids = [0, 1, 2].map(
      (i) =>
        sandbox.actions.postMessage({
          channelId: info.channels.media ?? '',
          userId: info.memberIds[i] ?? '',
          content: `spam ${i}`,
        }).id,
    );
    const deleted = await channel('media').bulkDelete(ids);
    expect([...deleted.keys()].sort()).toEqual([...ids].sort());
    expect(ids.every((id) => !state()?.messages[id])).toBe(true);
    const members = await guild.members.fetch();
    expect(members.size).toBe(Object.keys(state()?.members ?? {}).length);
  });

  it('kicks and unbans members, and refuses to touch a member ranked above the bot', async () => {
    const [kicked, banned] = info.memberIds.slice(5);
    await guild.members.kick(kicked ?? '', 'spam');
    expect(state()?.members[kicked ?? '']).toBeUndefined();
    await guild.members.ban(banned ?? '');
    await guild.members.unban(banned ?? '');
    expect(state()?.bans[banned ?? '']).toBeUndefined();
    const target = info.memberIds[7] ?? '';
    const member = await guild.members.fetch(target);
    const adminRole = info.roles.admin ?? '';
    state()?.members[target]?.roles.push(adminRole);
    const refused = await member.kick().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect((refused as DiscordAPIError).code).toBe(50013);
    expect(guild.members.me?.permissions.has(PermissionFlagsBits.KickMembers)).toBe(true);
  });

  it('creates a quarantine role, assigns it, and deletes it; a role above the bot is refused', async () => {
    const roleCreated = once(client, Events.GuildRoleCreate);
    const role = await guild.roles.create({ name: 'Quarantine', permissions: [] });
    await roleCreated;
    expect(state()?.roles[role.id]).toMatchObject({ name: 'Quarantine', permissions: '0', position: 1 });
    const userId = info.memberIds[9] ?? '';
    await guild.members.addRole({ user: userId, role: role.id });
    expect(state()?.members[userId]?.roles).toContain(role.id);
    const granting = await guild.roles
      .create({ name: 'Boss', permissions: [PermissionFlagsBits.Administrator] })
      .catch((err: unknown) => err);
    expect((granting as DiscordAPIError).code).toBe(50013);
    const admin = await guild.roles.delete(info.roles.admin ?? '').catch((err: unknown) => err);
    expect((admin as DiscordAPIError).code).toBe(50013);
    await guild.roles.delete(role.id);
    expect(state()?.roles[role.id]).toBeUndefined();
    expect(state()?.members[userId]?.roles).not.toContain(role.id);
    expect(sandbox.inspect.actions({ kind: 'role.created' })).toHaveLength(1);
  });

  it('bans a raid wave in one bulk ban, skipping those it may not ban', async () => {
    const wave = [1, 2, 3].map(
      (i) => sandbox.actions.addMember({ guildId: info.id, user: { username: `nitro_drop${i}` } }).user.id,
    );
    const result = await guild.members.bulkBan([...wave, info.ownerId], { deleteMessageSeconds: 60 });
    expect([...result.bannedUsers].sort()).toEqual([...wave].sort());
    expect(result.failedUsers).toEqual([info.ownerId]);
    expect(wave.every((id) => state()?.bans[id] && !state()?.members[id])).toBe(true);
  });

  it('sends a DM to a member, records it, and refuses a user who shares no guild', async () => {
    const userId = info.memberIds[10] ?? '';
    const dm = await client.users.send(userId, 'You were timed out for spam.');
    expect(dm.content).toBe('You were timed out for spam.');
    const sent = sandbox.inspect.actions({ kind: 'message.sent', userId }).at(-1);
    expect(sent?.data).toMatchObject({ dm: true, content: 'You were timed out for spam.' });
    const stranger = sandbox.actions.user({ username: 'stranger' });
    const refused = await client.users.send(stranger.id, 'hi').catch((err: unknown) => err);
    expect((refused as DiscordAPIError).code).toBe(50007);
  });

  it("changes the bot's own nickname through members/@me", async () => {
    await guild.members.me?.setNickname('Guard');
    expect(state()?.members[sandbox.botUserId]?.nick).toBe('Guard');
  });
});

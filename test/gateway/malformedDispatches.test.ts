import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { type Client, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchProblem, guardDispatches } from '../../services/gateway/src/guardDispatches.ts';
import { waitFor } from '../support/bus.ts';
import { sandboxClient } from '../support/sandboxClient.ts';

// Malformed dispatches a misbehaving gateway (or a Discord change) could send. Unguarded, each
// of these threw inside discord.js or our handlers and ended the gateway process.
let sandbox: Sandbox;
let client: Client;
let guildId: string;
let channelId: string;
let authorId: string;
const dropped: { event: string; reason: string }[] = [];
const seen: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 41 });
  guildId = sandbox.guilds[0] ?? '';
  const view = sandbox.inspect.guild(guildId);
  channelId = view.channels.general ?? '';
  authorId = view.memberIds[0] ?? '';
  client = await sandboxClient(sandbox, (c) => {
    guardDispatches(c, (event, reason) => dropped.push({ event, reason }));
    // What the gateway's forwarder reads: these would throw on a member or author that is missing.
    c.on(Events.MessageCreate, (message) => seen.push(`message ${message.author.id}`));
    c.on(Events.GuildMemberAdd, (member) => seen.push(`member ${member.user.id}`));
  });
});

afterAll(async () => {
  await client.destroy();
  await sandbox.close();
});

describe('malformed gateway dispatches', () => {
  it('are dropped with a counted reason, and the gateway goes on handling good ones', async () => {
    const gateway = sandbox.core.gateway;
    const message = { id: '1300000000000000001', channel_id: channelId, guild_id: guildId, content: 'hi' };
    gateway.dispatch('MESSAGE_CREATE', message, guildId);
    gateway.dispatch('MESSAGE_CREATE', { ...message, id: '1300000000000000002', author: null }, guildId);
    gateway.dispatch(
      'GUILD_MEMBER_ADD',
      { guild_id: guildId, roles: [], joined_at: new Date().toISOString() },
      guildId,
    );
    gateway.dispatch(
      'INTERACTION_CREATE',
      { id: '1300000000000000003', token: 'tok', type: 2, guild_id: guildId, channel_id: channelId },
      guildId,
    );
    const good = sandbox.actions.postMessage({ channelId, userId: authorId, content: 'still here' });
    await waitFor(() => seen.includes(`message ${authorId}`), 'the good message after the bad ones');
    expect(dropped.map((d) => d.event)).toEqual([
      'MESSAGE_CREATE',
      'MESSAGE_CREATE',
      'GUILD_MEMBER_ADD',
      'INTERACTION_CREATE',
    ]);
    expect(dropped[0]?.reason).toMatch(/author/);
    expect(dropped[2]?.reason).toMatch(/user/);
    expect(seen).toEqual([`message ${authorId}`]);
    expect(good.id).toBeTruthy();
  });
});

describe('dispatchProblem', () => {
  it.each<[string, unknown, boolean]>([
    [
      'a message with its author',
      { t: 'MESSAGE_CREATE', d: { id: '1', channel_id: '2', author: { id: '3' } } },
      false,
    ],
    ['a message without author', { t: 'MESSAGE_CREATE', d: { id: '1', channel_id: '2' } }, true],
    [
      'an edit without author (a partial update)',
      { t: 'MESSAGE_UPDATE', d: { id: '1', channel_id: '2' } },
      false,
    ],
    [
      'an edit whose author is null',
      { t: 'MESSAGE_UPDATE', d: { id: '1', channel_id: '2', author: null } },
      true,
    ],
    ['a join without its user', { t: 'GUILD_MEMBER_ADD', d: { guild_id: '1' } }, true],
    [
      'a guild interaction with its member',
      { t: 'INTERACTION_CREATE', d: { id: '1', token: 't', guild_id: '2', member: { user: { id: '3' } } } },
      false,
    ],
    [
      'a guild interaction without member',
      { t: 'INTERACTION_CREATE', d: { id: '1', token: 't', guild_id: '2', user: { id: '3' } } },
      true,
    ],
    [
      'a DM interaction with its user',
      { t: 'INTERACTION_CREATE', d: { id: '1', token: 't', user: { id: '3' } } },
      false,
    ],
    ['a dispatch nobody checks', { t: 'TYPING_START', d: {} }, false],
  ])('%s: refused %s', (_name, packet, refused) => {
    expect(dispatchProblem(packet) !== undefined).toBe(refused);
  });
});

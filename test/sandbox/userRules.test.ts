import { JoinRejectedError, type Sandbox, startSandbox, UserActionRejectedError } from '@chat-guard/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe("Discord's rules for simulated users", () => {
  let sandbox: Sandbox;
  let info: ReturnType<Sandbox['inspect']['guild']>;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 1, seed: 31 });
    info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
  });

  afterEach(async () => {
    await sandbox.close();
  });

  const guild = () => sandbox.state.guilds[info.id];

  it('at verification level High a fresh member may not talk for 10 minutes, but a member with a role may', () => {
    const { user } = sandbox.actions.addMember({
      guildId: info.id,
      user: { createdAt: Date.now() - 30 * 86_400_000 },
    });
    const post = (userId: string) => () =>
      sandbox.actions.postMessage({ channelId: info.channels.general ?? '', userId, content: 'hello' });
    expect(post(user.id)).not.toThrow();
    const g = guild();
    if (!g) throw new Error('no guild');
    g.verificationLevel = 3;
    expect(post(user.id)).toThrow(UserActionRejectedError);
    expect(post(info.memberIds[0] ?? '')).not.toThrow();
    g.members[user.id]?.roles.push(info.roles.moderator ?? '');
    expect(post(user.id)).not.toThrow();
  });

  it('at verification level Medium an account younger than 5 minutes may not talk', () => {
    const g = guild();
    if (!g) throw new Error('no guild');
    g.verificationLevel = 2;
    const fresh = sandbox.actions.addMember({
      guildId: info.id,
      user: { createdAt: Date.now() - 60_000 },
    }).user;
    const aged = sandbox.actions.addMember({
      guildId: info.id,
      user: { createdAt: Date.now() - 600_000 },
    }).user;
    const post = (userId: string) => () =>
      sandbox.actions.postMessage({ channelId: info.channels.chat ?? '', userId, content: 'hi' });
    expect(post(fresh.id)).toThrow(/younger than 5 minutes/);
    expect(post(aged.id)).not.toThrow();
  });

  it('a timed-out member and a member in slowmode are refused', () => {
    const [a, b] = info.memberIds;
    const g = guild();
    if (!g || !a || !b) throw new Error('no guild');
    const channelId = info.channels.chat ?? '';
    (g.members[a] ?? { communicationDisabledUntil: null }).communicationDisabledUntil = new Date(
      Date.now() + 60_000,
    ).toISOString();
    expect(() => sandbox.actions.postMessage({ channelId, userId: a, content: 'x' })).toThrow(/timed out/);
    (g.channels[channelId] ?? { rateLimitPerUser: 0 }).rateLimitPerUser = 30;
    sandbox.actions.postMessage({ channelId, userId: b, content: 'first' });
    expect(() => sandbox.actions.postMessage({ channelId, userId: b, content: 'second' })).toThrow(
      /slowmode/,
    );
  });

  it('an expired invite cannot be used, and a used-up invite is deleted', () => {
    const expired = sandbox.actions.createInvite({ guildId: info.id, maxAge: 60 });
    const invite = guild()?.invites[expired.code];
    if (!invite) throw new Error('no invite');
    invite.createdAt -= 61_000;
    expect(() => sandbox.actions.addMember({ guildId: info.id, inviteCode: expired.code })).toThrow(
      JoinRejectedError,
    );
    const single = sandbox.actions.createInvite({ guildId: info.id, maxUses: 1 });
    sandbox.actions.addMember({ guildId: info.id, inviteCode: single.code });
    expect(guild()?.invites[single.code]).toBeUndefined();
  });
});

describe('message history', () => {
  it('keeps at most maxMessagesPerGuild messages per guild, forgetting the oldest', async () => {
    const sandbox = await startSandbox({ port: 0, guilds: 1, seed: 2, maxMessagesPerGuild: 3 });
    try {
      const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
      const ids = [0, 1, 2, 3, 4].map(
        (i) =>
          sandbox.actions.postMessage({
            channelId: info.channels.chat ?? '',
            userId: info.memberIds[i] ?? '',
            content: `m${i}`,
          }).id,
      );
      expect(Object.keys(sandbox.state.guilds[info.id]?.messages ?? {})).toEqual(ids.slice(2));
    } finally {
      await sandbox.close();
    }
  });
});

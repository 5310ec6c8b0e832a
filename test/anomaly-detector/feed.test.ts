import { describe, expect, it } from 'vitest';
import { GuildWindows } from '../../services/anomaly-detector/src/feedWindows.ts';
import { discordTraceEvent } from '../../services/anomaly-detector/src/followSignals.ts';

const GUILD = '1100000000000000001';
const T0 = 1_780_000_000_000;

function join(windows: GuildWindows, userId: string, ts: number) {
  windows.apply({
    type: 'member.joined',
    ts,
    guildId: GUILD,
    userId,
    username: 'luna',
    avatar: null,
    inviteCode: null,
  });
}

describe('what the detector reads of the live feed', () => {
  it('matches a first message to its author’s join, and forgets it once the join leaves the window', () => {
    const windows = new GuildWindows();
    join(windows, '1300000000000000001', T0);
    windows.apply({ type: 'message.created', ts: T0 + 5_000, guildId: GUILD, userId: '1300000000000000001' });
    windows.apply({ type: 'message.created', ts: T0 + 9_000, guildId: GUILD, userId: '1300000000000000001' });
    windows.apply({ type: 'message.created', ts: T0 + 6_000, guildId: GUILD, userId: '1300000000000000999' });
    const window = windows.get(GUILD);
    expect([...window.firstMessages]).toEqual([['1300000000000000001', T0 + 5_000]]);
    join(windows, '1300000000000000002', T0 + 60 * 60_000); // an hour later the first join is gone
    windows.apply({
      type: 'message.created',
      ts: T0 + 60 * 60_000 + 1,
      guildId: GUILD,
      userId: '1300000000000000001',
    });
    expect(window.firstMessages.has('1300000000000000001')).toBe(false);
  });

  it('takes a message’s author and time, never its content, and skips bots and other events', () => {
    const message = {
      guildId: GUILD,
      channelId: '1100000000000000100',
      messageId: '1300000000000009999',
      authorId: '1300000000000000001',
      authorIsBot: false,
      content: 'hi',
      createdAt: T0,
    };
    expect(discordTraceEvent('discord.1.message.created', message)).toEqual({
      type: 'message.created',
      ts: T0,
      guildId: GUILD,
      userId: '1300000000000000001',
    });
    expect(discordTraceEvent('discord.1.message.created', { ...message, authorIsBot: true })).toBeNull();
    expect(discordTraceEvent('discord.1.message.created', { ...message, authorId: 'not-an-id' })).toBeNull();
    expect(discordTraceEvent('discord.1.interaction.created', message)).toBeNull();
  });
});

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
  it('keeps what newcomers of the last day post (links, pings, repeats), never what older members post', () => {
    const windows = new GuildWindows();
    join(windows, '1300000000000000001', T0);
    const post = (userId: string, ts: number, content: string) =>
      windows.apply({ type: 'message.created', ts, guildId: GUILD, userId, content, mentionCount: 0 });
    post('1300000000000000001', T0 + 5_000, 'free nitro https://bit.ly/x');
    post('1300000000000000001', T0 + 9_000, 'free nitro https://bit.ly/x');
    post('1300000000000000999', T0 + 6_000, 'hello'); // not a newcomer
    const window = windows.get(GUILD);
    expect(window.posts.map((p) => [p.userId, p.sinceJoinMs, p.spammy, p.repeat])).toEqual([
      ['1300000000000000001', 5_000, true, false],
      ['1300000000000000001', 9_000, true, true],
    ]);
    // An hour on, the first join has left the hour's window but is still a newcomer of the day.
    join(windows, '1300000000000000002', T0 + 61 * 60_000);
    post('1300000000000000001', T0 + 61 * 60_000 + 1, 'discord.gg/elsewhere');
    expect(window.posts.map((p) => [p.userId, p.sinceJoinMs, p.spammy])).toEqual([
      ['1300000000000000001', 61 * 60_000 + 1, true],
    ]);
    // A day on, neither is a newcomer any more.
    join(windows, '1300000000000000003', T0 + 26 * 3_600_000);
    post('1300000000000000001', T0 + 26 * 3_600_000 + 1, 'discord.gg/elsewhere');
    post('1300000000000000002', T0 + 26 * 3_600_000 + 2, 'discord.gg/elsewhere');
    expect(window.posts).toEqual([]);
  });

  it('reads a newcomer’s post (author, time, links and pings) and nothing of the guilds’ other chat', () => {
    const posted = {
      guildId: GUILD,
      channelId: '1100000000000000100',
      messageId: '1300000000000009999',
      authorId: '1300000000000000001',
      authorJoinedAt: T0 - 60_000,
      content: 'hi @everyone',
      mentionCount: 2,
      mentionsEveryone: true,
      createdAt: T0,
    };
    expect(discordTraceEvent('discord.1.newcomer.posted', posted)).toEqual({
      type: 'message.created',
      ts: T0,
      guildId: GUILD,
      userId: '1300000000000000001',
      content: 'hi @everyone',
      mentionCount: 2,
      mentionsEveryone: true,
    });
    // A join time the gateway could not read is still a post to weigh.
    expect(discordTraceEvent('discord.1.newcomer.posted', { ...posted, authorJoinedAt: null })).toMatchObject(
      {
        userId: '1300000000000000001',
      },
    );
    expect(discordTraceEvent('discord.1.newcomer.posted', { ...posted, authorId: 'not-an-id' })).toBeNull();
    // Every member's message goes to the content-filter, never to the detector.
    const message = {
      ...posted,
      authorIsBot: false,
      mentionUserIds: [],
      mentionRoleIds: [],
      memberRoleIds: [],
    };
    expect(discordTraceEvent('discord.1.message.created', message)).toBeNull();
    expect(discordTraceEvent('discord.1.interaction.created', message)).toBeNull();
  });
});

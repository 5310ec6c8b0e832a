import { recordJoin, recordLeave } from '@chat-guard/campaigns';
import { defaultGuildConfig } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { cache, database, useCommandDesk } from '../support/commandDesk.ts';

const GUILD = '1100000000000000001';
const NOW = Date.UTC(2026, 5, 15, 12);
const DAY = 86_400_000;
const ALICE = '1300000000000000001';
const BOB = '1300000000000000002';
const { run } = useCommandDesk({
  guildId: GUILD,
  userId: '1300000000000000099',
  memberPermissions: 1n << 3n,
  now: NOW,
  noDiscordBecause: 'these commands create and delete no invite',
  // The guild's own channels: a channel option is checked against them.
  channels: async () =>
    ['1100000000000000200', '1100000000000000201'].map((id) => ({
      id,
      type: 0,
      name: `c${id.slice(-1)}`,
    })) as never,
});

let userSeq = 1_310_000_000_000_000_000n;
/** A join credited (or not) to an inviter: days ago, an account this many days old, gone after some hours. */
async function join(
  inviterId: string | null,
  o: { daysAgo: number; accountDays?: number; leftAfterHours?: number; confidence?: string; method?: string },
) {
  userSeq += 1n;
  const joinedAt = NOW - o.daysAgo * DAY;
  const userId = userSeq.toString();
  await recordJoin(database.db, {
    guildId: GUILD,
    userId,
    joinedAt,
    accountCreatedAt: joinedAt - (o.accountDays ?? 400) * DAY,
    inviteCode: inviterId ? 'abc' : null,
    inviterId,
    confidence: o.confidence ?? 'exact',
    method: o.method ?? 'uses',
  });
  if (o.leftAfterHours !== undefined)
    await recordLeave(database.db, GUILD, userId, joinedAt + o.leftAfterHours * 3_600_000);
  return userId;
}

describe('invite counts (InviteManager-like, by the campaigns’ rules)', () => {
  it('counts regular, left, fake and bonus per member from the join history', async () => {
    await join(ALICE, { daysAgo: 10 });
    await join(ALICE, { daysAgo: 9 });
    await join(ALICE, { daysAgo: 8, leftAfterHours: 72 }); // left after the fake window: left
    await join(ALICE, { daysAgo: 7, leftAfterHours: 2 }); // gone within the window: fake
    await join(ALICE, { daysAgo: 6, accountDays: 1 }); // a day-old account: fake
    await join(ALICE, { daysAgo: 5, confidence: 'ambiguous' }); // every candidate was Alice's
    await join(ALICE, { daysAgo: 0 }); // inside the fake window: pending
    await join(null, { daysAgo: 3, confidence: 'ambiguous' }); // nobody certain: nobody credited
    await join(BOB, { daysAgo: 40 });
    expect(await run('invites', { member: ALICE })).toBe(
      `<@${ALICE}> has **3** invites (4 regular, 1 left, 2 fake, 0 bonus; 1 newer join counts once past the fake window).`,
    );
    expect(
      await run('bonus-invites', { member: BOB, amount: 5, reason: 'event host' }, { subcommand: 'add' }),
    ).toBe(`Added 5 bonus invites: <@${BOB}> now has **6** invites (1 regular, 0 left, 0 fake, 5 bonus).`);
    expect(await run('leaderboard')).toBe(
      [
        '**Invite leaderboard** (all time)',
        `1. <@${BOB}>: **6** invites (1 regular, 0 left, 0 fake, 5 bonus)`,
        `2. <@${ALICE}>: **3** invites (4 regular, 1 left, 2 fake, 0 bonus; 1 newer join counts once past the fake window)`,
      ].join('\n'),
    );
    // Within a week: Bob's bonus (granted now) counts, his join of 40 days ago does not.
    expect(await run('leaderboard', { period: 'week' })).toMatch(
      /^\*\*Invite leaderboard\*\* \(the last week\)\n1\. <@\d+>: \*\*5\*\*/,
    );
    expect(await run('bonus-invites', { member: BOB, amount: 0 }, { subcommand: 'add' })).toMatch(/not 0/);
    expect(await run('leaderboard', { period: 'year' })).toMatch(/`all`, `month`, `week` or `day`/);
  });

  it('tells who invited a member and how sure that is', async () => {
    const bySearch = await join(ALICE, { daysAgo: 1, method: 'member-search' });
    const unsure = await join(null, { daysAgo: 1, confidence: 'ambiguous' });
    expect(await run('inviter', { member: bySearch })).toMatch(
      new RegExp(
        `^<@${bySearch}> joined <t:\\d+:f>, invited by <@${ALICE}> through discord\\.gg/abc · exact \\(member search\\)\\.$`,
      ),
    );
    expect(await run('inviter', { member: unsure })).toMatch(
      /who invited them is not known for sure \(ambiguous\)/,
    );
    expect(await run('inviter', { member: '1399999999999999999' })).toMatch(/no record of how/);
  });

  it('sets the join message channel and the moderation settings, audited like every change', async () => {
    expect(await run('joinmessage', { channel: '1100000000000000200' }, { subcommand: 'channel' })).toMatch(
      /Joins will be announced in <#1100000000000000200>/,
    );
    expect(
      await run('modsettings', { channel: '1100000000000000201' }, { subcommand: 'appealchannel' }),
    ).toMatch(/Appeals are on/);
    expect(await run('modsettings', { hours: 6 }, { subcommand: 'appealcooldown' })).toBe(
      'A member may appeal once every 6 hours.',
    );
    expect(await run('modsettings', { enabled: false }, { subcommand: 'dm' })).toMatch(
      /no longer told by DM/,
    );
    expect(await run('modsettings', { hours: 9999 }, { subcommand: 'appealcooldown' })).toMatch(
      /from 0 to 720/,
    );
    expect(
      await run('modsettings', { enabled: false }, { subcommand: 'dm', memberPermissions: 1n << 40n }),
    ).toMatch(/administrators only/);
    const { config } = await loadGuildConfig(database.db, GUILD);
    expect(config.inviteCounts).toEqual({ joinMessageChannelId: '1100000000000000200' });
    expect(config.moderation).toEqual({
      ...defaultGuildConfig().moderation,
      dmMembers: false,
      appealChannelId: '1100000000000000201',
      appealCooldownHours: 6,
    });
    await waitFor(() => cache.get(GUILD).moderation.dmMembers === false, 'the live configuration');
    expect(await run('settings')).toContain(
      'Moderation: DMs off · manual warnings count on · appeals in <#1100000000000000201> (every 6 h, reset on)',
    );
  });
});

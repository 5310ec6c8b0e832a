import {
  CampaignExistsError,
  campaignStats,
  createCampaign,
  endCampaign,
  findCampaign,
  listCampaigns,
  recordJoin,
  recordLeave,
} from '@chat-guard/campaigns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

const GUILD = '1100000000000000001';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 23, 12);
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

let userSeq = 1_300_000_000_000_000_000n;
async function join(
  inviteCode: string,
  inviterId: string,
  o: { joinedAgo: number; accountAgeAtJoin: number; stayed?: number; confidence?: string },
) {
  userSeq += 1n;
  const userId = userSeq.toString();
  const joinedAt = NOW - o.joinedAgo;
  await recordJoin(database.db, {
    guildId: GUILD,
    userId,
    joinedAt,
    accountCreatedAt: joinedAt - o.accountAgeAtJoin,
    inviteCode,
    inviterId,
    confidence: o.confidence ?? 'exact',
  });
  if (o.stayed !== undefined) await recordLeave(database.db, GUILD, userId, joinedAt + o.stayed);
  return userId;
}

describe('referral campaigns', () => {
  it('counts joins, members still here, leavers and fakes per campaign and per inviter, from the history', async () => {
    const campaign = await createCampaign(database.db, {
      guildId: GUILD,
      name: 'Spring stream',
      inviteCode: 'spr1ng',
      channelId: '1100000000000000100',
      createdBy: '1300000000000000007',
    });
    const alice = '1300000000000000101';
    const bob = '1300000000000000102';
    const aged = 400 * DAY;
    await join('spr1ng', alice, { joinedAgo: 5 * DAY, accountAgeAtJoin: aged }); // counts, still here
    await join('spr1ng', alice, { joinedAgo: 4 * DAY, accountAgeAtJoin: aged }); // counts, still here
    await join('spr1ng', alice, { joinedAgo: 3 * DAY, accountAgeAtJoin: aged, stayed: 2 * DAY }); // counts, left after 2 days
    await join('spr1ng', bob, {
      joinedAgo: 3 * DAY,
      accountAgeAtJoin: aged,
      stayed: 4 * DAY - 3 * DAY + 1 * HOUR,
    }); // left after 25 h
    await join('spr1ng', bob, { joinedAgo: 2 * DAY, accountAgeAtJoin: 2 * DAY }); // fake: account 2 days old
    await join('spr1ng', bob, { joinedAgo: 2 * DAY, accountAgeAtJoin: aged, stayed: 3 * HOUR }); // fake: gone in 3 h
    await join('spr1ng', bob, { joinedAgo: 2 * HOUR, accountAgeAtJoin: aged }); // pending: inside the window
    await join('spr1ng', bob, { joinedAgo: 4 * DAY, accountAgeAtJoin: aged, confidence: 'ambiguous' }); // not credited
    await join('other', bob, { joinedAgo: 4 * DAY, accountAgeAtJoin: aged }); // another invite

    const stats = await campaignStats(
      database.db,
      campaign.id,
      { accountAgeDays: 7, leaveWindowHours: 24 },
      new Date(NOW),
    );
    expect(stats.total).toEqual({
      joins: 4,
      stillHere: 2,
      left: 2,
      medianStayMs: Math.round((2 * DAY + 25 * HOUR) / 2),
      fake: 2,
      pending: 1,
    });
    expect(stats.inviters.map((i) => [i.inviterId, i.joins, i.stillHere, i.left, i.fake, i.pending])).toEqual(
      [
        [alice, 3, 2, 1, 0, 0],
        [bob, 1, 0, 1, 2, 1],
      ],
    );
  });

  it('keeps one running campaign per name, lists and ends them', async () => {
    const input = {
      guildId: GUILD,
      name: 'Launch',
      inviteCode: 'l4unch',
      channelId: '1100000000000000100',
      createdBy: '1300000000000000007',
    };
    const launch = await createCampaign(database.db, input);
    await expect(
      createCampaign(database.db, { ...input, name: 'launch', inviteCode: 'other' }),
    ).rejects.toBeInstanceOf(CampaignExistsError);
    expect((await findCampaign(database.db, GUILD, 'LAUNCH'))?.id).toBe(launch.id);
    await endCampaign(database.db, launch.id, new Date(NOW));
    expect(await findCampaign(database.db, GUILD, 'launch')).toBeUndefined();
    const again = await createCampaign(database.db, { ...input, inviteCode: 'l4unch2' });
    expect((await listCampaigns(database.db, GUILD)).map((c) => [c.id, c.endedAt === null])).toEqual([
      [again.id, true],
      [launch.id, false],
    ]);
  });
});

import { topology } from '@chat-guard/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLiveEvent } from '../../services/dashboard/src/liveEvents.ts';
import { scoreHistory } from '../../services/dashboard/src/scoreHistory.ts';
import { busFactory, nextSnowflake, uniqueNamespace } from '../support/bus.ts';

describe('what the live views receive', () => {
  it.each([
    [
      'discord.1.member.joined',
      {
        guildId: '1',
        userId: '2',
        username: 'ann',
        globalName: 'Ann',
        avatar: null,
        bot: false,
        joinedAt: 5,
      },
      { type: 'join', at: 5, userId: '2', name: 'Ann', bot: false },
    ],
    [
      'discord.1.member.left',
      { guildId: '1', userId: '2', leftAt: 9 },
      { type: 'leave', at: 9, userId: '2' },
    ],
    ['discord.1.member.left', { guildId: '1', userId: 'not-an-id', leftAt: 9 }, null],
    ['discord.1.message.created', { anything: true }, null],
  ])('turns %s into what the browser shows (or nothing)', (subject, data, expected) => {
    expect(toLiveEvent(subject, data)).toEqual(expected);
  });
});

describe('a lockdown’s score timeline', () => {
  const buses = busFactory(uniqueNamespace(), topology);
  const guildId = nextSnowflake();
  beforeAll(async () => {
    const bus = await buses.open();
    await bus.provision();
    for (const [at, score] of [
      [1_000, 0.1],
      [2_000, 0.6],
      [3_000, 0.95],
      [9_000, 0.2],
    ] as const)
      await bus.publish('raid.scored', {
        guildId,
        score,
        level: score > 0.9 ? 'lockdown' : 'none',
        joinsLastMinute: 3,
        joinsLastTenMinutes: 9,
        reasons: [],
        scoredAt: Date.now() + at,
      });
  });
  afterAll(() => buses.cleanup());

  it('reads the scores of the window from the stream, in order, and stops at its end', async () => {
    const bus = await buses.open('reader');
    const now = Date.now();
    const points = await scoreHistory(bus, guildId, now - 60_000, now + 5_000);
    expect(points.map((p) => p.score)).toEqual([0.1, 0.6, 0.95]);
    expect(await scoreHistory(bus, nextSnowflake(), now - 60_000, now + 60_000)).toEqual([]);
  });
});

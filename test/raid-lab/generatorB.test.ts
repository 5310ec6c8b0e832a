import type { MemberJoinedEvent } from '@chat-guard/join-trace';
import { EPISODES, type Episode, generateB } from '@chat-guard/raid-lab';
import { describe, expect, it } from 'vitest';
import { drawGuild, generateBWithTruth } from '../../models/raid-lab/src/generators/b/index.ts';
import { createdAt, expectReadBackAsWritten, expectSeeded, joinsOf } from '../support/traceReading.ts';

const START = Date.UTC(2025, 2, 3);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEEDS = [1, 2, 3, 4, 5, 6];

const run = (seed: number, episode: Episode, hours = 24) =>
  generateBWithTruth({ seed, episode, hours, startMs: START });
/** The first join of each of the episode's accounts. */
function episodeJoins(seed: number, episode: Episode): MemberJoinedEvent[] {
  const { trace, episode: truth } = run(seed, episode);
  const ids = new Set(truth?.accounts.map((a) => a.userId));
  const seen = new Set<string>();
  return joinsOf(trace.events).filter((j) => ids.has(j.userId) && !seen.has(j.userId) && seen.add(j.userId));
}
/** Seeds (of the first `count`) whose guild has the most organic joins a day, largest first. */
const busiestSeeds = (count: number) =>
  Array.from({ length: count }, (_, seed) => seed).sort(
    (a, b) => drawGuild(b).joinsPerDay - drawGuild(a).joinsPerDay,
  );

describe('generator B', () => {
  it.each(EPISODES)('writes a %s trace the join-trace parser reads back as written', (episode) => {
    for (const seed of [1, 2]) {
      const { trace } = run(seed, episode);
      expectReadBackAsWritten(trace);
      expect(trace.events[0]).toMatchObject({ type: 'guild', ts: START, guildId: trace.guildId });
      expect(new Set(trace.events.map((e) => e.guildId))).toEqual(new Set([trace.guildId]));
      // One account per id and per username, as on Discord (a rejoin repeats both).
      const pairs = new Set(joinsOf(trace.events).map((j) => `${j.userId} ${j.username}`));
      expect(new Set([...pairs].map((p) => p.split(' ')[0])).size).toBe(pairs.size);
      expect(new Set([...pairs].map((p) => p.split(' ')[1])).size).toBe(pairs.size);
    }
  });

  it('gives byte-identical output for the same scenario and another guild for another seed', () => {
    expectSeeded(generateB, { seed: 7, episode: 'fast-flood', hours: 24, startMs: START });
  });

  it.each([
    ['fast-flood', 'raid'],
    ['multi-invite', 'raid'],
    ['aged-accounts', 'raid'],
    ['slow-drip', 'raid'],
    ['shout-out', 'surge'],
    ['trending', 'surge'],
    ['launch', 'surge'],
  ] as const)('labels one %s as a %s after 2 h and inside the trace, around its joins', (family, type) => {
    for (const [seed, hours] of [...SEEDS.map((s) => [s, 24] as const), [11, 4] as const]) {
      const { trace, episode } = run(seed, family, hours);
      expect(trace.labels).toEqual([
        { type, guildId: trace.guildId, start: expect.any(Number), end: expect.any(Number), family },
      ]);
      const [label] = trace.labels;
      if (!label || !episode) throw new Error('no label');
      expect(label.start).toBeGreaterThanOrEqual(START + 2 * HOUR);
      expect(label.end).toBeGreaterThanOrEqual(label.start);
      expect(label.end).toBeLessThan(START + hours * HOUR);
      const ids = new Set(episode.accounts.map((a) => a.userId));
      const firstJoins = joinsOf(trace.events).filter((j) => ids.has(j.userId));
      expect(firstJoins.length).toBeGreaterThan(0);
      expect(firstJoins[0]?.ts).toBe(label.start);
    }
  });

  it.each([
    [
      'an episode in a trace too short to hold one',
      { hours: 2.5, episode: 'fast-flood' },
      /no room for an episode/,
    ],
    ['no hours', { hours: 0, episode: 'none' }, /hours must be positive/],
    ['a start before 2016', { startMs: Date.UTC(2015, 0, 1), episode: 'none' }, /startMs/],
  ] as const)('refuses %s with a clear error', (_, change, message) => {
    expect(() => generateB({ seed: 1, hours: 24, startMs: START, ...change })).toThrow(message);
  });

  it('places nothing but organic traffic when the episode is none', () => {
    for (const seed of SEEDS) {
      const { trace, episode } = run(seed, 'none');
      expect(trace.labels).toEqual([]);
      expect(episode).toBeNull();
    }
  });

  it('draws guilds across orders of magnitude, with more joins the larger they are', () => {
    const sizes = Array.from({ length: 300 }, (_, seed) => drawGuild(seed).members);
    expect(Math.min(...sizes)).toBeLessThan(300);
    expect(Math.max(...sizes)).toBeGreaterThan(300_000);
    const guilds = Array.from({ length: 30 }, (_, seed) => {
      const { trace, profile } = run(seed, 'none', 12);
      return { members: profile.members, joins: joinsOf(trace.events).length };
    }).sort((a, b) => a.members - b.members);
    const mean = (gs: typeof guilds) => gs.reduce((sum, g) => sum + g.joins, 0) / gs.length;
    expect(mean(guilds.slice(-10))).toBeGreaterThan(20 * Math.max(1, mean(guilds.slice(0, 10))));
  });

  it('floods faster than the guild ever joins on its own', () => {
    for (const seed of SEEDS) {
      const { trace, episode } = run(seed, 'fast-flood');
      const ids = new Set(episode?.accounts.map((a) => a.userId));
      const joins = joinsOf(trace.events);
      const organicPer10s = (joins.filter((j) => !ids.has(j.userId)).length / DAY) * 10_000;
      const raid = joins.filter((j) => ids.has(j.userId)).map((j) => j.ts);
      const peak = Math.max(...raid.map((t) => raid.filter((u) => u >= t && u < t + 10_000).length));
      expect(peak).toBeGreaterThanOrEqual(5);
      expect(peak).toBeGreaterThan(8 * Math.max(organicPer10s, 0.1));
    }
  });

  it('drips raiders in minutes apart', () => {
    for (const seed of SEEDS) {
      const times = episodeJoins(seed, 'slow-drip').map((j) => j.ts);
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
      expect(gaps.length).toBeGreaterThanOrEqual(5);
      expect(gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(60_000);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30_000);
    }
  });

  it('encodes in every user id the creation time it drew', () => {
    for (const episode of EPISODES.filter((e) => e !== 'none')) {
      const { trace, episode: truth } = run(3, episode);
      const intended = new Map(truth?.accounts.map((a) => [a.userId, a.createdMs]));
      let checked = 0;
      for (const join of joinsOf(trace.events)) {
        expect(createdAt(join.userId)).toBeLessThan(join.ts);
        if (!intended.has(join.userId)) continue;
        expect(createdAt(join.userId)).toBe(intended.get(join.userId));
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('raids with fresh accounts in a flood and with accounts months to years old in an aged raid', () => {
    const ages = (seed: number, episode: Episode) =>
      episodeJoins(seed, episode)
        .map((j) => j.ts - createdAt(j.userId))
        .sort((a, b) => a - b);
    const aged = SEEDS.map((seed) => ages(seed, 'aged-accounts'));
    for (const raid of aged) expect(raid[0]).toBeGreaterThan(59 * DAY);
    expect(aged.some((raid) => (raid[0] ?? 0) > 365 * DAY)).toBe(true);
    for (const seed of SEEDS) {
      const flood = ages(seed, 'fast-flood');
      expect(flood[Math.floor(flood.length / 2)]).toBeLessThan(7 * DAY);
    }
  });

  it('has many shout-out newcomers say the same thing', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const { trace, episode } = run(seed, 'shout-out');
      const ids = new Set(episode?.accounts.map((a) => a.userId));
      const said = trace.events.flatMap((e) =>
        e.type === 'message.created' && ids.has(e.userId) ? [e.content] : [],
      );
      const counts = new Map<string, number>();
      for (const line of said) counts.set(line, (counts.get(line) ?? 0) + 1);
      expect(said.length).toBeGreaterThan(10);
      expect(Math.max(...counts.values())).toBeGreaterThan(0.25 * said.length);
    }
  });

  it('keeps a day of the busiest guild under 100,000 events whatever the episode', () => {
    const [seed = 0] = busiestSeeds(300);
    expect(drawGuild(seed).members).toBeGreaterThan(500_000);
    for (const episode of EPISODES) expect(run(seed, episode).trace.events.length).toBeLessThan(100_000);
  });
});

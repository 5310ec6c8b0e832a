import type { MemberJoinedEvent } from '@chat-guard/join-trace';
import { describe, expect, it } from 'vitest';
import { generateC, generateCWithTruth } from '../../models/raid-lab/src/generators/c/index.ts';
import { EPISODES, type Episode } from '../../models/raid-lab/src/generators/scenario.ts';
import { createdAt, expectReadBackAsWritten, expectSeeded, joinsOf } from '../support/traceReading.ts';

const START = Date.UTC(2025, 2, 3);
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SEEDS = [1, 2, 3, 4, 5, 6];

/** The trace lengths generator C was written for: a day of organic traffic, 8 hours around an episode. */
const hoursOf = (episode: Episode) => (episode === 'none' ? 24 : 8);
const run = (seed: number, episode: Episode, hours = hoursOf(episode)) =>
  generateCWithTruth({ seed, episode, hours, startMs: START });
/** The raiders' joins (first join of each raider), in time order. */
function raidJoins(seed: number, episode: Episode): MemberJoinedEvent[] {
  const { trace, raiders } = run(seed, episode);
  const ids = new Set(raiders);
  const seen = new Set<string>();
  return joinsOf(trace.events).filter((j) => ids.has(j.userId) && !seen.has(j.userId) && seen.add(j.userId));
}
const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe('generator C', () => {
  it.each(EPISODES)('writes a %s trace the join-trace parser reads back as written', (episode) => {
    for (const seed of [1, 2]) {
      const { trace } = run(seed, episode);
      expectReadBackAsWritten(trace);
      expect(trace.events[0]).toMatchObject({ type: 'guild', ts: START, guildId: trace.guildId });
      expect(trace.events.at(-1)).toMatchObject({ type: 'guild', ts: START + hoursOf(episode) * HOUR });
      expect(new Set(trace.events.map((e) => e.guildId))).toEqual(new Set([trace.guildId]));
      const ts = trace.events.map((e) => e.ts);
      expect(ts.every((t, i) => i === 0 || t >= (ts[i - 1] ?? t))).toBe(true);
      for (const join of joinsOf(trace.events)) expect(createdAt(join.userId)).toBeLessThanOrEqual(join.ts);
    }
  });

  it.each([
    ['fast-flood', 'raid'],
    ['multi-invite', 'raid'],
    ['aged-accounts', 'raid'],
    ['slow-drip', 'raid'],
    ['shout-out', 'surge'],
    ['trending', 'surge'],
    ['launch', 'surge'],
  ] as const)('labels one %s as a %s, starting at least 2 h in and inside the trace', (family, type) => {
    for (const seed of SEEDS) {
      const { trace } = run(seed, family);
      expect(trace.labels).toEqual([
        { type, guildId: trace.guildId, start: expect.any(Number), end: expect.any(Number), family },
      ]);
      const [label] = trace.labels;
      if (!label) throw new Error('no label');
      expect(label.start).toBeGreaterThanOrEqual(START + 2 * HOUR);
      expect(label.end).toBeGreaterThanOrEqual(label.start);
      expect(label.end).toBeLessThanOrEqual(START + 8 * HOUR);
    }
  });

  it('labels nothing when the episode is none', () => {
    for (const seed of SEEDS) expect(run(seed, 'none').trace.labels).toEqual([]);
  });

  it('gives identical output for the same scenario and another guild for another seed', () => {
    const scenario = { seed: 7, episode: 'fast-flood', hours: 8, startMs: START } as const;
    expect(generateC(scenario)).toEqual(generateC(scenario));
    expectSeeded(generateC, scenario);
  });

  it('runs for the hours and from the start it is given', () => {
    const start = Date.UTC(2026, 0, 5);
    for (const [episode, hours] of [
      ['none', 6],
      ['slow-drip', 24],
      ['launch', 12],
    ] as const) {
      const trace = generateC({ seed: 3, episode, hours, startMs: start });
      expect(trace.events[0]?.ts).toBe(start);
      expect(trace.events.at(-1)?.ts).toBe(start + hours * HOUR);
      for (const label of trace.labels) {
        expect(label.start).toBeGreaterThanOrEqual(start + 2 * HOUR);
        expect(label.end).toBeLessThanOrEqual(start + hours * HOUR);
      }
    }
  });

  it.each([
    ['an episode in a trace shorter than 8 hours', { hours: 6, episode: 'fast-flood' }, /at least 8 hours/],
    ['no hours', { hours: 0, episode: 'none' }, /hours must be positive/],
    ['a start before mid-2019', { startMs: Date.UTC(2018, 0, 1), episode: 'none' }, /startMs/],
  ] as const)('refuses %s with a clear error', (_, change, message) => {
    expect(() => generateC({ seed: 1, hours: 8, startMs: START, ...change })).toThrow(message);
  });

  it('floods several joins a second at its peak, all within a few minutes', () => {
    for (const seed of SEEDS) {
      const times = raidJoins(seed, 'fast-flood').map((j) => j.ts);
      expect(times.length).toBeGreaterThanOrEqual(12);
      const peak = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + SEC).length));
      expect(peak).toBeGreaterThanOrEqual(3);
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
      expect(span).toBeLessThanOrEqual(4 * MIN);
      expect(times.length / Math.max(1, span / SEC)).toBeGreaterThanOrEqual(1);
    }
  });

  it('drips raiders in minutes apart over half an hour or more', () => {
    for (const seed of SEEDS) {
      const times = raidJoins(seed, 'slow-drip').map((j) => j.ts);
      expect(times.length).toBeGreaterThanOrEqual(6);
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
      expect(span).toBeGreaterThanOrEqual(30 * MIN);
      expect(span / gaps.length).toBeGreaterThanOrEqual(MIN);
      expect(median(gaps)).toBeGreaterThanOrEqual(30 * SEC);
    }
  });

  it('raids with fresh accounts in a flood and accounts months to years old in an aged raid', () => {
    for (const seed of SEEDS) {
      const ages = (episode: Episode) =>
        raidJoins(seed, episode)
          .map((j) => j.ts - createdAt(j.userId))
          .sort((a, b) => a - b);
      const flood = ages('fast-flood');
      expect(flood[0]).toBeGreaterThanOrEqual(30 * SEC - 1);
      expect(flood[Math.floor(0.4 * flood.length)]).toBeLessThan(8 * DAY);
      expect(ages('aged-accounts')[0]).toBeGreaterThan(90 * DAY);
    }
  });

  it('sends every raider in through an invite the trace has, or the vanity URL, or none known', () => {
    for (const seed of SEEDS) {
      const { trace, raiders } = run(seed, 'multi-invite');
      const codes = new Set(trace.events.flatMap((e) => (e.type === 'invite.created' ? [e.code] : [])));
      const ids = new Set(raiders);
      const used = joinsOf(trace.events).filter((j) => ids.has(j.userId));
      for (const j of used)
        if (j.inviteCode !== null && j.inviteCode !== 'vanity') expect(codes).toContain(j.inviteCode);
      expect(new Set(used.map((j) => j.inviteCode)).size).toBeGreaterThanOrEqual(2);
    }
  });
});

import type { MemberJoinedEvent } from '@chat-guard/join-trace';
import { EPISODES, type Episode, generateA, RAID_FAMILIES, SURGE_KINDS } from '@chat-guard/raid-lab';
import { describe, expect, it } from 'vitest';
import {
  generateAWithTruth,
  type TraceWithTruth,
  worldOf,
} from '../../models/raid-lab/src/generators/a/index.ts';
import { createdAt, expectReadBackAsWritten, expectSeeded, joinsOf } from '../support/traceReading.ts';

const START = Date.UTC(2025, 2, 3, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i * 7);

const cache = new Map<string, TraceWithTruth>();
function run(seed: number, episode: Episode): TraceWithTruth {
  const key = `${seed}:${episode}`;
  const hit = cache.get(key) ?? generateAWithTruth({ seed, episode, hours: 24, startMs: START });
  cache.set(key, hit);
  return hit;
}
/** The episode's own joins (raiders, or the surge's newcomers), read from the trace. */
function actorJoins(r: TraceWithTruth): MemberJoinedEvent[] {
  const ids = new Set(r.episode?.actorIds);
  const seen = new Set<string>();
  return joinsOf(r.trace.events).filter(
    (j) => ids.has(j.userId) && !seen.has(j.userId) && seen.add(j.userId),
  );
}
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe('generator A: the trace and its labels', () => {
  it.each(EPISODES)('a %s trace survives a round trip through the join trace format', (episode) => {
    expectReadBackAsWritten(generateA({ seed: 7, episode, hours: 24, startMs: START }));
  });

  it('the same scenario gives the same trace, another seed another', () => {
    expectSeeded(generateA, { seed: 11, episode: 'fast-flood', hours: 24, startMs: START });
  });

  it.each(EPISODES)(
    '%s: events are in order, inside the trace, one guild, accounts made before they join',
    (ep) => {
      for (const seed of SEEDS.slice(0, 10)) {
        const { events, guildId } = run(seed, ep).trace;
        expect(events[0]).toMatchObject({ type: 'guild', ts: START });
        const misplaced = events.filter(
          (e, i) => e.ts < (events[i - 1]?.ts ?? START) || e.ts >= START + DAY || e.guildId !== guildId,
        );
        expect(misplaced).toEqual([]);
        expect(joinsOf(events).filter((j) => createdAt(j.userId) > j.ts)).toEqual([]);
      }
    },
  );

  it.each(EPISODES)(
    '%s: one label of its type and family, after the first 2 h, around its accounts',
    (ep) => {
      const type = (RAID_FAMILIES as readonly string[]).includes(ep) ? 'raid' : 'surge';
      for (const seed of SEEDS.slice(0, 15)) {
        const r = run(seed, ep);
        if (ep === 'none') {
          expect(r.trace.labels).toEqual([]);
          continue;
        }
        expect(r.trace.labels).toEqual([
          expect.objectContaining({ type, family: ep, guildId: r.trace.guildId }),
        ]);
        const [label] = r.trace.labels;
        const joins = actorJoins(r).map((j) => j.ts);
        expect(label?.start).toBe(joins[0]);
        expect(label?.start).toBeGreaterThanOrEqual(START + 2 * HOUR);
        expect(label?.end).toBeGreaterThanOrEqual(joins.at(-1) ?? Number.NaN);
        expect(label?.end).toBeLessThan(START + DAY);
      }
    },
  );

  it('no two accounts share a username, as on Discord, even when raiders copy names', () => {
    for (const ep of EPISODES)
      for (const seed of SEEDS.slice(0, 10)) {
        const owner = new Map<string, string>();
        for (const j of joinsOf(run(seed, ep).trace.events)) {
          expect(owner.get(j.username) ?? j.userId).toBe(j.userId);
          owner.set(j.username, j.userId);
        }
      }
  });

  it('a trace too short for an episode after the first 2 h is refused with a reason', () => {
    expect(() => generateA({ seed: 1, episode: 'trending', hours: 2, startMs: START })).toThrow(/hours/);
    expect(() => generateA({ seed: Number.NaN, episode: 'none', hours: 24, startMs: START })).toThrow(/seed/);
    expect(generateA({ seed: 1, episode: 'none', hours: 1, startMs: START }).labels).toEqual([]);
  });
});

describe('generator A: organic worlds drawn wide', () => {
  const worlds = SEEDS.map((seed) => run(seed, 'none'));

  it('guild sizes span orders of magnitude, and joins grow with size', () => {
    const bySize = worlds
      .map((r) => ({ size: r.world.size, joins: joinsOf(r.trace.events).length }))
      .sort((a, b) => a.size - b.size);
    expect(bySize[0]?.size).toBeLessThan(1000);
    expect(bySize.at(-1)?.size).toBeGreaterThan(100_000);
    const third = Math.floor(bySize.length / 3);
    const mean = (xs: { joins: number }[]): number => xs.reduce((s, x) => s + x.joins, 0) / xs.length;
    expect(mean(bySize.slice(-third))).toBeGreaterThan(10 * mean(bySize.slice(0, third)));
  });

  it('the share of organic accounts under a day old spans 0 to 25% across guilds', () => {
    const shares = Array.from({ length: 120 }, (_, seed) => joinsOf(run(seed, 'none').trace.events))
      .filter((joins) => joins.length >= 200)
      .map((joins) => joins.filter((j) => j.ts - createdAt(j.userId) < DAY).length / joins.length);
    expect(shares.length).toBeGreaterThan(8);
    expect(Math.min(...shares)).toBeLessThan(0.04);
    expect(Math.max(...shares)).toBeGreaterThan(0.17);
    expect(Math.max(...shares)).toBeLessThan(0.3);
  });

  it('entries vary: vanity URLs, unattributed joins, invites members make during the day', () => {
    const has = (pred: (r: TraceWithTruth) => boolean): number => worlds.filter(pred).length;
    const joins = (r: TraceWithTruth): MemberJoinedEvent[] => joinsOf(r.trace.events);
    expect(has((r) => joins(r).some((j) => j.inviteCode === 'vanity'))).toBeGreaterThan(3);
    expect(has((r) => r.world.vanityCode === null)).toBeGreaterThan(3);
    expect(has((r) => joins(r).some((j) => j.inviteCode === null))).toBeGreaterThan(3);
    expect(
      has((r) => r.trace.events.some((e) => e.type === 'invite.created' && e.ts > START)),
    ).toBeGreaterThan(3);
  });

  it('new accounts keep the default avatar more often than old ones', () => {
    const joins = worlds.flatMap((r) => joinsOf(r.trace.events));
    const defaultShare = (pred: (ageMs: number) => boolean): number => {
      const group = joins.filter((j) => pred(j.ts - createdAt(j.userId)));
      return group.filter((j) => j.avatar === null).length / group.length;
    };
    expect(defaultShare((age) => age < DAY)).toBeGreaterThan(defaultShare((age) => age > 365 * DAY) + 0.15);
  });

  it('some newcomers greet within seconds, some leave, some come back', () => {
    const joins = worlds.flatMap((r) => joinsOf(r.trace.events));
    const joinedAt = new Map(joins.map((j) => [j.userId, j.ts]));
    const events = worlds.flatMap((r) => r.trace.events);
    const fastGreetings = events.filter(
      (e) =>
        e.type === 'message.created' && e.ts - (joinedAt.get(e.userId) ?? Number.NEGATIVE_INFINITY) < 30_000,
    );
    expect(fastGreetings.length).toBeGreaterThan(50);
    expect(events.filter((e) => e.type === 'member.left' && joinedAt.has(e.userId)).length).toBeGreaterThan(
      20,
    );
    expect(joins.length - joinedAt.size).toBeGreaterThan(3);
  });
});

describe('generator A: raids drawn wide', () => {
  /** How the raiders got in, read from the trace: the vanity URL, the everyday invite, one fresh invite, or many. */
  function entryOf(r: TraceWithTruth): string {
    const codes = new Set(actorJoins(r).flatMap((j) => (j.inviteCode === null ? [] : [j.inviteCode])));
    const [code] = codes;
    if (codes.size >= 3) return 'many';
    if (codes.size !== 1 || code === undefined) return 'mixed';
    if (code === 'vanity') return 'vanity';
    return r.world.everyday.some((e) => e.code === code) ? 'everyday' : 'fresh';
  }

  it.each(['fast-flood', 'aged-accounts', 'slow-drip'] as const)(
    '%s raiders come in by every kind of entry',
    (family) => {
      const kinds = SEEDS.map((seed) => entryOf(run(seed, family)));
      expect(kinds).toEqual(expect.arrayContaining(['vanity', 'everyday', 'fresh', 'many']));
    },
  );

  it('multi-invite raiders always use at least three invites', () => {
    for (const seed of SEEDS) expect(entryOf(run(seed, 'multi-invite'))).toBe('many');
  });

  it('aged accounts are months to years old, their creation dates minutes to years apart', () => {
    const widths = SEEDS.map((seed) => {
      const joins = actorJoins(run(seed, 'aged-accounts'));
      expect(joins.filter((j) => j.ts - createdAt(j.userId) < 59 * DAY)).toEqual([]);
      const made = joins.map((j) => createdAt(j.userId));
      return Math.max(...made) - Math.min(...made);
    });
    expect(Math.min(...widths)).toBeLessThan(HOUR);
    expect(Math.max(...widths)).toBeGreaterThan(365 * DAY);
  });

  it('slow-drip raiders join minutes apart, for an hour or more in most drips', () => {
    const drips = SEEDS.map((seed) => {
      const ts = actorJoins(run(seed, 'slow-drip')).map((j) => j.ts);
      const span = (ts.at(-1) ?? 0) - (ts[0] ?? 0);
      expect(span / (ts.length - 1)).toBeGreaterThan(60_000);
      return { span, medianGap: median(ts.slice(1).map((t, i) => t - (ts[i] ?? 0))) };
    });
    expect(median(drips.map((d) => d.medianGap))).toBeGreaterThan(2 * 60_000);
    expect(median(drips.map((d) => d.span))).toBeGreaterThan(HOUR);
  });

  it('fast floods reach 10 or more joins a second in some seeds and stay under it in others', () => {
    const peaks = SEEDS.map((seed) => {
      const ts = actorJoins(run(seed, 'fast-flood')).map((j) => j.ts);
      let peak = 0;
      for (let i = 0, k = 0; i < ts.length; i++) {
        while ((ts[i] ?? 0) - (ts[k] ?? 0) >= 1000) k++;
        peak = Math.max(peak, i - k + 1);
      }
      return peak;
    });
    expect(peaks.filter((p) => p >= 10).length).toBeGreaterThan(10);
    expect(peaks.filter((p) => p < 10).length).toBeGreaterThan(1);
  });

  it('raiders post links, invites, @everyone and mass mentions, or stay silent', () => {
    const posts = RAID_FAMILIES.flatMap((family) =>
      SEEDS.map((seed) => {
        const r = run(seed, family);
        const ids = new Set(r.episode?.actorIds);
        return r.trace.events.filter((e) => e.type === 'message.created' && ids.has(e.userId));
      }),
    );
    expect(posts.filter((p) => p.length === 0).length).toBeGreaterThan(10);
    const all = posts.flat().flatMap((e) => (e.type === 'message.created' ? [e] : []));
    for (const pattern of [/https:\/\//, /discord\.(gg|com\/invite)\//, /@everyone|@here/, /<@\d+>/])
      expect(all.some((m) => pattern.test(m.content))).toBe(true);
    expect(all.some((m) => m.mentionCount >= 3)).toBe(true);
  });
});

describe('generator A: organic surges', () => {
  it.each(SURGE_KINDS)('%s: joins in the window rise well above the same guild on a normal day', (kind) => {
    const ratios = SEEDS.slice(0, 20).map((seed) => {
      const [label] = run(seed, kind).trace.labels;
      const inWindow = (r: TraceWithTruth): number =>
        joinsOf(r.trace.events).filter((j) => label && j.ts >= label.start && j.ts <= label.end).length;
      return inWindow(run(seed, kind)) / Math.max(1, inWindow(run(seed, 'none')));
    });
    expect(Math.min(...ratios)).toBeGreaterThan(1.5);
    expect(median(ratios)).toBeGreaterThan(3);
  });

  it('in a shout-out many newcomers say the same line', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(seed, 'shout-out');
      const ids = new Set(r.episode?.actorIds);
      const lines = r.trace.events.flatMap((e) =>
        e.type === 'message.created' && ids.has(e.userId) ? [e.content] : [],
      );
      if (lines.length < 20) continue;
      const counts = new Map<string, number>();
      for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
      expect(Math.max(...counts.values()) / lines.length).toBeGreaterThan(0.25);
    }
  });

  it('fresh invites carry surges as well as raids, and standing entries raids as well as surges', () => {
    const freshShoutOuts = SEEDS.filter(
      (seed) => run(seed, 'shout-out').episode?.facts.entry === 'fresh',
    ).length;
    expect(freshShoutOuts).toBeGreaterThan(SEEDS.length / 2);
    expect(freshShoutOuts).toBeLessThan(SEEDS.length);
    const standingFloods = SEEDS.filter((seed) =>
      ['everyday', 'vanity'].includes(String(run(seed, 'fast-flood').episode?.facts.entry)),
    );
    expect(standingFloods.length).toBeGreaterThan(5);
  });
});

describe('generator A: cost', () => {
  // Pure CPU work: on a machine shared with other jobs it can take longer than the default 30 s.
  it('a day of the biggest guilds stays under 100,000 events, whatever the episode', {
    timeout: 180_000,
  }, () => {
    const big = Array.from({ length: 400 }, (_, seed) => seed)
      .map((seed) => ({ seed, size: worldOf({ seed, episode: 'none', hours: 24, startMs: START }).size }))
      .sort((a, b) => b.size - a.size)
      .slice(0, 2);
    expect(big.at(-1)?.size).toBeGreaterThan(500_000);
    for (const { seed } of big)
      for (const episode of EPISODES) expect(run(seed, episode).trace.events.length).toBeLessThan(100_000);
  });
});

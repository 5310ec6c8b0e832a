import { guildAccountMix } from './accounts.ts';
import { expectedCount, poissonTimes } from './arrivals.ts';
import { activityAt } from './guild.ts';
import { guildHabits } from './newcomer.ts';
import type { Rng } from './rng.ts';
import type { EpisodeResult, Scene } from './scene.ts';
import { emitCrowd, MAX_SURGE_JOINS, placeInDaytime } from './surge.ts';
import { episodeRoom } from './window.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Rises linearly over `up`, holds for `hold`, falls over `down`: 0 to 1. */
function envelope(x: number, up: number, hold: number, down: number): number {
  if (x < 0) return 0;
  if (x < up) return x / up;
  if (x < up + hold) return 1;
  return Math.max(0, 1 - (x - up - hold) / down);
}

/** One part of a surge's extra joins: a rate (per hour) over [start, start + span), at most `ceiling`. */
interface RatePart {
  readonly span: number;
  readonly rate: (ms: number) => number;
  readonly ceiling: number;
}

/** Arrival times of the parts' summed rate from `start`, scaled down together to the surge budget. */
function extraJoins(rng: Rng, start: number, parts: readonly RatePart[]): number[] {
  const expected = parts.reduce((sum, p) => sum + expectedCount(start, start + p.span, p.rate), 0);
  const scale = Math.min(1, MAX_SURGE_JOINS / Math.max(1, expected));
  const times = parts
    .flatMap((p) => poissonTimes(rng, start, start + p.span, (ms) => scale * p.rate(ms), scale * p.ceiling))
    .sort((a, b) => a - b);
  return times.length > 0 ? times : [start + 1];
}

/** Featured on a listing site, in Discovery, or a viral post: the everyday way in runs 3 to 10 times normal for hours. */
export function trending(scene: Scene, rng: Rng): EpisodeResult {
  const { profile, invites } = scene;
  const base = profile.joinsPerDay / 24;
  const fold = rng.range(3, 10);
  const floor = rng.logRange(4, 25);
  const drawn = [rng.range(10, 60) * MINUTE, rng.range(2, 10) * HOUR, rng.range(20, 120) * MINUTE] as const;
  const fit = Math.min(1, (0.9 * episodeRoom(scene.world)) / (drawn[0] + drawn[1] + drawn[2]));
  const [up, hold, down] = drawn.map((d) => d * fit) as [number, number, number];
  const start = placeInDaytime(rng, scene, up + hold + down);
  const rate = (ms: number) =>
    envelope(ms - start, up, hold, down) * Math.max((fold - 1) * base * activityAt(profile, ms), floor);
  const ceiling = Math.max((fold - 1) * base * (1 + profile.amplitude), floor);
  const viaEveryday = rng.range(0.7, 0.95);
  return emitCrowd(scene, rng, 'trending', {
    times: extraJoins(rng, start, [{ span: up + hold + down, rate, ceiling }]),
    mix: { ...guildAccountMix(profile), newShare: Math.min(0.5, profile.newAccountShare * rng.range(1, 2)) },
    habits: guildHabits(profile),
    invite: (draw, ms) => (draw.chance(viaEveryday) ? invites.everyday() : invites.pickOrganic(draw, ms)),
  });
}

/** A launch, update or article: a spike at the announcement, then hours of joins through many invites at once. */
export function launch(scene: Scene, rng: Rng): EpisodeResult {
  const { profile, invites, world } = scene;
  const base = profile.joinsPerDay / 24;
  const spikeFold = rng.range(8, 40);
  const spikeFloor = rng.logRange(30, 200);
  const decay = rng.logRange(5, 30) * MINUTE;
  const plateauFold = rng.range(2, 6);
  const plateauFloor = rng.logRange(4, 30);
  const drawn = [rng.range(2, 12) * HOUR, rng.range(30, 120) * MINUTE] as const;
  const fit = Math.min(1, (0.9 * episodeRoom(world)) / (drawn[0] + drawn[1]));
  const [hold, down] = drawn.map((d) => d * fit) as [number, number];
  const start = placeInDaytime(rng, scene, hold + down);
  const busy = (ms: number) => base * activityAt(profile, ms);
  const peak = base * (1 + profile.amplitude);
  const spike: RatePart = {
    span: Math.min(hold + down, 5 * decay),
    rate: (ms) => Math.max(spikeFold * busy(ms), spikeFloor) * Math.exp(-(ms - start) / decay),
    ceiling: Math.max(spikeFold * peak, spikeFloor),
  };
  const plateau: RatePart = {
    span: hold + down,
    rate: (ms) => envelope(ms - start, 1, hold, down) * Math.max((plateauFold - 1) * busy(ms), plateauFloor),
    ceiling: Math.max((plateauFold - 1) * peak, plateauFloor),
  };
  const partners = Array.from({ length: rng.int(2, 8) }, () =>
    invites.create(rng, start - rng.logRange(MINUTE, 2 * HOUR), undefined, 0, 0),
  );
  const ways = [
    ['website', rng.range(0.2, 0.5)],
    ['partner', rng.range(0.2, 0.4)],
    ['vanity', profile.vanityCode === null ? 0 : rng.range(0, 0.4)],
    ['member', rng.range(0.1, 0.3)],
    ['unknown', 0.05],
  ] as const;
  return emitCrowd(scene, rng, 'launch', {
    times: extraJoins(rng, start, [spike, plateau]),
    mix: { ...guildAccountMix(profile), newShare: rng.range(0.1, 0.45), newLeadMs: [40_000, 12 * HOUR] },
    habits: { ...guildHabits(profile), greetShare: Math.min(0.6, profile.greetShare * rng.range(1, 2)) },
    invite: (draw, ms) => {
      const way = draw.weighted(ways);
      if (way === 'website') return invites.permanent[0] ?? invites.everyday();
      if (way === 'partner') return draw.pick(partners);
      if (way === 'vanity') return 'vanity';
      return way === 'member' ? invites.pickMember(draw, ms) : null;
    },
  });
}

import type { SurgeKind } from '../scenario.ts';
import { type AccountMix, organicAccount } from './accounts.ts';
import { activityAt } from './guild.ts';
import { arrive, type Habits } from './newcomer.ts';
import type { Rng } from './rng.ts';
import type { EpisodeResult, Scene } from './scene.ts';
import { placeStart } from './window.ts';

/** The extra newcomers a surge brings: when they join, who they are, what they do, how they come in. */
export interface Crowd {
  readonly times: readonly number[];
  readonly mix: AccountMix;
  readonly habits: Habits;
  readonly invite: (rng: Rng, ms: number) => string | null;
}

/** Surges most joins can reach: keeps a day of the largest guild inside the event budget. */
export const MAX_SURGE_JOINS = 20_000;

/** A start for a surge of `spanMs`, likelier in the guild's waking hours: streams, posts and launches are timed for them. */
export function placeInDaytime(rng: Rng, scene: Scene, spanMs: number): number {
  const ceiling = 1 + scene.profile.amplitude;
  let start = placeStart(rng, scene.world, spanMs);
  for (let tries = 0; tries < 20 && !rng.chance(activityAt(scene.profile, start) / ceiling); tries++)
    start = placeStart(rng, scene.world, spanMs);
  return start;
}

/** Brings the crowd in; the label runs from its first join to its last, where joins are back to normal. */
export function emitCrowd(scene: Scene, rng: Rng, family: SurgeKind, crowd: Crowd): EpisodeResult {
  const { world, profile } = scene;
  const accounts = crowd.times.map((t) => {
    const account = organicAccount(rng, world.ids, profile, crowd.mix, t);
    arrive(scene, rng, t, account, crowd.invite(rng, t), crowd.habits);
    return account;
  });
  const start = Math.floor(crowd.times[0] ?? world.startMs);
  const end = Math.floor(crowd.times[crowd.times.length - 1] ?? start);
  return { label: { type: 'surge', guildId: world.guildId, start, end, family }, accounts };
}

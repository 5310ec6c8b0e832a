import type { Rng } from './rng.ts';
import type { World } from './world.ts';

const HOUR = 3_600_000;
/** No episode starts in the trace's first two hours: a detector needs them to learn the guild's normal. */
export const EPISODE_EARLIEST_MS = 2 * HOUR;
/** Every episode ends at least this long before the trace does. */
const END_MARGIN_MS = 5 * 60_000;

/** How long an episode may last in this trace: from 2 hours in to a margin before the end. */
export function episodeRoom(world: World): number {
  const room = world.endMs - END_MARGIN_MS - (world.startMs + EPISODE_EARLIEST_MS);
  if (room < 30 * 60_000)
    throw new RangeError(
      `a trace of ${(world.endMs - world.startMs) / HOUR} h has no room for an episode after 2 h`,
    );
  return room;
}

/** A start for an episode lasting `spanMs` (at most the room), uniform over where it fits. */
export function placeStart(rng: Rng, world: World, spanMs: number): number {
  const slack = Math.max(0, episodeRoom(world) - spanMs);
  return Math.floor(world.startMs + EPISODE_EARLIEST_MS + rng.range(0, slack));
}

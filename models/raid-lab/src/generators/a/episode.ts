import type { TraceLabel } from '@chat-guard/join-trace';
import type { Rng } from './rng.ts';

/** Where an episode may lie: it starts no earlier than `earliest` and ends no later than `latest`. */
export interface EpisodeWindow {
  readonly earliest: number;
  readonly latest: number;
}

/** What an episode wrote: its label, the accounts that took part, and the properties drawn for it. */
export interface EpisodeOutcome {
  readonly label: TraceLabel;
  readonly actorIds: readonly string[];
  readonly facts: Readonly<Record<string, string | number>>;
}

/** Places a schedule `durationMs` long uniformly in the window; one too long for it is squeezed (scale < 1). */
export function place(rng: Rng, window: EpisodeWindow, durationMs: number): { start: number; scale: number } {
  const room = window.latest - window.earliest;
  const scale = durationMs > room ? room / durationMs : 1;
  return { start: window.earliest + rng.next() * (room - durationMs * scale), scale };
}

/** The largest of many numbers (no argument-count limit, unlike Math.max(...xs)). */
export function maxOf(xs: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  let m = floor;
  for (const x of xs) if (x > m) m = x;
  return m;
}

import { RAID, type RaidSpec } from './raidSpecs.ts';
import type { Rng } from './rng.ts';

/** One raider message, in ms after the raid's first join. */
export interface PlannedPost {
  readonly raider: number;
  readonly at: number;
  readonly channel: number;
}

/** Join times in ms after the first join: a burst or a drip, spaced evenly, at random, or in waves. */
export function joinOffsets(rng: Rng, spec: RaidSpec, drawnSize: number, availableMs: number): number[] {
  let n = drawnSize;
  let meanGap: number;
  if (spec.pace.kind === 'burst') {
    const spanMs = Math.min(spec.pace.maxSpanMs, (n / rng.logUniform(spec.pace.perSec)) * 1000);
    meanGap = spanMs / n;
  } else {
    meanGap = rng.logUniform(spec.pace.gapMs);
    // A drip must end before the trace does: fewer raiders first, then shorter gaps.
    const room = availableMs * 0.6;
    if (n * meanGap > room) n = Math.max(6, Math.floor(room / meanGap));
    if (n * meanGap > room) meanGap = room / n;
  }
  // A drip comes one at a time; only bursts may come in waves.
  const jitter = rng.weighted(spec.pace.kind === 'drip' ? { ...RAID.jitter, waves: 0 } : RAID.jitter);
  const spread = rng.uniform(RAID.evenJitter);
  const wave = rng.int(...RAID.waveSize);
  const offsets = [0];
  for (let i = 1, t = 0; i < n; i++) {
    let gap: number;
    if (jitter === 'even') gap = meanGap * (1 + spread * (2 * rng.next() - 1));
    // A drip's random gaps keep a quarter of the mean as a floor: one at a time, never two together.
    else if (jitter === 'poisson')
      gap = spec.pace.kind === 'drip' ? meanGap * (0.25 + rng.exponential(0.75)) : rng.exponential(meanGap);
    else gap = i % wave === 0 ? meanGap * wave * rng.uniform([0.5, 1.5]) : rng.exponential(meanGap * 0.05);
    t += Math.max(RAID.minGapMs, gap);
    offsets.push(t);
  }
  return offsets;
}

/** Who posts when: nobody, each soon after joining, or all together some time after the last join. */
export function planPosts(
  rng: Rng,
  spec: RaidSpec,
  joins: readonly number[],
  channels: number,
): { mode: string; posts: PlannedPost[] } {
  const mode = rng.weighted(spec.posting);
  if (mode === 'silent') return { mode, posts: [] };
  const share = rng.uniform(RAID.posterShare);
  const perPoster = rng.int(...RAID.messagesPerPoster);
  const gap = rng.logUniform(RAID.messageGapMs);
  const oneChannel = rng.chance(RAID.oneChannel) ? rng.int(0, channels - 1) : -1;
  const delay = rng.logUniform(RAID.onJoinDelayMs);
  const together = (joins.at(-1) ?? 0) + rng.logUniform(spec.togetherAfterMs);
  const spreadMs = rng.logUniform(RAID.togetherSpreadMs);
  const posts: PlannedPost[] = [];
  joins.forEach((joinAt, raider) => {
    if (!rng.chance(share)) return;
    let at = mode === 'on-join' ? joinAt + delay * rng.uniform([0.5, 2]) : together + rng.next() * spreadMs;
    const channel = oneChannel >= 0 ? oneChannel : rng.int(0, channels - 1);
    for (let k = rng.int(1, perPoster); k > 0; k--, at += gap * rng.uniform([0.5, 2]))
      posts.push({ raider, at, channel });
  });
  return { mode, posts };
}

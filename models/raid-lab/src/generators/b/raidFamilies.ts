import type { RaidFamily } from '../scenario.ts';
import type { EntryMode } from './raidEntry.ts';
import type { AgeMode, AvatarMode, NameMode } from './raiders.ts';
import { type BurstStyle, burstOffsets, type DripStyle, dripOffsets } from './raidPace.ts';
import type { Rng, Weighted } from './rng.ts';

export type Posting = 'on-join' | 'together' | 'silent';
export interface FamilyTraits {
  readonly size: readonly [number, number];
  readonly joins: (rng: Rng, n: number, roomMs: number) => number[];
  readonly ages: Weighted<AgeMode>;
  readonly names: Weighted<NameMode>;
  readonly avatars: Weighted<AvatarMode>;
  readonly entry: Weighted<EntryMode>;
  readonly posting: Weighted<Posting>;
  /** After the last join, how long raiders that post together wait. */
  readonly togetherDelayMs: readonly [number, number];
}

const MINUTE = 60_000;
const BURSTS: Weighted<BurstStyle> = [
  ['even', 0.4],
  ['poisson', 0.35],
  ['waves', 0.25],
];
const DRIPS: Weighted<DripStyle> = [
  ['even', 0.3],
  ['poisson', 0.4],
  ['ragged', 0.3],
];
const SCRIPTED: Weighted<NameMode> = [
  ['random', 0.35],
  ['stem', 0.35],
  ['copy', 0.15],
  ['mixed', 0.15],
];
const FRESH_LOOK: Weighted<AvatarMode> = [
  ['default', 0.55],
  ['shared', 0.15],
  ['random', 0.15],
  ['mixed', 0.15],
];

/** A burst at about `perSecond`, never slower than all `n` within `withinMs`. */
const burst = (lo: number, hi: number, withinMs: number) => (rng: Rng, n: number) =>
  burstOffsets(rng, n, Math.max(rng.logRange(lo, hi), (n * 1000) / withinMs), rng.weighted(BURSTS));

/** One join every 2 to 20 minutes; fewer raiders (or shorter gaps) when the trace cannot hold them all. */
function drip(rng: Rng, n: number, roomMs: number): number[] {
  let gap = rng.logRange(2 * MINUTE, 20 * MINUTE);
  const fit = Math.max(6, Math.min(n, Math.floor((0.6 * roomMs) / gap)));
  gap = Math.min(gap, (0.6 * roomMs) / fit);
  return dripOffsets(rng, fit, gap, rng.weighted(DRIPS));
}

export const FAMILIES: Record<RaidFamily, FamilyTraits> = {
  'fast-flood': {
    size: [12, 3000],
    joins: burst(1, 60, 150_000),
    ages: [
      ['fresh-batch', 0.85],
      ['mixed', 0.15],
    ],
    names: SCRIPTED,
    avatars: FRESH_LOOK,
    entry: [
      ['everyday', 0.45],
      ['fresh', 0.35],
      ['few', 0.12],
      ['unknown', 0.08],
    ],
    posting: [
      ['on-join', 0.75],
      ['together', 0.1],
      ['silent', 0.15],
    ],
    togetherDelayMs: [3_000, 5 * MINUTE],
  },
  'multi-invite': {
    size: [20, 2500],
    joins: burst(0.5, 25, 240_000),
    ages: [
      ['fresh-batch', 0.75],
      ['aged-cluster', 0.1],
      ['mixed', 0.15],
    ],
    names: SCRIPTED,
    avatars: FRESH_LOOK,
    entry: [['many', 1]],
    posting: [
      ['on-join', 0.7],
      ['together', 0.1],
      ['silent', 0.2],
    ],
    togetherDelayMs: [3_000, 5 * MINUTE],
  },
  'aged-accounts': {
    size: [10, 500],
    joins: burst(0.1, 10, 600_000),
    ages: [
      ['aged-spread', 0.5],
      ['aged-cluster', 0.5],
    ],
    names: [
      ['ordinary', 0.7],
      ['stem', 0.1],
      ['random', 0.1],
      ['mixed', 0.1],
    ],
    avatars: [
      ['random', 0.5],
      ['mixed', 0.35],
      ['default', 0.15],
    ],
    entry: [
      ['everyday', 0.5],
      ['fresh', 0.3],
      ['few', 0.1],
      ['many', 0.1],
    ],
    posting: [
      ['on-join', 0.3],
      ['together', 0.2],
      ['silent', 0.5],
    ],
    togetherDelayMs: [10_000, 120 * MINUTE],
  },
  'slow-drip': {
    size: [8, 120],
    joins: drip,
    ages: [
      ['fresh-batch', 0.35],
      ['aged-spread', 0.35],
      ['aged-cluster', 0.15],
      ['mixed', 0.15],
    ],
    names: [
      ['ordinary', 0.5],
      ['random', 0.15],
      ['stem', 0.2],
      ['copy', 0.15],
    ],
    avatars: [
      ['mixed', 0.5],
      ['default', 0.25],
      ['random', 0.25],
    ],
    entry: [
      ['everyday', 0.6],
      ['fresh', 0.2],
      ['many', 0.15],
      ['unknown', 0.05],
    ],
    posting: [
      ['on-join', 0.1],
      ['together', 0.45],
      ['silent', 0.45],
    ],
    togetherDelayMs: [30_000, 30 * MINUTE],
  },
};

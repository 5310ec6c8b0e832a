import { DEFAULT_POLICY, type ResponsePolicy } from '@chat-guard/anomaly-detector';
import type { Figures } from './figures.ts';

/** What a policy must do on the tuning set to be chosen (the targets). */
export interface Targets {
  readonly minFamilyRecall: number;
  readonly maxLockdownsPer1000: number;
  readonly maxSurgeLockedShare: number;
  readonly maxSurgeGateOnlyShare: number;
  readonly maxGatesPer1000: number;
  /** Median seconds from a flood's first join to the first protective step. */
  readonly maxFloodMedianS: number;
}

export const TARGETS: Targets = {
  minFamilyRecall: 0.9,
  maxLockdownsPer1000: 2,
  maxSurgeLockedShare: 3 / 55,
  maxSurgeGateOnlyShare: 1 / 3,
  maxGatesPer1000: 10,
  maxFloodMedianS: 5,
};

/** The grid of policies the tuning set chooses from: gate and lockdown thresholds, and the spike that gates alone. */
export function policyGrid(base: ResponsePolicy = DEFAULT_POLICY): ResponsePolicy[] {
  const grid: ResponsePolicy[] = [];
  for (let gate = 0.2; gate <= 0.951; gate += 0.05) {
    for (let lock = 0.5; lock <= 0.991; lock += 0.05) {
      if (lock + 1e-9 < gate) continue;
      const exitScore = Math.min(0.3, gate / 2);
      for (const gateSpike of [0, 100, 50, 30, 20])
        grid.push({
          ...base,
          gateScore: round(gate),
          lockdownScore: round(lock),
          exitScore: round(exitScore),
          gateSpike,
        });
    }
  }
  return grid;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * How far a policy's figures miss the targets: 0 when it meets them all. Every family's recall
 * miss counts, not only the worst one's, so a policy that lifts one family is not ranked level
 * with one that does not just because another family is further behind.
 */
export function shortfall(f: Figures, t: Targets = TARGETS): number {
  const recallMiss = Object.values(f.families).reduce(
    (sum, x) => sum + Math.max(0, t.minFamilyRecall - x.recall),
    0,
  );
  const floodS = f.families['fast-flood']?.medianS ?? 0;
  const surges = Math.max(1, f.surges);
  return (
    recallMiss * 10 +
    Math.max(0, floodS - t.maxFloodMedianS) / 10 +
    Math.max(0, f.lockdownsPer1000 - t.maxLockdownsPer1000) / 2 +
    Math.max(0, f.surgesLocked / surges - t.maxSurgeLockedShare) * 10 +
    Math.max(0, f.surgesGateOnly / surges - t.maxSurgeGateOnlyShare) * 3 +
    Math.max(0, f.gatesPer1000 - t.maxGatesPer1000) / 10
  );
}

/**
 * The policy chosen on the tuning figures: the least shortfall against the targets; among
 * those that meet them, the highest worst-family recall, then the fewest steps on organic
 * traffic, then the fastest floods.
 */
export function choosePolicy(
  candidates: readonly { policy: ResponsePolicy; figures: Figures }[],
  t: Targets = TARGETS,
): { policy: ResponsePolicy; figures: Figures } {
  const ranked = [...candidates].sort((x, y) => {
    const dx = shortfall(x.figures, t);
    const dy = shortfall(y.figures, t);
    if (Math.abs(dx - dy) > 1e-9) return dx - dy;
    const rx = Math.min(...Object.values(x.figures.families).map((f) => f.recall));
    const ry = Math.min(...Object.values(y.figures.families).map((f) => f.recall));
    if (Math.abs(rx - ry) > 1e-9) return ry - rx;
    const fx = x.figures.gatesPer1000 + 5 * x.figures.lockdownsPer1000 + x.figures.surgesGateOnly;
    const fy = y.figures.gatesPer1000 + 5 * y.figures.lockdownsPer1000 + y.figures.surgesGateOnly;
    if (Math.abs(fx - fy) > 1e-9) return fx - fy;
    return (
      (x.figures.families['fast-flood']?.medianS ?? 0) - (y.figures.families['fast-flood']?.medianS ?? 0)
    );
  });
  const best = ranked[0];
  if (!best) throw new Error('no policy to choose from');
  return best;
}

import {
  baselineDetectors,
  DEFAULT_POLICY,
  detectorTick,
  type LockdownPolicy,
  modelTick,
  type Scorer,
} from '@chat-guard/anomaly-detector';
import type { Contender } from './evaluate.ts';

/** The model's candidate thresholds, loosest first. */
export const MODEL_THRESHOLDS = [
  0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999,
];

/** The model's lockdown policy at an enter threshold; `base` carries the rest (quiet period, guardrail). */
export function modelPolicy(threshold: number, base: LockdownPolicy = DEFAULT_POLICY): LockdownPolicy {
  return { ...base, enterScore: threshold, exitScore: Math.min(base.exitScore, threshold) };
}

/** The model, swept over `thresholds`. */
export function modelContender(
  name: string,
  scorer: Scorer,
  thresholds: readonly number[] = MODEL_THRESHOLDS,
  base: LockdownPolicy = DEFAULT_POLICY,
): Contender {
  return {
    name,
    tick: () => modelTick(scorer),
    thresholds,
    policyAt: (t) => modelPolicy(t, base),
    everyGuild: false,
  };
}

/**
 * The four baselines under the same hysteresis and guardrail as the model, each swept over
 * its own candidate thresholds, or at `chosen` ones (in `baselineDetectors()` order).
 */
export function baselineContenders(chosen?: readonly number[]): Contender[] {
  return baselineDetectors().map((detector, i) => {
    const threshold = chosen?.[i];
    return {
      name: threshold === undefined ? detector.name : detector.withThreshold(threshold).name,
      tick: () => detectorTick(detector.withThreshold(threshold ?? detector.threshold)),
      thresholds: threshold === undefined ? detector.candidates : [threshold],
      policyAt: (t) => ({ ...DEFAULT_POLICY, enterScore: t, exitScore: t }),
      everyGuild: true,
    };
  });
}

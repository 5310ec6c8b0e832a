import type { GuildWindow } from './guildWindow.ts';
import type { TickScorer } from './replayTrace.ts';

/**
 * A detector that says, at each tick, whether a guild is being raided: a statistic held
 * against a threshold. The baselines the model is measured against all have this shape;
 * each keeps its own per-guild state, so call it once per tick, in time order.
 */
export interface Detector {
  readonly name: string;
  /** The value at or above which it alarms; chosen on validation data by `model train`. */
  readonly threshold: number;
  /** Thresholds worth trying, loosest first. */
  readonly candidates: readonly number[];
  statistic(window: GuildWindow, now: number): number;
  alarmed(window: GuildWindow, now: number): boolean;
  /** A fresh detector (no state) of the same kind at another threshold. */
  withThreshold(threshold: number): Detector;
}

const DAY = 86_400_000;

function detector(
  name: (threshold: number) => string,
  threshold: number,
  candidates: readonly number[],
  fresh: () => (window: GuildWindow, now: number) => number,
): Detector {
  const statistic = fresh();
  return {
    name: name(threshold),
    threshold,
    candidates,
    statistic,
    alarmed: (window, now) => statistic(window, now) >= threshold,
    withThreshold: (t) => detector(name, t, candidates, fresh),
  };
}

/** The rule most anti-raid bots ship: N joins within T seconds. */
export function fixedRule(joins = 10, withinMs = 10_000): Detector {
  return detector(
    (n) => `${n} joins in ${withinMs / 1000} s`,
    joins,
    [4, 5, 6, 8, 10, 12, 15, 20, 30],
    () => (window, now) => window.recentCount(now, withinMs),
  );
}

/** Join rate well over the guild's baseline (the statistic), with mostly young accounts. */
export function rateAndYoungRule(rateFactor = 5, youngShare = 0.5, minJoins = 5): Detector {
  return detector(
    (r) => `rate ${r}x baseline and ${youngShare * 100}% accounts under 7 days`,
    rateFactor,
    [2, 3, 5, 8, 12, 20, 30, 50],
    () => (window, now) => {
      const joins = window.recent(now, 60_000);
      if (joins.length < minJoins) return 0;
      const young = joins.filter((j) => j.ts - j.accountCreatedAt < 7 * DAY).length / joins.length;
      return young >= youngShare ? joins.length / Math.max(window.baselinePerMinute, 0.2) : 0;
    },
  );
}

/**
 * An exponentially weighted mean and variance of the join count per bucket; the statistic is
 * the z-score. It learns only from buckets under `learnBelow`, whatever the alarm threshold,
 * so that one replay serves a sweep of thresholds.
 */
export function ewmaZScore(
  threshold = 4,
  alpha = 0.05,
  bucketMs = 10_000,
  minCount = 5,
  learnBelow = 4,
): Detector {
  return detector(
    (z) => `EWMA z-score over ${z}`,
    threshold,
    [3, 4, 5, 6, 8, 10, 15, 20],
    () => {
      const state = new WeakMap<GuildWindow, { mean: number; variance: number; lastBucket: number }>();
      return (window, now) => {
        const bucket = Math.floor(now / bucketMs);
        const s = state.get(window) ?? { mean: 0, variance: 1, lastBucket: bucket };
        const x = window.recentCount(now, bucketMs);
        const z = (x - s.mean) / Math.sqrt(Math.max(s.variance, 0.25));
        if (bucket !== s.lastBucket) {
          // Learn from completed buckets only, never from an alarming one (it would teach the raid as normal).
          if (z < learnBelow) {
            const diff = x - s.mean;
            s.mean += alpha * diff;
            s.variance = (1 - alpha) * (s.variance + alpha * diff * diff);
          }
          s.lastBucket = bucket;
        }
        state.set(window, s);
        return x >= minCount ? z : 0;
      };
    },
  );
}

/** A one-sided CUSUM on the join count per bucket against the guild's baseline rate; the statistic is the sum. */
export function cusum(slack = 2, limit = 15, bucketMs = 10_000): Detector {
  return detector(
    (h) => `CUSUM (k=${slack}, h=${h})`,
    limit,
    [5, 10, 15, 20, 30, 45, 60, 90],
    () => {
      const state = new WeakMap<GuildWindow, { sum: number; lastBucket: number }>();
      return (window, now) => {
        const bucket = Math.floor(now / bucketMs);
        const s = state.get(window) ?? { sum: 0, lastBucket: bucket - 1 };
        if (bucket !== s.lastBucket) {
          const expected = (window.baselinePerMinute * bucketMs) / 60_000;
          s.sum = Math.max(0, s.sum + window.recentCount(now, bucketMs) - expected - slack);
          s.lastBucket = bucket;
        }
        state.set(window, s);
        return s.sum;
      };
    },
  );
}

/** The baselines of `model eval`, in the order it prints them, at their usual thresholds. */
export function baselineDetectors(): Detector[] {
  return [fixedRule(), rateAndYoungRule(), ewmaZScore(), cusum()];
}

/**
 * A baseline as a tick scorer whose score is its statistic, for the same replay and
 * hysteresis as the model: lock down at `enterScore = exitScore = detector.threshold`.
 */
export function detectorTick(detector: Detector): TickScorer {
  return async (windows, guilds, now) =>
    guilds.map((g) => {
      const score = detector.statistic(windows.get(g), now);
      return { score, reasons: score >= detector.threshold ? [detector.name] : [] };
    });
}

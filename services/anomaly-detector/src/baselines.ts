import type { GuildWindow } from './guildWindow.ts';

/**
 * A detector that says, at each tick, whether a guild is being raided. The baselines the
 * model is measured against all have this shape; each keeps its own per-guild state.
 */
export interface Detector {
  readonly name: string;
  /** Called once per tick, in time order, with the guild's window at `now`. */
  alarmed(window: GuildWindow, now: number): boolean;
}

const DAY = 86_400_000;

/** The rule most anti-raid bots ship: N joins within T seconds. */
export function fixedRule(joins = 10, withinMs = 10_000): Detector {
  return {
    name: `${joins} joins in ${withinMs / 1000} s`,
    alarmed: (window, now) => window.recent(now, withinMs).length >= joins,
  };
}

/** Join rate well over the guild's baseline, with mostly young accounts. */
export function rateAndYoungRule(rateFactor = 5, youngShare = 0.5, minJoins = 5): Detector {
  return {
    name: `rate ${rateFactor}x baseline and ${youngShare * 100}% accounts under 7 days`,
    alarmed(window, now) {
      const joins = window.recent(now, 60_000);
      if (joins.length < minJoins) return false;
      const young = joins.filter((j) => j.ts - j.accountCreatedAt < 7 * DAY).length / joins.length;
      return joins.length >= rateFactor * Math.max(window.baselinePerMinute, 0.2) && young >= youngShare;
    },
  };
}

/** Per guild, the joins counted in the last bucket of `bucketMs`. */
function bucketCount(window: GuildWindow, now: number, bucketMs: number): number {
  return window.recent(now, bucketMs).length;
}

/** An exponentially weighted mean and variance of the join count per bucket, alarming on a z-score. */
export function ewmaZScore(threshold = 4, alpha = 0.05, bucketMs = 10_000, minCount = 5): Detector {
  const state = new WeakMap<GuildWindow, { mean: number; variance: number; lastBucket: number }>();
  return {
    name: `EWMA z-score over ${threshold}`,
    alarmed(window, now) {
      const bucket = Math.floor(now / bucketMs);
      const s = state.get(window) ?? { mean: 0, variance: 1, lastBucket: bucket };
      const x = bucketCount(window, now, bucketMs);
      const z = (x - s.mean) / Math.sqrt(Math.max(s.variance, 0.25));
      if (bucket !== s.lastBucket) {
        // Learn from completed buckets only, and never from an alarmed one (it would teach the raid as normal).
        if (z < threshold) {
          const diff = x - s.mean;
          s.mean += alpha * diff;
          s.variance = (1 - alpha) * (s.variance + alpha * diff * diff);
        }
        s.lastBucket = bucket;
      }
      state.set(window, s);
      return x >= minCount && z >= threshold;
    },
  };
}

/** A one-sided CUSUM on the join count per bucket against the guild's baseline rate. */
export function cusum(slack = 2, limit = 15, bucketMs = 10_000): Detector {
  const state = new WeakMap<GuildWindow, { sum: number; lastBucket: number }>();
  return {
    name: `CUSUM (k=${slack}, h=${limit})`,
    alarmed(window, now) {
      const bucket = Math.floor(now / bucketMs);
      const s = state.get(window) ?? { sum: 0, lastBucket: bucket - 1 };
      if (bucket !== s.lastBucket) {
        const expected = (window.baselinePerMinute * bucketMs) / 60_000;
        const x = bucketCount(window, now, bucketMs);
        s.sum = Math.max(0, s.sum + x - expected - slack);
        s.lastBucket = bucket;
      }
      state.set(window, s);
      return s.sum > limit;
    },
  };
}

/** The baselines of `model eval`, in the order it prints them. */
export function baselineDetectors(): Detector[] {
  return [fixedRule(), rateAndYoungRule(), ewmaZScore(), cusum()];
}

/** A baseline as a tick scorer (1 while it alarms), for the same replay and hysteresis as the model. */
export function detectorTick(detector: Detector) {
  return async (windows: { get(guildId: string): GuildWindow }, guilds: readonly string[], now: number) =>
    guilds.map((g) => {
      const alarmed = detector.alarmed(windows.get(g), now);
      return { score: alarmed ? 1 : 0, reasons: alarmed ? [detector.name] : [] };
    });
}

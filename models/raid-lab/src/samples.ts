import { observeTrace } from '@chat-guard/anomaly-detector';
import type { LabelledTrace } from './protocol.ts';

/** One labelled feature vector. */
export interface Sample {
  readonly vector: number[];
  readonly label: 0 | 1;
  readonly kind: 'raid' | 'surge' | 'organic';
  /** The raid family or surge kind, for per-kind figures. */
  readonly family: string;
}

/** After a raid's last join its windows still look like a raid for a while: neither label fits. */
export const AFTERGLOW_MS = 60 * 60_000;
/** Before this many raid joins nothing tells a raid from organic traffic. */
const RAID_JOINS_TO_TELL = 3;

/**
 * Feature vectors of a labelled trace, taken where the detector computes them (ticks where the
 * window changed, or every 30 s), from the detector's own windows and features. Labels: inside a
 * raid (after its first few joins) 1; in a surge or organic traffic 0; a raid's afterglow is
 * left out.
 */
export function traceSamples(trace: LabelledTrace, keepOrganic = 0.25, seed = 1): Sample[] {
  const samples: Sample[] = [];
  const raids = trace.labels.filter((l) => l.type === 'raid');
  const surges = trace.labels.filter((l) => l.type === 'surge');
  let rng = seed >>> 0 || 1;
  const random = () => {
    rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
    return rng / 2 ** 32;
  };
  observeTrace(
    trace.events,
    () => 0,
    (tick) => {
      if (!tick.fresh) return;
      const raid = raids.find((r) => tick.now >= r.start && tick.now <= r.end);
      if (raid) {
        if (tick.window.recentCount(tick.now, tick.now - raid.start + 1) < RAID_JOINS_TO_TELL) return;
        samples.push({ vector: tick.features.vector, label: 1, kind: 'raid', family: raid.family });
        return;
      }
      if (raids.some((r) => tick.now > r.end && tick.now <= r.end + AFTERGLOW_MS)) return;
      const surge = surges.find((s) => tick.now >= s.start && tick.now <= s.end);
      if (surge) {
        samples.push({ vector: tick.features.vector, label: 0, kind: 'surge', family: surge.family });
        return;
      }
      if (random() < keepOrganic)
        samples.push({ vector: tick.features.vector, label: 0, kind: 'organic', family: 'organic' });
    },
  );
  return samples;
}

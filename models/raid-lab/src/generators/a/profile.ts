import type { Rng } from './rng.ts';

/** A point of a piecewise-linear rate: time (ms from the episode's start) and rate (joins per ms). */
export type Knot = readonly [t: number, rate: number];

/** Knots of `rate` over [0, durationMs], denser early where spikes are. */
export function knotsOf(rate: (t: number) => number, durationMs: number, steps = 160): Knot[] {
  return Array.from({ length: steps + 1 }, (_, k) => {
    const t = durationMs * (k / steps) ** 2;
    return [t, Math.max(0, rate(t))] as const;
  });
}

/** Expected joins under the rate. */
export function areaOf(knots: readonly Knot[]): number {
  let area = 0;
  for (let k = 1; k < knots.length; k++) {
    const [t0, r0] = knots[k - 1] ?? [0, 0];
    const [t1, r1] = knots[k] ?? [0, 0];
    area += ((r0 + r1) / 2) * (t1 - t0);
  }
  return area;
}

/** `n` times drawn from the density the rate describes, sorted (inverse CDF within each linear piece). */
export function sampleProfile(rng: Rng, knots: readonly Knot[], n: number): number[] {
  const cumulative = [0];
  for (let k = 1; k < knots.length; k++)
    cumulative.push((cumulative[k - 1] ?? 0) + areaOf([knots[k - 1] ?? [0, 0], knots[k] ?? [0, 0]]));
  const total = cumulative.at(-1) ?? 0;
  if (total <= 0) return [];
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next() * total;
    let lo = 1;
    let hi = knots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < u) lo = mid + 1;
      else hi = mid;
    }
    const [t0, r0] = knots[lo - 1] ?? [0, 0];
    const [t1, r1] = knots[lo] ?? [0, 0];
    const v = u - (cumulative[lo - 1] ?? 0);
    // Solve r0·x + slope·x²/2 = v in the form that stays exact when the slope is near zero.
    const slope = (r1 - r0) / (t1 - t0);
    const root = r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * v));
    const x = root > 0 ? (2 * v) / root : 0;
    times.push(t0 + Math.min(Math.max(x, 0), t1 - t0));
  }
  return times.sort((a, b) => a - b);
}

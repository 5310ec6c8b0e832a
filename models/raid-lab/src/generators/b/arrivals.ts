import type { Rng } from './rng.ts';

const HOUR = 3_600_000;

/**
 * Times in [from, to) of a Poisson process whose rate (per hour) varies with time, by thinning:
 * candidates at the ceiling rate, each kept with probability rate/ceiling.
 */
export function poissonTimes(
  rng: Rng,
  from: number,
  to: number,
  ratePerHour: (ms: number) => number,
  ceilingPerHour: number,
): number[] {
  const times: number[] = [];
  if (ceilingPerHour <= 0) return times;
  const meanGap = HOUR / ceilingPerHour;
  for (let t = from + rng.exp(meanGap); t < to; t += rng.exp(meanGap)) {
    if (rng.float() * ceilingPerHour < ratePerHour(t)) times.push(t);
  }
  return times;
}

/** Joins a rate function is expected to give over [from, to), summed a minute at a time. */
export function expectedCount(from: number, to: number, ratePerHour: (ms: number) => number): number {
  const step = 60_000;
  let sum = 0;
  for (let t = from; t < to; t += step) sum += ratePerHour(t + step / 2) * (Math.min(step, to - t) / HOUR);
  return sum;
}

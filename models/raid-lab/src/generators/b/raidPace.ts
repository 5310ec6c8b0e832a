import type { Rng } from './rng.ts';

export type BurstStyle = 'even' | 'poisson' | 'waves';
export type DripStyle = 'even' | 'poisson' | 'ragged';

/**
 * Join offsets (ms after the first) of `n` scripted joins at about `perSecond`: a steady loop, random,
 * or in 2 to 6 waves of at least 8, 5 to 45 s apart, each twice as fast.
 */
export function burstOffsets(rng: Rng, n: number, perSecond: number, style: BurstStyle): number[] {
  const gap = 1000 / perSecond;
  const offsets: number[] = [0];
  const waves = style === 'waves' ? Math.min(rng.int(2, 6), Math.floor(n / 8)) : 1;
  const waveSize = Math.ceil(n / Math.max(1, waves));
  let t = 0;
  for (let i = 1; i < n; i++) {
    if (i % waveSize === 0) t += rng.range(5_000, 45_000);
    else if (style === 'even') t += gap * Math.max(0.2, 1 + 0.1 * rng.normal());
    else t += rng.exp(style === 'waves' ? gap / 2 : gap);
    offsets.push(t);
  }
  return offsets;
}

/**
 * Join offsets of `n` joins about `meanGapMs` apart, never under 0.4 of it (the script stays under a rate
 * limit): evenly, at random above that floor, or ragged.
 */
export function dripOffsets(rng: Rng, n: number, meanGapMs: number, style: DripStyle): number[] {
  const offsets: number[] = [0];
  let t = 0;
  for (let i = 1; i < n; i++) {
    if (style === 'even') t += meanGapMs * Math.max(0.5, 1 + 0.15 * rng.normal());
    else if (style === 'poisson') t += meanGapMs * (0.4 + rng.exp(0.6));
    else t += meanGapMs * rng.range(0.4, 1.6);
    offsets.push(t);
  }
  return offsets;
}

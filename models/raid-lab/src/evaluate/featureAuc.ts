import type { Sample } from '../samples.ts';

/**
 * The area under the ROC curve of one feature for raid ticks against surge ticks: 1 when every
 * raid tick is higher, 0.5 when the feature says nothing, 0 when it points the other way.
 * Ties count half (the Mann–Whitney statistic).
 */
export function auc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  const all = [
    ...positives.map((v) => ({ v, pos: true })),
    ...negatives.map((v) => ({ v, pos: false })),
  ].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.v === all[i]?.v) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]?.pos) rankSum += rank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

/** Each feature's raid-against-surge AUC over samples (surge ticks only on the negative side). */
export function featureAucs(
  samples: readonly Sample[],
  names: readonly string[],
): Record<string, number | null> {
  const raids = samples.filter((s) => s.kind === 'raid');
  const surges = samples.filter((s) => s.kind === 'surge');
  return Object.fromEntries(
    names.map((name, i) => [
      name,
      auc(
        raids.map((s) => s.vector[i] ?? 0),
        surges.map((s) => s.vector[i] ?? 0),
      ),
    ]),
  );
}

/** A feature that points one way on one generator and the other way on the other. */
export function flips(a: number | null, b: number | null, margin = 0.1): boolean {
  if (a === null || b === null) return false;
  return (a - 0.5) * (b - 0.5) < 0 && Math.abs(a - 0.5) >= margin && Math.abs(b - 0.5) >= margin;
}

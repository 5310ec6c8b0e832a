import { buildRaidModel } from '@chat-guard/anomaly-detector';
import * as tf from '@tensorflow/tfjs';
import type { Sample } from './samples.ts';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  /** Hidden layer widths; none is logistic regression. */
  readonly hidden: readonly number[];
  /** Every weight non-negative: more evidence never lowers the score. */
  readonly monotone: boolean;
}

/** The shipped model's fit: a monotone logistic regression (docs/raid-model.md says why). */
export const DEFAULT_FIT: FitOptions = {
  epochs: 30,
  batchSize: 512,
  learningRate: 0.005,
  l2: 0.001,
  seed: 7,
  hidden: [],
  monotone: true,
};

/**
 * Each sample's weight: every raid family, every surge kind and organic traffic count the same
 * in total, whatever their number of ticks (a flood gives many, a drip few), and the raid side
 * weighs as much as the organic side.
 */
export function sampleWeights(samples: readonly Sample[]): number[] {
  const perGroup = new Map<string, number>();
  for (const s of samples) perGroup.set(groupOf(s), (perGroup.get(groupOf(s)) ?? 0) + 1);
  const raidGroups = new Set(samples.filter((s) => s.label === 1).map(groupOf)).size || 1;
  const otherGroups = new Set(samples.filter((s) => s.label === 0).map(groupOf)).size || 1;
  return samples.map((s) => {
    const groups = s.label === 1 ? raidGroups : otherGroups;
    return samples.length / (2 * groups * (perGroup.get(groupOf(s)) ?? 1));
  });
}

const groupOf = (s: Sample) => `${s.kind}:${s.family}`;

/** Deterministic shuffle (a small LCG), so the same samples and seed train the same model. */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * Fits the raid model on weighted samples with a plain loop over mini-batches (weighted binary
 * cross-entropy plus an L2 penalty), reporting the loss per epoch.
 */
export async function fitRaidModel(
  samples: readonly Sample[],
  options: FitOptions = DEFAULT_FIT,
  progress: (epoch: number, loss: number) => void = () => {},
): Promise<tf.LayersModel> {
  const width = samples[0]?.vector.length ?? 0;
  if (width === 0) throw new Error('no samples to train on');
  const model = buildRaidModel(width, options.seed, { hidden: options.hidden, monotone: options.monotone });
  const weights = sampleWeights(samples);
  const optimizer = tf.train.adam(options.learningRate);
  const kernels = model.layers.map((l) => l.getWeights()[0]).filter((w): w is tf.Tensor => w !== undefined);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffled(samples.length, options.seed + epoch);
    let total = 0;
    for (let from = 0; from < order.length; from += options.batchSize) {
      const batch = order.slice(from, from + options.batchSize);
      const x = tf.tensor2d(batch.map((i) => samples[i]?.vector ?? []));
      const y = tf.tensor2d(batch.map((i) => [samples[i]?.label ?? 0]));
      const w = tf.tensor2d(batch.map((i) => [weights[i] ?? 0]));
      const loss = optimizer.minimize(() => {
        const p = (model.apply(x) as tf.Tensor).clipByValue(1e-6, 1 - 1e-6);
        const bce = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
        const data = tf.div(tf.sum(tf.mul(bce, w)), tf.sum(w));
        const penalty = tf.mul(options.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))));
        return tf.add(data, penalty) as tf.Scalar;
      }, true);
      if (options.monotone) keepMonotone(model);
      total += (await loss?.data())?.[0] ?? 0;
      tf.dispose([x, y, w, loss as tf.Tensor]);
    }
    progress(epoch + 1, total / Math.ceil(order.length / options.batchSize));
  }
  optimizer.dispose();
  return model;
}

/** A custom loop applies no layer constraint by itself: clip every kernel at zero after each step. */
function keepMonotone(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    for (const weight of layer.trainableWeights) {
      if (!weight.name.includes('kernel')) continue;
      tf.tidy(() => {
        weight.write(tf.relu(weight.read()));
      });
    }
  }
}

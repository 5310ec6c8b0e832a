import * as tf from '@tensorflow/tfjs';

/** The raid model: a small dense network from the feature vector to a raid probability. No I/O. */
export function buildRaidModel(inputSize: number, seed = 7, options: { l2?: number } = {}): tf.LayersModel {
  const init = (offset: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + offset }),
    // A weight penalty keeps the scores off 0 and 1, so the threshold has something to trade.
    ...(options.l2 ? { kernelRegularizer: tf.regularizers.l2({ l2: options.l2 }) } : {}),
  });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputSize], units: 16, activation: 'relu', ...init(1) }),
      tf.layers.dense({ units: 8, activation: 'relu', ...init(2) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', ...init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Raid probabilities for a batch of feature vectors, in one call. */
export async function predict(
  model: tf.LayersModel,
  vectors: readonly (readonly number[])[],
): Promise<number[]> {
  if (vectors.length === 0) return [];
  return tf
    .tidy(() => model.predict(tf.tensor2d(vectors as number[][])) as tf.Tensor)
    .data()
    .then((d) => Array.from(d));
}

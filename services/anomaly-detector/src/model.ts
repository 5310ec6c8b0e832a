import * as tf from '@tensorflow/tfjs';

/** The raid model: a small dense network from the feature vector to a raid probability. No I/O. */
export function buildRaidModel(
  inputSize: number,
  seed = 7,
  options: { l2?: number; hidden?: readonly number[]; monotone?: boolean } = {},
): tf.LayersModel {
  const init = (offset: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + offset }),
    // A weight penalty keeps the scores off 0 and 1, so a threshold has something to trade.
    ...(options.l2 ? { kernelRegularizer: tf.regularizers.l2({ l2: options.l2 }) } : {}),
    // Monotone: more of any evidence never lowers the score, so the model cannot learn that a
    // bigger crowd means a shout-out (true of one generator, not of the world).
    ...(options.monotone ? { kernelConstraint: tf.constraints.nonNeg() } : {}),
  });
  const hidden = options.hidden ?? [16, 8];
  const sizes = [...hidden, 1];
  return tf.sequential({
    layers: sizes.map((units, i) =>
      tf.layers.dense({
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
        units,
        activation: i === sizes.length - 1 ? 'sigmoid' : 'relu',
        ...init(i + 1),
      }),
    ),
  });
}

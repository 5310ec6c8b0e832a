/**
 * A small dense network's forward pass in plain arithmetic: the same weights TF.js serves
 * live, for replays and evaluation that score one guild at a time millions of times, where a
 * tensor per call would cost more than the arithmetic. A test holds the two to the same scores.
 */
export interface DenseLayer {
  /** kernel[i][j]: input i to unit j. */
  readonly kernel: readonly (readonly number[])[];
  readonly bias: readonly number[];
  readonly activation: 'relu' | 'sigmoid' | 'linear';
}

/** Platt scaling of the network's output: sigmoid(a * logit(p) + b). */
export interface Calibration {
  readonly a: number;
  readonly b: number;
}

export const IDENTITY_CALIBRATION: Calibration = { a: 1, b: 0 };

const EPS = 1e-6;
export const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};
export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function calibrate(p: number, c: Calibration): number {
  return c.a === 1 && c.b === 0 ? p : sigmoid(c.a * logit(p) + c.b);
}

export function forward(layers: readonly DenseLayer[], input: readonly number[]): number {
  let x: number[] = [...input];
  for (const layer of layers) {
    const out = [...layer.bias];
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 0;
      if (xi === 0) continue;
      const row = layer.kernel[i] ?? [];
      for (let j = 0; j < out.length; j++) out[j] = (out[j] ?? 0) + xi * (row[j] ?? 0);
    }
    x =
      layer.activation === 'relu'
        ? out.map((v) => (v > 0 ? v : 0))
        : layer.activation === 'sigmoid'
          ? out.map(sigmoid)
          : out;
  }
  return x[0] ?? 0;
}

import { type Calibration, logit, sigmoid } from '@chat-guard/anomaly-detector';

/**
 * Platt scaling: the a, b of sigmoid(a * logit(p) + b) that best fit labelled outputs (weighted
 * log-loss, a little ridge towards the identity so a handful of cases cannot bend it far), by
 * Newton's method on the two parameters.
 */
export function fitPlatt(
  points: readonly { p: number; label: 0 | 1; weight?: number }[],
  ridge = 0.02,
): Calibration {
  // Weights sum to 1, so the ridge means the same on a handful of points and on a million.
  const total = points.reduce((n, p) => n + (p.weight ?? 1), 0) || 1;
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 200; iter++) {
    let ga = ridge * (a - 1);
    let gb = ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (const { p, label, weight: raw = 1 } of points) {
      const weight = raw / total;
      const z = logit(p);
      const q = sigmoid(a * z + b);
      const r = (q - label) * weight;
      const s = q * (1 - q) * weight;
      ga += r * z;
      gb += r;
      haa += s * z * z;
      hab += s * z;
      hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    // Damped: a step never moves a parameter by more than 0.5, so Newton cannot overshoot.
    const da = clamp((hbb * ga - hab * gb) / det);
    const db = clamp((haa * gb - hab * ga) / det);
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  // A calibration may rescale, never reverse the order of scores.
  return { a: Math.max(0.05, a), b };
}

const clamp = (x: number) => Math.max(-0.5, Math.min(0.5, x));

// Generator C's PRNG and sampling helpers. Every draw of a trace comes from one stream, in a fixed
// order: moving or adding a draw anywhere changes everything drawn after it.

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const LOWNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';

export const clamp = (x: number, a: number, b: number): number => Math.max(a, Math.min(b, x));

/** Weight, value pairs for `Rng.wpick`. */
export type Weighted<T> = readonly (readonly [number, T])[];

/** xmur3 string hash: a generator of 32-bit seeds from a key. */
function xmur3(str: string): () => number {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/** sfc32: uniform in [0, 1). */
function sfc32(a0: number, b0: number, c0: number, d0: number): () => number {
  let a = a0;
  let b = b0;
  let c = c0;
  let d = d0;
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** One seeded stream (sfc32 seeded by xmur3 of the key, 20 draws thrown away). */
export class Rng {
  readonly f: () => number;

  constructor(key: string) {
    const h = xmur3(key);
    this.f = sfc32(h(), h(), h(), h());
    for (let i = 0; i < 20; i++) this.f();
  }
  /** Uniform in [a, b). */
  u(a = 0, b = 1): number {
    return a + (b - a) * this.f();
  }
  /** Integer uniform in [a, b]. */
  i(a: number, b: number): number {
    return a + Math.floor(this.f() * (b - a + 1));
  }
  /** Log-uniform in [a, b). */
  logu(a: number, b: number): number {
    return Math.exp(this.u(Math.log(a), Math.log(b)));
  }
  chance(p: number): boolean {
    return this.f() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.f() * a.length)] as T;
  }
  wpick<T>(pairs: Weighted<T>): T {
    let s = 0;
    for (const p of pairs) s += p[0];
    let x = this.f() * s;
    for (const p of pairs) {
      x -= p[0];
      if (x < 0) return p[1];
    }
    return (pairs[pairs.length - 1] as readonly [number, T])[1];
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.f();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.f());
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.f());
  }
  /** Poisson (exact below 40, normal approximation above). */
  poisson(m: number): number {
    if (m <= 0) return 0;
    if (m < 40) {
      const L = Math.exp(-m);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= this.f();
      } while (p > L);
      return k - 1;
    }
    return Math.max(0, Math.round(m + Math.sqrt(m) * this.normal()));
  }
  /** Failures before the first success of probability p (at most 1000). */
  geom(p: number): number {
    let k = 0;
    while (this.f() > p && k < 1000) k++;
    return k;
  }
  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.f() * (i + 1));
      const x = a[i] as T;
      a[i] = a[j] as T;
      a[j] = x;
    }
    return a;
  }
  str(n: number, alpha: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alpha[Math.floor(this.f() * alpha.length)];
    return s;
  }
}

/**
 * Event times from an intensity `lam(t)` (events a second, t in ms) on [a, b], with bins of `dt` ms:
 * a Poisson count of the integral, each time placed by inverting the binned cumulative intensity.
 */
export function sampleTimes(
  rng: Rng,
  lam: (t: number) => number,
  a: number,
  b: number,
  dt: number,
): number[] {
  if (b <= a) return [];
  const n = Math.max(1, Math.ceil((b - a) / dt));
  const cum = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const lo = a + k * dt;
    const w = Math.min(dt, b - lo);
    cum[k + 1] = (cum[k] as number) + (Math.max(0, lam(lo + w / 2)) * w) / 1000;
  }
  const total = cum[n] as number;
  const count = rng.poisson(total);
  const out: number[] = [];
  for (let j = 0; j < count; j++) {
    const x = rng.f() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cum[mid] as number) <= x) lo = mid;
      else hi = mid - 1;
    }
    out.push(Math.min(b, a + (lo + rng.f()) * dt));
  }
  return out.sort((x, y) => x - y);
}

export const lognormPdf = (x: number, mu: number, sigma: number): number =>
  x <= 0
    ? 0
    : Math.exp(-((Math.log(x) - mu) ** 2) / (2 * sigma * sigma)) / (x * sigma * Math.sqrt(2 * Math.PI));

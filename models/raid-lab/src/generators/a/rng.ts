/** A [min, max] range of a drawn property. */
export type Range = readonly [number, number];

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Generator A's own seeded random source: sfc32, seeded through splitmix32 from a seed and a stream name. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number, stream = '') {
    let s = 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    // The seed's two words and the stream's name go in one at a time through the (bijective) mixer,
    // so one seed's stream is not another seed's stream under another name.
    for (const word of [Math.floor(seed) >>> 0, Math.floor(seed / 2 ** 32) >>> 0, hashLabel(stream)]) {
      s ^= word;
      s = mix();
    }
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A float drawn uniformly from a range. */
  uniform([min, max]: Range): number {
    return min + this.next() * (max - min);
  }

  /** A float drawn log-uniformly from a range of positive numbers: every order of magnitude alike. */
  logUniform([min, max]: Range): number {
    return min * (max / min) ** this.next();
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** One key of a table of non-negative weights, in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    let total = 0;
    for (const key in weights) total += weights[key] ?? 0;
    let r = this.next() * total;
    let last: K | undefined;
    for (const key in weights) {
      const w = weights[key] ?? 0;
      if (w > 0) last = key;
      r -= w;
      if (r < 0) return key;
    }
    if (last === undefined) throw new RangeError('weighted pick with no positive weight');
    return last;
  }

  /** One element of a non-empty list, in proportion to `weight`. */
  pickBy<T>(items: readonly T[], weight: (item: T) => number): T {
    let r = this.next() * items.reduce((sum, item) => sum + weight(item), 0);
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return this.pick(items);
  }

  /** A waiting time with the given mean (exponential distribution). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A count with the given mean (Poisson; normal approximation above 50). */
  poisson(mean: number): number {
    if (mean > 50) {
      const normal = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }

  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string {
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++)
      codes[i] = alphabet.charCodeAt(Math.floor(this.next() * alphabet.length));
    return String.fromCharCode(...codes);
  }
}

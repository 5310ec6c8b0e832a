import type { BucketSpec } from './restRouter.ts';

/** What the limiter decided for one request: the headers to send and, when limited, how long to wait. */
export interface RateDecision {
  readonly limited: boolean;
  readonly headers: Record<string, string>;
  readonly retryAfterMs: number;
  readonly global: boolean;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/** Discord-style rate limits: a bucket per route and major parameter, and a global limit per second. */
export class RateLimiter {
  readonly #buckets = new Map<string, { remaining: number; resetAt: number }>();
  #globalWindowStart = 0;
  #globalCount = 0;

  constructor(
    private readonly now: () => number,
    private readonly globalPerSecond = 50,
  ) {}

  /** Counts a request against its bucket (and the global limit unless exempt). */
  take(bucketHash: string, bucketKey: string, spec: BucketSpec, countsGlobally: boolean): RateDecision {
    const now = this.now();
    if (countsGlobally) {
      if (now - this.#globalWindowStart >= 1000) {
        this.#globalWindowStart = now;
        this.#globalCount = 0;
      }
      if (this.#globalCount >= this.globalPerSecond) {
        const retryAfterMs = this.#globalWindowStart + 1000 - now;
        return {
          limited: true,
          global: true,
          retryAfterMs,
          headers: {
            'X-RateLimit-Global': 'true',
            'X-RateLimit-Scope': 'global',
            'Retry-After': String(Math.ceil(retryAfterMs / 1000)),
          },
        };
      }
      this.#globalCount++;
    }
    let bucket = this.#buckets.get(bucketKey);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: spec.limit, resetAt: now + spec.windowMs };
      this.#buckets.set(bucketKey, bucket);
    }
    const limited = bucket.remaining <= 0;
    if (!limited) bucket.remaining--;
    const resetAfterMs = bucket.resetAt - now;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(spec.limit),
      'X-RateLimit-Remaining': String(bucket.remaining),
      'X-RateLimit-Reset': seconds(bucket.resetAt),
      'X-RateLimit-Reset-After': seconds(resetAfterMs),
      'X-RateLimit-Bucket': bucketHash,
    };
    if (limited) {
      headers['Retry-After'] = String(Math.ceil(resetAfterMs / 1000));
      headers['X-RateLimit-Scope'] = 'user';
    }
    return { limited, global: false, retryAfterMs: limited ? resetAfterMs : 0, headers };
  }
}

/** The JSON body of a 429, as Discord sends it. */
export function rateLimitBody(retryAfterMs: number, global: boolean): Record<string, unknown> {
  return {
    message: 'You are being rate limited.',
    retry_after: Number((retryAfterMs / 1000).toFixed(3)),
    global,
  };
}

import { Prng } from './prng.ts';

/** A fault that hits a share of requests, optionally only the next `times` of them. */
interface Rule {
  share: number;
  remaining: number;
}

/** What to do to one request before the route handles it. */
export type FaultDecision =
  | { readonly kind: 'none'; readonly delayMs: number }
  | {
      readonly kind: 'rateLimited';
      readonly delayMs: number;
      readonly retryAfterMs: number;
      readonly global: boolean;
    }
  | {
      readonly kind: 'serverError';
      readonly delayMs: number;
      readonly status: number;
      readonly afterEffect: boolean;
    };

export interface StormOptions {
  /** How long clients are told to wait (default 1000 ms). */
  readonly retryAfterMs?: number;
  /** Answer with the global limit instead of a per-route one. */
  readonly global?: boolean;
  /** Only this many requests are hit, then the fault ends. */
  readonly times?: number;
}

export interface ServerErrorOptions {
  readonly status?: number;
  readonly times?: number;
  /** Apply the request, then answer with the error. */
  readonly afterEffect?: boolean;
}

/** The fault switches of the REST API: 429 storms, 5xx errors and latency for a share of requests. */
export class FaultSwitches {
  readonly #rng: Prng;
  #storm: (Rule & { retryAfterMs: number; global: boolean }) | null = null;
  #errors: (Rule & { status: number; afterEffect: boolean }) | null = null;
  #latency: (Rule & { ms: number }) | null = null;

  constructor(seed: number) {
    this.#rng = new Prng(seed).fork('faults');
  }

  /** Answers a share of requests (0..1) with 429 and `Retry-After`. */
  rateLimitStorm(share: number, options: StormOptions = {}): void {
    this.#storm = {
      share,
      remaining: options.times ?? Infinity,
      retryAfterMs: options.retryAfterMs ?? 1000,
      global: options.global ?? false,
    };
  }

  /**
   * Answers a share of requests with a 5xx status (default 500). With `afterEffect` the request
   * still takes effect before the error, as Discord sometimes does, so retries must be idempotent.
   */
  serverErrors(share: number, options: ServerErrorOptions = {}): void {
    this.#errors = {
      share,
      remaining: options.times ?? Infinity,
      status: options.status ?? 500,
      afterEffect: options.afterEffect ?? false,
    };
  }

  /** Delays a share of requests by `ms`. */
  latency(ms: number, share = 1, options: { times?: number } = {}): void {
    this.#latency = { share, remaining: options.times ?? Infinity, ms };
  }

  /** Turns every REST fault off. */
  clear(): void {
    this.#storm = null;
    this.#errors = null;
    this.#latency = null;
  }

  /** The switches as they stand, for the inspection API. */
  describe(): Record<string, unknown> {
    return { rateLimitStorm: this.#storm, serverErrors: this.#errors, latency: this.#latency };
  }

  /** Decides the fate of one request. */
  decide(): FaultDecision {
    const delayMs = this.#hit(this.#latency) ? (this.#latency?.ms ?? 0) : 0;
    const storm = this.#storm;
    if (storm && this.#hit(storm))
      return { kind: 'rateLimited', delayMs, retryAfterMs: storm.retryAfterMs, global: storm.global };
    const errors = this.#errors;
    if (errors && this.#hit(errors)) {
      return { kind: 'serverError', delayMs, status: errors.status, afterEffect: errors.afterEffect };
    }
    return { kind: 'none', delayMs };
  }

  #hit(rule: Rule | null): boolean {
    if (!rule || rule.remaining <= 0 || !this.#rng.chance(rule.share)) return false;
    rule.remaining--;
    return true;
  }
}

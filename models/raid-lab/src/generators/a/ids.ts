import type { Rng } from './rng.ts';

/** Discord's epoch: snowflake ids count milliseconds from here. */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;
/** No account is older than Discord's public launch (May 2015). */
export const FIRST_ACCOUNT_MS = Date.UTC(2015, 4, 13);
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;

/** An account's creation time, read from its id as the join trace format says. */
export function createdAtMs(id: string): number {
  return Number((BigInt(id) >> 22n) + BigInt(DISCORD_EPOCH_MS));
}

/**
 * Mints unique snowflakes for a given time. The low 22 bits (worker, process, increment) are the mint's
 * count of ids scrambled by an odd multiplier, a bijection mod 2^22: no two ids of a trace share them,
 * and they say nothing about the order the ids were made in.
 */
export class IdMint {
  #count = 0;
  readonly #salt: number;

  constructor(rng: Rng) {
    this.#salt = rng.int(0, 0x3fffff);
  }

  /** A fresh id whose timestamp is `ms` (never before Discord's epoch). */
  at(ms: number): string {
    const low = (Math.imul(this.#count++, 0x9e3779b1) ^ this.#salt) & 0x3fffff;
    const since = BigInt(Math.max(0, Math.floor(ms) - DISCORD_EPOCH_MS));
    return ((since << 22n) | BigInt(low)).toString();
  }
}

import type { Rng } from './rng.ts';

export const DISCORD_EPOCH_MS = 1_420_070_400_000;
/** Discord opened to the public on 2015-05-13; no account is older. */
export const DISCORD_LAUNCH_MS = 1_431_475_200_000;
const LOW_MASK = 0x3fffff;
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const TWO_22 = 4_194_304;
const MILLION = 1_000_000;

/**
 * A snowflake for a moment: the time in the high bits, `low` in the 22 low bits. In decimal without BigInt
 * (it is the generator's hottest path): the time is split at 10^6 so every partial product stays exact.
 */
export function snowflakeAt(ms: number, low: number): string {
  const since = Math.max(0, Math.floor(ms) - DISCORD_EPOCH_MS);
  const below = (since % MILLION) * TWO_22 + (low & LOW_MASK);
  const head = Math.floor(since / MILLION) * TWO_22 + Math.floor(below / MILLION);
  const tail = below % MILLION;
  return head === 0 ? String(tail) : `${head}${String(tail).padStart(6, '0')}`;
}

/** When a snowflake was made (an account's creation time, for a user id). */
export function createdAtOf(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}

/**
 * Mints identifiers: user ids unique and carrying the account's creation time, message ids their post time,
 * usernames unique as Discord's are.
 */
export class IdMint {
  /** How many user ids each millisecond has given, for the increment bits. */
  private readonly madeInMs = new Map<number, number>();
  private readonly usernames = new Set<string>();
  private sequence = 0;
  private readonly worker: number;

  constructor(private readonly rng: Rng) {
    this.worker = rng.int(0, 1023);
  }

  /**
   * A user id made at `createdMs`: random worker and process bits over a per-millisecond increment, as
   * Discord's own; unique unless 4,096 accounts share a millisecond.
   */
  user(createdMs: number): string {
    const ms = Math.floor(createdMs);
    const made = this.madeInMs.get(ms) ?? 0;
    this.madeInMs.set(ms, made + 1);
    return snowflakeAt(ms, (this.rng.int(0, 1023) << 12) | (made & 0xfff));
  }

  /** `wanted`, or, when taken, `wanted` with digits added, as Discord suggests (at most 32 characters). */
  username(wanted: string): string {
    let name = wanted.slice(0, 32);
    // More digits the more tries it takes, so a popular name never loops for long.
    for (let tries = 0; this.usernames.has(name); tries++) {
      const digits = this.rng.int(1, 10 ** Math.min(9, 2 + (tries >> 2)));
      name = `${wanted.slice(0, 22)}${this.rng.pick(['', '_', '.'])}${digits}`;
    }
    this.usernames.add(name);
    return name;
  }

  /** A message, channel or guild id made at `ms` (worker bits and a 12-bit sequence below the time). */
  at(ms: number): string {
    this.sequence = (this.sequence + 1) & 0xfff;
    return snowflakeAt(ms, (this.worker << 12) | this.sequence);
  }
}

function charsFrom(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(rng.float() * alphabet.length));
  return out;
}

/** An invite code as Discord makes them: 7 to 10 letters and digits. */
export function inviteCode(rng: Rng): string {
  return charsFrom(rng, ALNUM, rng.pick([7, 8, 8, 10, 10]));
}

/** Every byte as two hex digits: joining table entries is several times faster than `toString(16)`. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** An avatar hash: 32 hex digits, `a_` in front for an animated one. */
export function avatarHash(rng: Rng): string {
  let hash = rng.chance(0.06) ? 'a_' : '';
  for (let i = 0; i < 16; i++) hash += HEX_BYTES[Math.floor(rng.float() * 256)];
  return hash;
}

/** Lowercase letters and digits, as in generated usernames. */
export function randomHandle(rng: Rng, length: number): string {
  return charsFrom(rng, 'abcdefghijklmnopqrstuvwxyz0123456789', length);
}

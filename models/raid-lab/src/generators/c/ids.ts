import { ALNUM, HEX, type Rng } from './rng.ts';

const DISCORD_EPOCH = 1420070400000n;

/** Snowflakes, invite codes and avatar hashes, each unique in the trace. */
export class Ids {
  private readonly usedIds = new Set<string>();
  private readonly usedCodes = new Set<string>();
  /** Usernames taken in the trace. */
  readonly usedNames = new Set<string>();

  constructor(private readonly r: Rng) {}

  /** A snowflake of time `ms` (random low 22 bits), never handed out before. */
  snow(ms: number): string {
    for (;;) {
      const id = ((BigInt(Math.floor(ms)) - DISCORD_EPOCH) << 22n) | BigInt(this.r.i(0, 0x3fffff));
      const s = id.toString();
      if (!this.usedIds.has(s)) {
        this.usedIds.add(s);
        return s;
      }
    }
  }

  /** An invite code of 6 to 10 letters and digits, never handed out before. */
  newCode(): string {
    for (;;) {
      const length = this.r.wpick([
        [1, 6],
        [2, 7],
        [6, 8],
        [2, 10],
      ]);
      const c = this.r.str(length, ALNUM);
      if (!this.usedCodes.has(c)) {
        this.usedCodes.add(c);
        return c;
      }
    }
  }

  /** A custom avatar's hash (5 % animated). */
  avatarHash(): string {
    return (this.r.chance(0.05) ? 'a_' : '') + this.r.str(32, HEX);
  }
}

const DAY = 86_400_000;

/** What a guild's usual newcomers look like, as shares. */
export interface MixShares {
  readonly youngUnder1d: number;
  readonly youngUnder7d: number;
  readonly defaultAvatar: number;
}

/**
 * Before a guild has shown its own newcomers, it is assumed to look like this much of a
 * typical guild: a few fresh accounts, about a third default avatars.
 */
const PRIOR: MixShares = { youngUnder1d: 0.05, youngUnder7d: 0.12, defaultAvatar: 0.35 };
const PRIOR_WEIGHT = 20;
/** The mix forgets old joins slowly: after this many joins, the older ones count half. */
const HALF_LIFE_JOINS = 400;
const KEEP = 0.5 ** (1 / HALF_LIFE_JOINS);

/**
 * The mix of a guild's usual newcomers (joins older than the scored window), decayed by
 * count and pulled towards a prior while there are few: the yardstick the last minutes'
 * shares are measured against, so a guild where fresh accounts are common is not a raid
 * for having them.
 */
export class ReferenceMix {
  #weight = 0;
  #young1 = 0;
  #young7 = 0;
  #avatar = 0;

  add(join: { ts: number; accountCreatedAt: number; defaultAvatar: boolean }): void {
    const age = join.ts - join.accountCreatedAt;
    this.#weight = this.#weight * KEEP + 1;
    this.#young1 = this.#young1 * KEEP + (age < DAY ? 1 : 0);
    this.#young7 = this.#young7 * KEEP + (age < 7 * DAY ? 1 : 0);
    this.#avatar = this.#avatar * KEEP + (join.defaultAvatar ? 1 : 0);
  }

  /** How many joins' worth of the guild's own history the shares rest on. */
  get weight(): number {
    return this.#weight;
  }

  shares(): MixShares {
    const w = this.#weight + PRIOR_WEIGHT;
    return {
      youngUnder1d: (this.#young1 + PRIOR.youngUnder1d * PRIOR_WEIGHT) / w,
      youngUnder7d: (this.#young7 + PRIOR.youngUnder7d * PRIOR_WEIGHT) / w,
      defaultAvatar: (this.#avatar + PRIOR.defaultAvatar * PRIOR_WEIGHT) / w,
    };
  }
}

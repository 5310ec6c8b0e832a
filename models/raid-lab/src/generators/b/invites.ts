import type { GuildProfile } from './guild.ts';
import { inviteCode } from './ids.ts';
import type { Rng, Weighted } from './rng.ts';
import type { Account, World } from './world.ts';

const DAY_SEC = 86_400;
/** Discord's choices for an invite's lifetime; 7 days is the default. */
const MAX_AGES: Weighted<number> = [
  [1800, 1],
  [3600, 1],
  [6 * 3600, 1],
  [12 * 3600, 0.5],
  [DAY_SEC, 3],
  [7 * DAY_SEC, 6],
  [0, 1.5],
];
const MAX_USES: Weighted<number> = [
  [0, 8],
  [1, 1],
  [5, 0.5],
  [10, 0.5],
  [25, 0.3],
];
const RECENT = 64;

interface LiveInvite {
  readonly code: string;
  readonly createdMs: number;
  readonly expiresMs: number;
  readonly maxUses: number;
  uses: number;
}

/** The guild's ways in: vanity URL, permanent invites, the short-lived invites members make for friends. */
export class InviteBook {
  /** The permanent invites (website, listing page), the first the most used. */
  readonly permanent: string[] = [];
  private readonly weighted: [string, number][] = [];
  private readonly live: LiveInvite[] = [];
  private readonly ways: Weighted<'vanity' | 'permanent' | 'member' | 'unknown'>;

  constructor(
    private readonly world: World,
    private readonly profile: GuildProfile,
    private readonly regulars: readonly Account[],
  ) {
    const p = profile;
    this.ways = [
      ['vanity', p.vanityShare],
      ['permanent', Math.max(0, 1 - p.vanityShare - p.memberInviteShare - p.unknownShare)],
      ['member', p.memberInviteShare],
      ['unknown', p.unknownShare],
    ];
  }

  /** Lists the standing invites at the trace's start: the permanent ones and members' that are still live. */
  openStanding(rng: Rng, joinsPerDayViaMembers: number): void {
    for (let i = 0; i < this.profile.permanentInvites; i++) {
      const code = inviteCode(rng);
      this.permanent.push(code);
      this.weighted.push([code, i === 0 ? rng.range(2, 6) : rng.range(0.3, 1.5)]);
      this.world.invite(this.world.startMs, code, rng.pick(this.regulars).userId, 0, 0);
    }
    const standing = Math.min(12, Math.ceil(joinsPerDayViaMembers / 3));
    for (let i = 0; i < standing; i++)
      this.memberInvite(
        rng,
        (maxAgeSec) => this.world.startMs - rng.range(0, maxAgeSec || 3 * DAY_SEC) * 1000,
      );
  }

  /** The everyday way in: the vanity URL if there is one, else the main permanent invite. */
  everyday(): string {
    return this.profile.vanityCode !== null ? 'vanity' : (this.permanent[0] ?? 'vanity');
  }

  /** A permanent invite, by weight. */
  pickPermanent(rng: Rng): string {
    return rng.weighted(this.weighted);
  }

  /** The invite an organic newcomer uses at `ms`. */
  pickOrganic(rng: Rng, ms: number): string | null {
    const way = rng.weighted(this.ways);
    if (way === 'vanity') return 'vanity';
    if (way === 'permanent') return this.pickPermanent(rng);
    if (way === 'unknown') return null;
    return this.pickMember(rng, ms);
  }

  /** A member's invite live at `ms`: an existing one, or one made minutes to hours before. */
  pickMember(rng: Rng, ms: number): string {
    const usable = this.live.filter(
      (i) => i.createdMs <= ms && ms < i.expiresMs && (i.maxUses === 0 || i.uses < i.maxUses),
    );
    const chosen =
      usable.length > 0 && rng.chance(0.45)
        ? rng.pick(usable)
        : this.memberInvite(
            rng,
            (maxAgeSec) => ms - Math.min(rng.logRange(20_000, 7_200_000), (maxAgeSec || DAY_SEC) * 900),
          );
    chosen.uses++;
    return chosen.code;
  }

  /** A new invite made at `ms` by `inviterId` (a random regular if none), written to the trace. */
  create(rng: Rng, ms: number, inviterId?: string, maxUses = 0, maxAgeSec = rng.weighted(MAX_AGES)): string {
    const code = inviteCode(rng);
    this.world.invite(ms, code, inviterId ?? rng.pick(this.regulars).userId, maxUses, maxAgeSec);
    return code;
  }

  private memberInvite(rng: Rng, madeAt: (maxAgeSec: number) => number): LiveInvite {
    const maxAgeSec = rng.weighted(MAX_AGES);
    const createdMs = madeAt(maxAgeSec);
    const maxUses = rng.weighted(MAX_USES);
    const code = this.create(rng, createdMs, undefined, maxUses, maxAgeSec);
    const expiresMs = maxAgeSec === 0 ? Number.POSITIVE_INFINITY : createdMs + maxAgeSec * 1000;
    const invite: LiveInvite = { code, createdMs, expiresMs, maxUses, uses: 0 };
    this.live.push(invite);
    if (this.live.length > RECENT) this.live.shift();
    return invite;
  }
}

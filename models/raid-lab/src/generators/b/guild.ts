import { type NameStyleWeights, wordHandle } from './names.ts';
import { Rng } from './rng.ts';

export type Reach = 'private' | 'community' | 'public';

/** What one guild is like: drawn once from the seed, fixed for the trace. */
export interface GuildProfile {
  readonly members: number;
  readonly reach: Reach;
  /** Organic joins a day, averaged over the daily cycle. */
  readonly joinsPerDay: number;
  /** The guild's main time zones (UTC offset in hours) and their shares of its members. */
  readonly zones: readonly (readonly [number, number])[];
  /** The local hour of the most joins, and how deep the cycle is (busiest/quietest = (1+a)/(1-a)). */
  readonly peakHour: number;
  readonly amplitude: number;
  readonly vanityCode: string | null;
  /** Shares of organic joins by way in: the vanity URL, the permanent invites, members' invites, unknown. */
  readonly vanityShare: number;
  readonly permanentInvites: number;
  readonly memberInviteShare: number;
  readonly unknownShare: number;
  /** Share of joining accounts created the same day, and of default avatars among new and old accounts. */
  readonly newAccountShare: number;
  readonly defaultAvatarNew: number;
  readonly defaultAvatarOld: number;
  readonly nameStyles: NameStyleWeights;
  readonly greetShare: number;
  readonly leaveShare: number;
  readonly rejoinShare: number;
  /** Long-standing members leaving, per organic join. */
  readonly churn: number;
  readonly chatPerDay: number;
}

const ZONES: readonly (readonly [number, number])[] = [
  [-8, 2],
  [-6, 1.5],
  [-5, 3],
  [-3, 1.5],
  [0, 2],
  [1, 3],
  [2, 1.5],
  [3, 1.5],
  [5.5, 1.5],
  [7, 1],
  [8, 1.5],
  [9, 1.5],
  [10, 0.7],
];
const JOIN_RATE: Record<Reach, readonly [number, number]> = {
  private: [0.0005, 0.004],
  community: [0.001, 0.006],
  public: [0.002, 0.012],
};
/** Keeps a 24-hour trace of the largest guild to ~10k organic joins (the event budget). */
const MAX_JOINS_PER_DAY = 12_000;

function drawReach(rng: Rng, lg: number): Reach {
  return rng.weighted<Reach>([
    ['private', Math.max(0.03, 1 - (lg - 2) / 2.5)],
    ['community', 0.5],
    ['public', Math.max(0.03, (lg - 2.5) / 3)],
  ]);
}

function drawZones(rng: Rng): (readonly [number, number])[] {
  const main = rng.weighted(ZONES);
  if (rng.chance(0.6)) return [[main, 1]];
  const share = rng.range(0.5, 0.9);
  return [
    [main, share],
    [rng.weighted(ZONES), 1 - share],
  ];
}

/** Draws the guild of a seed: from a hundred members to over a million, log-uniform. */
export function drawGuild(seed: number): GuildProfile {
  const rng = new Rng(seed, 'guild');
  const lg = rng.range(2, 6.1);
  const members = Math.round(10 ** lg);
  const reach = drawReach(rng, lg);
  const [lo, hi] = JOIN_RATE[reach];
  const vanity = reach !== 'private' && rng.chance(Math.min(0.9, Math.max(0.02, 0.02 + (lg - 3) * 0.3)));
  const vanityShare = vanity ? rng.range(0.5, 0.9) : 0;
  const memberInviteShare =
    (1 - vanityShare) * (reach === 'private' ? rng.range(0.4, 0.9) : rng.range(0.1, 0.5));
  const youngAudience = rng.chance(0.2);
  return {
    members,
    reach,
    joinsPerDay: Math.min(MAX_JOINS_PER_DAY, members * rng.logRange(lo, hi)),
    zones: drawZones(rng),
    peakHour: rng.range(17, 23),
    amplitude: rng.range(0.35, 0.8),
    vanityCode: vanity
      ? `${wordHandle(rng).replace(/[_.]/g, '')}${rng.chance(0.3) ? rng.int(1, 99) : ''}`
      : null,
    vanityShare,
    permanentInvites: rng.int(1, 4),
    memberInviteShare,
    unknownShare: rng.range(0.01, 0.08),
    newAccountShare: youngAudience ? rng.range(0.15, 0.4) : rng.logRange(0.005, 0.15),
    defaultAvatarNew: rng.range(0.55, 0.95),
    defaultAvatarOld: rng.range(0.1, 0.45),
    nameStyles: [
      ['plain', rng.range(0.5, 1.5)],
      ['digits', rng.range(0.5, 1.5)],
      ['real', rng.range(0.2, 1)],
      ['non-latin', rng.range(0, 1.2)],
      ['emoji', rng.range(0.1, 0.6)],
    ],
    greetShare: rng.range(0.03, 0.35),
    leaveShare: rng.range(0.05, 0.35),
    rejoinShare: rng.range(0.05, 0.3),
    churn: rng.range(0.3, 0.9),
    chatPerDay: Math.min(1500, rng.logRange(1, 6) * Math.sqrt(members)),
  };
}

/** How busy the guild is at `ms` relative to its daily mean (mean 1, at most 1 + amplitude). */
export function activityAt(profile: GuildProfile, ms: number): number {
  let sum = 0;
  for (const [offset, share] of profile.zones) {
    const hour = (ms / 3_600_000 + offset) % 24;
    sum += share * (1 + profile.amplitude * Math.cos((2 * Math.PI * (hour - profile.peakHour)) / 24));
  }
  return sum;
}

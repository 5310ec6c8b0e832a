import type { GuildScenario } from '../scenario.ts';
import { DAY_MS, FIRST_ACCOUNT_MS, HOUR_MS, type IdMint } from './ids.ts';
import { inviteCode, NAME_STYLES, type Name, type NameStyle, organicName, vanitySlug } from './names.ts';
import { GUILD } from './ranges.ts';
import type { Rng } from './rng.ts';

/** A long-standing member: invites friends, chats, gets its name copied by raiders. */
export interface Member extends Name {
  readonly userId: string;
}

/** How joins vary over the day: a multiplier averaging 1, and its maximum. */
export interface DailyCycle {
  readonly at: (ms: number) => number;
  readonly max: number;
}

/** One guild's organic world, drawn once per seed. */
export interface GuildWorld {
  readonly guildId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly size: number;
  readonly joinsPerDay: number;
  readonly cycle: DailyCycle;
  readonly utcOffsetHours: number;
  readonly vanityCode: string | null;
  /** Where organic joins come from: weights of the vanity URL, each everyday invite, member invites, unknown. */
  readonly entries: { vanity: number; member: number; unknown: number };
  readonly everyday: readonly { code: string; weight: number }[];
  readonly friendsPerMemberInvite: number;
  readonly youngShare: number;
  readonly recentShare: number;
  readonly oldAgeSkew: number;
  readonly avatar: { readonly pNew: number; readonly pOld: number; readonly decayDays: number };
  readonly nameStyles: Readonly<Record<NameStyle, number>>;
  readonly greetShare: number;
  readonly greetFastShare: number;
  readonly laterChatShare: number;
  readonly leaveShare: number;
  readonly leaveSoonShare: number;
  readonly rejoinShare: number;
  readonly memberLeavesPerJoin: number;
  readonly chatPerHour: number;
  readonly botsPerDay: number;
  readonly members: readonly Member[];
  readonly channels: readonly string[];
  readonly guildLineEveryMs: number;
}

function drawCycle(rng: Rng, utcOffset: number): DailyCycle {
  const ratio = rng.logUniform(GUILD.peakToTrough);
  const amp = (ratio - 1) / (ratio + 1);
  const peak = rng.uniform(GUILD.peakLocalHour);
  const second = rng.uniform(GUILD.secondZoneWeight);
  const offset2 = utcOffset + rng.pick([-9, -8, -7, -6, 6, 7, 8, 9]);
  const bump = (ms: number, offset: number): number =>
    1 + amp * Math.cos((2 * Math.PI * ((ms / HOUR_MS + offset - peak) % 24)) / 24);
  return { at: (ms) => (1 - second) * bump(ms, utcOffset) + second * bump(ms, offset2), max: 1 + amp };
}

/** Draws a guild's organic world: its size, rates, entries, audience and habits. */
export function drawWorld(rng: Rng, mint: IdMint, scenario: GuildScenario): GuildWorld {
  const { startMs } = scenario;
  const size = Math.round(rng.logUniform(GUILD.size));
  const sizeRank = Math.log10(size / GUILD.size[0]) / Math.log10(GUILD.size[1] / GUILD.size[0]);
  const joinsPerDay = Math.min(GUILD.maxJoinsPerDay, size * rng.logUniform(GUILD.joinsPerMemberDay));
  const utcOffsetHours = Math.round(rng.uniform(GUILD.utcOffsetHours));
  const [vLow, vHigh] = GUILD.vanityChance;
  const vanityCode = rng.chance(vLow + (vHigh - vLow) * sizeRank) ? vanitySlug(rng) : null;
  const vanity = vanityCode ? rng.uniform(GUILD.vanityShare) : 0;
  const unknown = rng.uniform(GUILD.unknownShare);
  const member = (1 - vanity - unknown) * rng.uniform(GUILD.memberInviteShare);
  const everyday = Array.from({ length: rng.int(...GUILD.everydayInvites) }, () => ({
    code: inviteCode(rng),
    weight: rng.next() + 0.05,
  }));
  const styleWeights = NAME_STYLES.map((s) => [s, s === 'non-latin' && rng.chance(0.8) ? 0.05 : rng.next()]);
  const ageMs = startMs - FIRST_ACCOUNT_MS;
  const guildCreatedMs = startMs - rng.uniform([30 * DAY_MS, ageMs]);
  const members = Array.from({ length: Math.min(size, 150) }, () => ({
    userId: mint.at(startMs - 30 * DAY_MS - rng.next() * (ageMs - 30 * DAY_MS)),
    ...organicName(rng, rng.pick(NAME_STYLES)),
  }));
  return {
    guildId: mint.at(guildCreatedMs),
    startMs,
    endMs: startMs + scenario.hours * HOUR_MS,
    size,
    joinsPerDay,
    cycle: drawCycle(rng, utcOffsetHours),
    utcOffsetHours,
    vanityCode,
    entries: { vanity, member, unknown },
    everyday,
    friendsPerMemberInvite: rng.uniform(GUILD.friendsPerMemberInvite),
    youngShare: rng.uniform(GUILD.youngShare),
    recentShare: rng.uniform(GUILD.recentShare),
    oldAgeSkew: rng.uniform(GUILD.oldAgeSkew),
    avatar: {
      pNew: rng.uniform(GUILD.defaultAvatarNew),
      pOld: rng.uniform(GUILD.defaultAvatarOld),
      decayDays: rng.uniform(GUILD.avatarDecayDays),
    },
    nameStyles: Object.fromEntries(styleWeights) as Record<NameStyle, number>,
    greetShare: rng.uniform(GUILD.greetShare),
    greetFastShare: rng.uniform(GUILD.greetFastShare),
    laterChatShare: rng.uniform(GUILD.laterChatShare),
    leaveShare: rng.uniform(GUILD.leaveShare),
    leaveSoonShare: rng.uniform(GUILD.leaveSoonShare),
    rejoinShare: rng.uniform(GUILD.rejoinShare),
    memberLeavesPerJoin: rng.uniform(GUILD.memberLeavesPerJoin),
    chatPerHour: Math.min(GUILD.maxChatPerHour, size * rng.logUniform(GUILD.chatPerMemberHour)),
    botsPerDay: rng.uniform(GUILD.botsPerDay),
    members,
    channels: Array.from({ length: rng.int(...GUILD.channels) }, () =>
      mint.at(guildCreatedMs + rng.next() * (startMs - guildCreatedMs)),
    ),
    guildLineEveryMs: rng.logUniform(GUILD.guildLineEveryHours) * HOUR_MS,
  };
}

import type { GuildProfile } from './guild.ts';
import { avatarHash, DISCORD_LAUNCH_MS, type IdMint } from './ids.ts';
import { type AccountName, organicName } from './names.ts';
import type { Rng } from './rng.ts';
import type { Account } from './world.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Who signs up to join and who comes with an old account. */
export interface AccountMix {
  /** Share created the same day, `newLeadMs` before joining (log-uniform). */
  readonly newShare: number;
  readonly newLeadMs: readonly [number, number];
  readonly defaultAvatarNew: number;
  readonly defaultAvatarOld: number;
}

export function guildAccountMix(profile: GuildProfile): AccountMix {
  return {
    newShare: profile.newAccountShare,
    newLeadMs: [40_000, 18 * 60 * MINUTE],
    defaultAvatarNew: profile.defaultAvatarNew,
    defaultAvatarOld: profile.defaultAvatarOld,
  };
}

/** An account of a given creation time and names; the id encodes the time. */
export function makeAccount(
  ids: IdMint,
  createdMs: number,
  name: AccountName,
  avatar: string | null,
): Account {
  const created = Math.floor(Math.max(DISCORD_LAUNCH_MS, createdMs));
  return {
    userId: ids.user(created),
    createdMs: created,
    username: ids.username(name.username),
    globalName: name.globalName,
    avatar,
    bot: false,
  };
}

/** When an everyday account joining at `joinMs` was made: same day, days to weeks, or months to years before. */
export function organicCreatedMs(
  rng: Rng,
  mix: AccountMix,
  joinMs: number,
): { createdMs: number; fresh: boolean } {
  if (rng.chance(mix.newShare))
    return { createdMs: joinMs - rng.logRange(mix.newLeadMs[0], mix.newLeadMs[1]), fresh: true };
  const oldest = Math.max(60 * DAY + 1, joinMs - DISCORD_LAUNCH_MS);
  const age = rng.chance(0.08) ? rng.logRange(DAY, 60 * DAY) : rng.logRange(60 * DAY, oldest);
  return { createdMs: Math.max(DISCORD_LAUNCH_MS, joinMs - age), fresh: false };
}

/** A newcomer's account: creation time from the mix, a name in the guild's styles, default avatar likelier when new. */
export function organicAccount(
  rng: Rng,
  ids: IdMint,
  profile: GuildProfile,
  mix: AccountMix,
  joinMs: number,
): Account {
  const { createdMs, fresh } = organicCreatedMs(rng, mix, joinMs);
  const defaultAvatar = rng.chance(fresh ? mix.defaultAvatarNew : mix.defaultAvatarOld);
  return makeAccount(
    ids,
    createdMs,
    organicName(rng, profile.nameStyles),
    defaultAvatar ? null : avatarHash(rng),
  );
}

/** Long-standing members (inviters, chatters, names raiders copy, people raiders ping): old accounts. */
export function drawRegulars(rng: Rng, ids: IdMint, profile: GuildProfile, nowMs: number): Account[] {
  const count = Math.round(Math.min(300, Math.max(8, Math.sqrt(profile.members) * 1.5)));
  const mix: AccountMix = { newShare: 0, newLeadMs: [1, 2], defaultAvatarNew: 0, defaultAvatarOld: 0.15 };
  return Array.from({ length: count }, () =>
    organicAccount(rng, ids, profile, mix, nowMs - rng.logRange(DAY, 1000 * DAY)),
  );
}

import { makeAccount } from './accounts.ts';
import { avatarHash, DISCORD_LAUNCH_MS, randomHandle } from './ids.ts';
import { type AccountName, organicName } from './names.ts';
import type { Rng } from './rng.ts';
import type { Scene } from './scene.ts';
import type { Account } from './world.ts';

export type AgeMode = 'fresh-batch' | 'aged-spread' | 'aged-cluster' | 'mixed';
export type NameMode = 'random' | 'stem' | 'copy' | 'ordinary' | 'mixed';
export type AvatarMode = 'default' | 'shared' | 'random' | 'mixed';
export interface RaiderLook {
  readonly ages: AgeMode;
  readonly names: NameMode;
  readonly avatars: AvatarMode;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const STEMS = [
  'raid',
  'nuke',
  'zxc',
  'xx_slayer',
  'voidgang',
  'spammer',
  'hh',
  'l0rd',
  'skid',
  'anarchy',
  'crash',
];

/** Creation times of a raid's accounts, in the order they will join. */
function creationTimes(rng: Rng, n: number, firstJoinMs: number, mode: AgeMode): number[] {
  const oldest = firstJoinMs - DISCORD_LAUNCH_MS - DAY;
  // A batch made by a script: minutes to days before the raid, from seconds to two days wide.
  const batchEnd = firstJoinMs - rng.logRange(2 * MINUTE, 5 * DAY);
  const batchWidth = rng.logRange(20_000, 2 * DAY);
  const inBatch = (i: number) => batchEnd - batchWidth + (batchWidth * (i + rng.float())) / n;
  // Bought accounts spread over years from a minimum age, or made together by one seller long ago.
  const minAge = Math.min(oldest / 2, rng.logRange(60 * DAY, 2 * YEAR));
  const maxAge = Math.min(oldest, minAge + rng.logRange(YEAR, 8 * YEAR));
  const clusterAge = Math.min(oldest, rng.logRange(90 * DAY, 7 * YEAR));
  const clusterWidth = rng.logRange(MINUTE, 10 * DAY);
  const times = Array.from({ length: n }, (_, i) => {
    const aged = firstJoinMs - rng.range(minAge, maxAge);
    if (mode === 'fresh-batch') return inBatch(i);
    if (mode === 'aged-spread') return aged;
    if (mode === 'aged-cluster') return firstJoinMs - clusterAge + rng.range(0, clusterWidth);
    return rng.chance(0.6) ? inBatch(i) : aged;
  });
  // Some scripts join in the order they made the accounts; most do not keep it.
  return mode === 'fresh-batch' && rng.chance(0.5) ? times : rng.shuffle(times);
}

/** Names for the i-th raider in a style: random strings, one stem with numbers, copies of a member, or ordinary. */
function raiderNamer(scene: Scene, rng: Rng, mode: NameMode): (i: number) => AccountName {
  const stem = rng.chance(0.6) ? rng.pick(STEMS) : randomHandle(rng, rng.int(3, 6));
  const sequential = rng.chance(0.5);
  const separator = rng.pick(['', '_', '.']);
  const firstNumber = rng.int(0, 900);
  const banner = rng.chance(0.3) ? `raided by ${stem}` : null;
  // Impersonators copy one to three members (a moderator, the owner), not everyone.
  const named = scene.regulars.filter((r) => r.globalName !== null);
  const copied = rng.shuffle(named.length > 0 ? named : [...scene.regulars]).slice(0, rng.int(1, 3));
  const one = (i: number, style: NameMode): AccountName => {
    switch (style) {
      case 'random':
        return {
          username: randomHandle(rng, rng.int(6, 16)),
          globalName: rng.chance(0.5) ? null : randomHandle(rng, rng.int(4, 10)),
        };
      case 'stem': {
        const number = sequential ? firstNumber + i : rng.int(0, 99_999);
        return {
          username: `${stem}${separator}${number}`,
          globalName: banner ?? (rng.chance(0.5) ? null : `${stem}${number}`),
        };
      }
      case 'copy': {
        const target = rng.pick(copied);
        return {
          username: `${target.username.slice(0, 26)}${rng.pick(['_', '.', '__', ''])}${rng.int(0, 99)}`,
          globalName: target.globalName,
        };
      }
      case 'ordinary':
        return organicName(rng, scene.profile.nameStyles);
      case 'mixed':
        return one(i, rng.pick(['random', 'stem', 'ordinary', 'copy'] as const));
    }
  };
  return (i) => one(i, mode);
}

/** Avatars: all default, one picture for all, each its own, or a mix. */
function raiderAvatar(rng: Rng, mode: AvatarMode): () => string | null {
  const shared = avatarHash(rng);
  const defaultShare = rng.range(0.3, 0.8);
  return () => {
    if (mode === 'default') return null;
    if (mode === 'shared') return shared;
    if (mode === 'random') return avatarHash(rng);
    return rng.chance(defaultShare) ? null : avatarHash(rng);
  };
}

/** The accounts of one raid, in join order: a batch of fresh ones, bought old ones, or both; names and avatars by `look`. */
export function raiderAccounts(
  scene: Scene,
  rng: Rng,
  n: number,
  firstJoinMs: number,
  look: RaiderLook,
): Account[] {
  const created = creationTimes(rng, n, firstJoinMs, look.ages);
  const nameOf = raiderNamer(scene, rng, look.names);
  const avatarOf = raiderAvatar(rng, look.avatars);
  return created.map((t, i) => makeAccount(scene.world.ids, t, nameOf(i), avatarOf()));
}

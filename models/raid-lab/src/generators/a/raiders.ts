import type { Account, TraceBuilder } from './builder.ts';
import { DAY_MS, FIRST_ACCOUNT_MS } from './ids.ts';
import { avatarHash, NAME_STYLES, type Name, organicName, wordName } from './names.ts';
import { type BatchKind, RAID, type RaiderNameStyle, type RaidSpec } from './raidSpecs.ts';
import type { Rng } from './rng.ts';
import type { Member } from './world.ts';

const STEMS = 'nitro freegift airdrop steamdrop giveaway crypto raid xx anon ghost user zz hx'.split(' ');
const LEET: Readonly<Record<string, string>> = {
  o: '0',
  i: '1',
  l: '1',
  e: '3',
  a: '4',
  s: '5',
  t: '7',
  g: '9',
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Draws one raid's name maker: every raider's name comes from the same style (or a mix of two). */
export function raiderNamer(rng: Rng, spec: RaidSpec, members: readonly Member[]): (rng: Rng) => Name {
  const makers = [makerFor(rng, rng.weighted(spec.names), members)];
  if (rng.chance(RAID.mixedNames)) makers.push(makerFor(rng, rng.weighted(spec.names), members));
  return (r) => r.pick(makers)(r);
}

function makerFor(rng: Rng, style: RaiderNameStyle, members: readonly Member[]): (rng: Rng) => Name {
  switch (style) {
    case 'random': {
      const display = rng.chance(0.5);
      return (r) => ({
        username: r.chars(r.int(6, 14), ALNUM),
        globalName: display ? r.chars(r.int(4, 10), ALNUM) : null,
      });
    }
    case 'stem-digits': {
      const stem = rng.chance(0.6) ? rng.pick(STEMS) : wordName(rng, false);
      const display = rng.pick([
        null,
        stem.toUpperCase(),
        `${stem} ${rng.pick(['gift', 'bot', 'official', '💰'])}`,
      ]);
      const leet = rng.chance(0.4);
      return (r) => {
        const base = leet ? [...stem].map((ch) => (r.chance(0.4) ? (LEET[ch] ?? ch) : ch)).join('') : stem;
        return { username: `${base}${r.pick(['', '_', '.'])}${r.int(0, 99_999)}`, globalName: display };
      };
    }
    case 'copy': {
      const targets = Array.from({ length: rng.int(1, 3) }, () => rng.pick(members));
      return (r) => {
        const t = r.pick(targets);
        const username = r.pick([
          `${t.username}_`,
          `${t.username}${r.int(0, 999)}`,
          `${t.username}.`,
          `_${t.username}`,
        ]);
        return { username: username.slice(0, 32), globalName: t.globalName ?? t.username };
      };
    }
    case 'realistic': {
      const styles = NAME_STYLES.filter(() => rng.chance(0.6));
      return (r) => organicName(r, r.pick(styles.length ? styles : NAME_STYLES));
    }
  }
}

/** When each raider's account was made, given its join time; reports the batch kind and width drawn. */
export function raiderCreation(
  rng: Rng,
  spec: RaidSpec,
  joins: readonly number[],
): { createdMs: number[]; kind: BatchKind; widthMs: number } {
  const kind = rng.weighted(spec.batch);
  const first = joins[0] ?? 0;
  if (kind === 'just-in-time') {
    const createdMs = joins.map((t) => t - rng.logUniform(RAID.justInTimeMs));
    return { createdMs, kind, widthMs: Math.max(...createdMs) - Math.min(...createdMs) };
  }
  const youngest = first - rng.logUniform(kind === 'aged' ? RAID.agedLeadMs : RAID.freshLeadMs);
  const oldest = Math.max(
    FIRST_ACCOUNT_MS + DAY_MS,
    youngest - rng.logUniform(kind === 'aged' ? RAID.agedWidthMs : RAID.freshWidthMs),
  );
  const sorted = rng.chance(RAID.sortedBatch);
  const n = joins.length;
  const createdMs = joins.map(
    (_, i) => oldest + (youngest - oldest) * (sorted ? (i + rng.next()) / n : rng.next()),
  );
  return { createdMs, kind, widthMs: youngest - oldest };
}

/** The raid's accounts: names, avatars (maybe one shared image), creation times. */
export function raiderAccounts(
  rng: Rng,
  b: TraceBuilder,
  spec: RaidSpec,
  createdMs: readonly number[],
): Account[] {
  const name = raiderNamer(rng, spec, b.world.members);
  const avatarShare = rng.uniform(spec.avatarShare);
  const shared = rng.chance(RAID.sharedAvatar) ? avatarHash(rng) : null;
  return createdMs.map((t) =>
    b.account(rng, t, name(rng), rng.chance(avatarShare) ? (shared ?? avatarHash(rng)) : null),
  );
}

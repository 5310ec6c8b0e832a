import type { TraceBuilder } from './builder.ts';
import { type Entry, RAID, type RaidSpec } from './raidSpecs.ts';
import type { Rng } from './rng.ts';

/** The invite each raider uses, and the kind of entry drawn. */
export interface RaidEntry {
  readonly kind: Entry;
  readonly codes: readonly (string | null)[];
}

function freshInvite(rng: Rng, b: TraceBuilder, firstJoin: number, lastJoin: number, uses: number): string {
  const madeAt = firstJoin - rng.logUniform(RAID.inviteLeadMs);
  const lifeSec = (lastJoin - madeAt) / 1000;
  const maxAgeSec = rng.pick([0, 1800, 3600, 21_600, 86_400, 604_800].filter((s) => s === 0 || s > lifeSec));
  const maxUses = rng.chance(0.7) ? 0 : uses + rng.int(0, 20);
  return b.invite(rng, madeAt, rng.pick(b.world.members).userId, maxUses, maxAgeSec);
}

/** Draws how a raid gets in (made invites are written into the trace) and which code each raider uses. */
export function openRaidEntry(
  rng: Rng,
  b: TraceBuilder,
  spec: RaidSpec,
  joins: readonly number[],
): RaidEntry {
  const n = joins.length;
  const first = joins[0] ?? 0;
  const last = joins.at(-1) ?? first;
  const kind = rng.weighted({ ...spec.entry, vanity: b.world.vanityCode ? spec.entry.vanity : 0 });
  const everyday = rng.pick(b.world.everyday).code;
  let codes: (string | null)[];
  if (kind === 'everyday' || kind === 'vanity' || kind === 'fresh') {
    const code =
      kind === 'everyday' ? everyday : kind === 'vanity' ? 'vanity' : freshInvite(rng, b, first, last, n);
    codes = joins.map(() => code);
  } else {
    const count = Math.min(RAID.maxInvites, Math.max(3, Math.ceil(n / rng.logUniform(RAID.perInvite))));
    const per = Math.ceil(n / count);
    const made = Array.from({ length: count }, () => freshInvite(rng, b, first, last, per));
    const blocks = rng.chance(0.5);
    const standing = rng.chance(RAID.manyAlsoStanding) ? rng.uniform([0.1, 0.5]) : 0;
    const standingCode = b.world.vanityCode && rng.chance(0.5) ? 'vanity' : everyday;
    codes = joins.map((_, i) =>
      rng.chance(standing)
        ? standingCode
        : (made[blocks ? Math.floor(i / per) : rng.int(0, count - 1)] ?? null),
    );
  }
  if (rng.chance(RAID.unknownChance)) {
    const unknown = rng.uniform(RAID.unknownShare);
    codes = codes.map((c) => (rng.chance(unknown) ? null : c));
  }
  return { kind, codes };
}

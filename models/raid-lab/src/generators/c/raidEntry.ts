// How raiders get in: the everyday invite, the vanity URL, one fresh invite, unknown, or many invites.
import { oldCreated } from './accounts.ts';
import type { Account } from './guild.ts';
import { organicName } from './names.ts';
import { organicCode } from './newcomer.ts';
import { clamp, DAY, HOUR, MIN, SEC } from './rng.ts';
import { GREET } from './words.ts';
import type { Joiner, World } from './world.ts';

export type EntryKind = 'everyday' | 'vanity' | 'fresh' | 'unknown' | 'many';

/** A compromised regular member, or a sleeper that joined earlier (sometimes visibly in this trace). */
function colluder(w: World, beforeT: number): Account {
  const r = w.r;
  if (r.chance(0.55)) return w.poolMember();
  const created = r.chance(0.5) ? beforeT - r.logu(2 * DAY, 90 * DAY) : oldCreated(r, beforeT, false);
  const id = w.ids.snow(created);
  const avatar = r.chance(0.5) ? w.ids.avatarHash() : null;
  const u: Joiner = { id, created, avatar, ...organicName(r, w.ids.usedNames, w.g.nameStyles) };
  const jt = beforeT - r.logu(30 * MIN, 5 * HOUR);
  if (jt > w.t0 + 5 * MIN && r.chance(0.6)) {
    w.emitJoin(jt, u, organicCode(w, jt));
    if (r.chance(0.4)) {
      const at = jt + r.logu(5 * SEC, 20 * MIN);
      w.emitMsg(at, u.id, r.pick(GREET));
    }
  }
  return u;
}

/** One invite made 30 s–3 h before `start` by a colluder, living long enough for the raid. */
function freshInvite(w: World, start: number): string {
  const r = w.r;
  const ct = start - r.logu(30 * SEC, 3 * HOUR);
  const code = w.ids.newCode();
  const inviter = colluder(w, ct).id;
  const maxAge = r.pick([0, 0, 86400, 604800, 1800].filter((a) => !a || a * 1000 > start - ct + 20 * MIN));
  w.emitInvite(ct, code, inviter, 0, maxAge);
  return code;
}

/** The invite code of each raider's join in turn, for a raid of N starting at `start`. */
export function entry(w: World, kind: EntryKind, N: number, start: number): () => string | null {
  const { r, g } = w;
  const everyday = w.guild.perm[0]?.code ?? null;
  if (kind === 'vanity' && g.vanity) return () => 'vanity';
  if (kind === 'vanity' || kind === 'everyday') return () => everyday;
  if (kind === 'fresh') {
    const c = freshInvite(w, start);
    return () => c;
  }
  if (kind === 'unknown') return () => null;
  // many invites, made by several colluding / compromised members
  const K = clamp(Math.round(r.logu(3, 40)), 2, Math.max(2, Math.floor(N / 3)));
  const nCol = r.i(1, Math.min(K, 8));
  const burst = r.chance(0.5);
  const burstEnd = start - r.logu(30 * SEC, 30 * MIN);
  const burstLen = r.logu(20 * SEC, 5 * MIN);
  const cols: Account[] = [];
  const codes: string[] = [];
  const capped = r.chance(0.25);
  const perUse = capped ? Math.ceil((N / K) * r.u(1.3, 2)) : 0;
  for (let j = 0; j < K; j++) {
    const ct = burst ? burstEnd - r.u(0, burstLen) : r.u(w.t0 + 5 * MIN, start - MIN);
    if (cols.length < nCol) cols.push(colluder(w, ct));
    const c = w.ids.newCode();
    w.emitInvite(ct, c, r.pick(cols).id, perUse, r.pick([0, 0, 86400, 604800]));
    codes.push(c);
  }
  const extra = r.chance(0.5) ? r.u(0, 0.3) : 0;
  const assign = r.wpick([
    [1, 'rr'],
    [1, 'random'],
    [1, 'waves'],
  ]);
  let idx = 0;
  const used = new Map<string, number>();
  const codeAt = (k: number) => codes[k] as string;
  return () => {
    if (r.chance(extra)) return g.vanity && r.chance(0.5) ? 'vanity' : everyday;
    let c: string;
    if (assign === 'rr') c = codeAt(idx++ % K);
    else if (assign === 'waves') c = codeAt(Math.min(K - 1, Math.floor((idx++ * K) / N)));
    else c = r.pick(codes);
    if (perUse) {
      // respect maxUses
      let tries = 0;
      while ((used.get(c) ?? 0) >= perUse && tries++ < K) c = codeAt((codes.indexOf(c) + 1) % K);
    }
    used.set(c, (used.get(c) ?? 0) + 1);
    return c;
  };
}

// A raid of one of the four families: its size, timing, accounts, names, entry and posting, then the label.
import { agedCreated, freshCreated, mixCreated } from './accounts.ts';
import { type EntryKind, entry } from './raidEntry.ts';
import { burstTimes, type RaiderAvatars, type RaiderNames, raiderAvatar, raiderNamer } from './raiders.ts';
import {
  modResponse,
  type PostMode,
  type PostPlan,
  type Raider,
  raidPosts,
  SPAM_KINDS,
} from './raidPosts.ts';
import { clamp, HOUR, MIN, SEC } from './rng.ts';
import type { Joiner, World } from './world.ts';

interface RaidDraw {
  readonly N: number;
  readonly joinTimes: number[];
  readonly created: number[];
  readonly nameStyle: RaiderNames;
  readonly avatarStyle: RaiderAvatars;
  readonly entryKind: EntryKind;
  readonly plan: PostPlan;
}

/** What every family's posting plan shares: 1–3 spam kinds, one line or varied, one channel or all. */
function postBase(w: World) {
  const r = w.r;
  const kinds = r.shuffle([...SPAM_KINDS]).slice(0, r.i(1, 3));
  const same = r.wpick([
    [2, 'same'],
    [1, 'suffix'],
    [2, 'varied'],
  ] as const);
  return { kinds, same, spread: r.chance(0.35), signalJitter: r.logu(500, 20 * SEC) };
}

/** Fast flood and multi-invite: a burst of mostly fresh accounts, everyone posting at once. */
function drawFlood(w: World, fast: boolean): RaidDraw {
  const r = w.r;
  const N = Math.round(r.logu(fast ? 12 : 20, 2000));
  const start = w.t0 + r.u(2 * HOUR + 5 * MIN, 7.7 * HOUR);
  let rate = fast ? r.logu(3, 40) : r.logu(1, 30);
  const maxDur = fast ? r.u(60, 150) : r.u(120, 300);
  if (N / rate > maxDur) rate = N / maxDur;
  const mode = r.wpick([
    [2, 'even'],
    [2, 'poisson'],
    [2, 'clumps'],
    [1, 'ramp'],
  ] as const);
  const joinTimes = burstTimes(w, N, start, rate, mode);
  const created = r.chance(0.85) ? freshCreated(r, N, start) : mixCreated(r, N, start);
  const nameStyle = r.wpick<RaiderNames>([
    [3, 'random'],
    [3, 'stem'],
    [1.5, 'copy'],
    [1, 'ordinary'],
    [1.5, 'mixed'],
  ]);
  const avatarStyle = r.wpick<RaiderAvatars>([
    [5.5, 'default'],
    [1.5, 'same'],
    [1.5, 'random'],
    [1.5, 'mixed'],
  ]);
  const entryKind = fast
    ? r.wpick<EntryKind>([
        [3.5, 'everyday'],
        [2, 'vanity'],
        [3.5, 'fresh'],
        [0.5, 'unknown'],
      ])
    : 'many';
  const pPost = r.chance(fast ? 0.85 : 0.8) ? r.u(0.6, 1) : 0;
  const base = postBase(w);
  const postMode: PostMode = pPost === 0 ? 'never' : r.chance(0.8) ? 'immediate' : 'signal';
  const msgs = N > 500 ? ([1, 3] as const) : ([1, 6] as const);
  const plan = { ...base, mode: postMode, pPost, msgs, signalDelay: r.logu(5 * SEC, 5 * MIN) };
  return { N, joinTimes, created, nameStyle, avatarStyle, entryKind, plan };
}

/** Aged accounts: bought or long-held accounts, in a burst of up to 10 minutes; half never post. */
function drawAged(w: World): RaidDraw {
  const r = w.r;
  const N = Math.round(r.logu(10, 400));
  const start = w.t0 + r.u(2 * HOUR + 5 * MIN, 7.5 * HOUR);
  const dur = r.logu(10, 600);
  const mode = r.wpick([
    [1, 'even'],
    [2, 'poisson'],
    [1, 'clumps'],
  ] as const);
  const joinTimes = burstTimes(w, N, start, N / dur, mode);
  const created = agedCreated(r, N, start);
  const nameStyle = r.wpick<RaiderNames>([
    [6, 'ordinary'],
    [1, 'copy'],
    [1.5, 'stem'],
    [1.5, 'mixed'],
  ]);
  const entryKind = r.wpick<EntryKind>([
    [3.5, 'everyday'],
    [2, 'vanity'],
    [2.5, 'fresh'],
    [2, 'many'],
  ]);
  const posts = r.chance(0.5);
  const base = postBase(w);
  const postMode: PostMode = !posts ? 'never' : r.chance(0.4) ? 'immediate' : 'signal';
  const plan = {
    ...base,
    mode: postMode,
    pPost: r.u(0.5, 1),
    msgs: [1, 4] as const,
    signalDelay: r.logu(MIN, 3 * HOUR),
  };
  return { N, joinTimes, created, nameStyle, avatarStyle: 'aged', entryKind, plan };
}

/** Slow drip: 6–150 raiders minutes apart over hours, fitted between 2 h 5 min in and 45 min before the end. */
function drawDrip(w: World): RaidDraw {
  const { r, g } = w;
  const mean = r.logu(2 * MIN, 20 * MIN);
  const durTarget = r.u(1.5, 5.5) * HOUR;
  const N = clamp(Math.round(durTarget / mean), 6, 150);
  const even = r.chance(0.4);
  const gaps = Array.from({ length: N - 1 }, () => (even ? mean * r.u(0.8, 1.2) : r.exp(mean)));
  const total = gaps.reduce((a, b) => a + b, 0);
  const avail = w.t1 - w.t0 - 2 * HOUR - 50 * MIN;
  const scale = total > avail ? avail / total : 1;
  const start = w.t0 + 2 * HOUR + 5 * MIN + r.u(0, Math.max(0, avail - total * scale));
  const joinTimes = [start];
  for (const gp of gaps) joinTimes.push((joinTimes[joinTimes.length - 1] as number) + gp * scale);
  const acc = r.wpick([
    [4, 'fresh'],
    [4, 'aged'],
    [2, 'mix'],
  ] as const);
  const created =
    acc === 'fresh'
      ? freshCreated(r, N, start)
      : acc === 'aged'
        ? agedCreated(r, N, start)
        : mixCreated(r, N, start);
  const nameStyle = r.wpick<RaiderNames>([
    [5, 'ordinary'],
    [2, 'stem'],
    [1.5, 'random'],
    [1.5, 'copy'],
  ]);
  const avatarStyle =
    acc === 'fresh'
      ? r.wpick<RaiderAvatars>([
          [3, 'default'],
          [1, 'mixed'],
          [1, 'random'],
        ])
      : 'aged';
  const entryKind = r.wpick<EntryKind>([
    [4, 'everyday'],
    [2, g.vanity ? 'vanity' : 'everyday'],
    [2, 'fresh'],
    [2, 'many'],
  ]);
  const mode = r.wpick<PostMode>([
    [5, 'signal'],
    [3, 'never'],
    [2, 'individual'],
  ]);
  const plan = {
    ...postBase(w),
    mode,
    pPost: r.u(0.6, 1),
    msgs: [1, 4] as const,
    signalDelay: r.logu(MIN, 30 * MIN),
  };
  return { N, joinTimes, created, nameStyle, avatarStyle, entryKind, plan };
}

/** Places the scenario's raid in the trace and labels it; returns the raiders' user ids. */
export function raid(w: World): string[] {
  const r = w.r;
  const fam = w.episode;
  const d =
    fam === 'fast-flood' || fam === 'multi-invite'
      ? drawFlood(w, fam === 'fast-flood')
      : fam === 'aged-accounts'
        ? drawAged(w)
        : drawDrip(w);
  const order = r.chance(0.5) ? d.created : r.shuffle([...d.created]);
  const namer = raiderNamer(w, d.nameStyle);
  const avatar = raiderAvatar(w, d.avatarStyle);
  const firstJoin = d.joinTimes[0] as number;
  const code = entry(w, d.entryKind, d.N, firstJoin);
  const raiders: Raider[] = [];
  for (let j = 0; j < d.N; j++) {
    const joinT = d.joinTimes[j] as number;
    const c = Math.min(order[j] as number, joinT - 30 * SEC);
    const id = w.ids.snow(c);
    const u: Joiner = { id, created: c, avatar: avatar(), ...namer() };
    if (w.emitJoin(joinT, u, code())) raiders.push({ u, joinT: Math.round(joinT), lastMsg: 0 });
  }
  const [firstRaider] = raiders;
  const lastRaider = raiders[raiders.length - 1];
  if (!firstRaider || !lastRaider) throw new Error(`generator C: no raider inside the trace (${fam})`);
  const { first, last } = raidPosts(w, raiders, d.plan);
  modResponse(w, raiders, first);
  const end = Math.max(lastRaider.joinT, last === Number.NEGATIVE_INFINITY ? 0 : Math.round(last));
  w.labels.push({ type: 'raid', guildId: w.guildId, start: firstRaider.joinT, end, family: fam });
  return raiders.map((x) => x.u.id);
}

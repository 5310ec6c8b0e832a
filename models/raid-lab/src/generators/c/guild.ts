import { oldCreated } from './accounts.ts';
import type { Ids } from './ids.ts';
import { type NameStyle, organicName, vanityName } from './names.ts';
import { clamp, DAY, HOUR, type Rng, type Weighted } from './rng.ts';

/** How an organic newcomer got in. */
export type InviteKind = 'vanity' | 'perm' | 'member' | 'unknown';

/** An account; long-standing members have names only when the trace may show them (the first 30). */
export interface Account {
  readonly id: string;
  readonly created: number;
  readonly username?: string;
  readonly globalName?: string | null;
}

/** A standing invite made before the trace (website, listing page, old pinned invite). */
export interface PermInvite {
  readonly code: string;
  readonly w: number;
  readonly inviter: string;
}

/** What a guild is like: its size, reach, daily cycle, invite mix and newcomers' habits. */
export interface GuildProfile {
  readonly members: number;
  /** Listed / public: more joins through the vanity URL and standing invites. */
  readonly public: boolean;
  readonly dailyJoins: number;
  readonly vanity: string | null;
  readonly young: boolean;
  readonly sameDay: number;
  readonly defMult: number;
  readonly tz: number;
  readonly tz2: number;
  readonly w2: number;
  readonly amp: number;
  readonly peak: number;
  readonly inviteMix: Weighted<InviteKind>;
  readonly memberShare: number;
  readonly greetP: number;
  readonly laterP: number;
  readonly leaveP: number;
  readonly rejoinP: number;
  readonly exitRatio: number;
  readonly msgsPerDay: number;
  readonly nameStyles: Weighted<NameStyle>;
}

export interface Guild {
  readonly g: GuildProfile;
  readonly guildId: string;
  readonly guildCreated: number;
  /** Channel weights and ids; the first is the main chat. */
  readonly channels: Weighted<string>;
  readonly welcomeChannel: string;
  /** Active long-standing members, owner and mods first, Zipf-weighted by `poolCum`. */
  readonly pool: readonly Account[];
  readonly mods: readonly Account[];
  readonly poolCum: readonly number[];
  readonly perm: readonly PermInvite[];
}

const TZS = [-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 5.5, 7, 8, 9, 10];
const TZ_WEIGHTS: Weighted<number> = [
  [5, -5],
  [4, -8],
  [2, -6],
  [3, 0],
  [4, 1],
  [1, 2],
  [2, 3],
  [2, -3],
  [2, 5.5],
  [1, 7],
  [2, 8],
  [2, 9],
  [1, 10],
  [1, -4],
  [1, -7],
];

function drawProfile(r: Rng): GuildProfile {
  const lg = r.u(2, 6.08);
  const members = Math.round(10 ** lg);
  const isPublic = r.chance(clamp(0.12 + 0.17 * (lg - 2), 0.05, 0.9));
  const publicFactor = isPublic ? r.logu(0.6, 2.5) : r.logu(0.08, 0.5);
  const dailyJoins = members * 0.005 * (members / 1e4) ** -0.1 * publicFactor * r.logu(0.7, 1.4);
  const vanity = r.chance(clamp((isPublic ? 0.05 : 0.0) + 0.2 * (lg - 3), 0, 0.85)) ? vanityName(r) : null;
  const young = r.chance(0.2); // new game / young audience: more fresh accounts
  const sameDay = young ? r.u(0.1, 0.32) : 0.25 * r.f() ** 1.6;
  const defMult = r.u(0.7, 1.25);
  // daily cycle: primary + optional secondary time zone
  const tz = r.wpick(TZ_WEIGHTS);
  const tz2 = r.pick(TZS);
  const w2 = r.chance(0.6) ? r.u(0.1, 0.45) : 0;
  const R = r.logu(2, 8);
  const peak = r.u(17.5, 23);
  const mix: [number, InviteKind][] = [];
  if (isPublic) {
    if (vanity) mix.push([r.u(0.4, 0.9), 'vanity']);
    mix.push([r.u(0.1, 0.6) * (vanity ? 0.5 : 1.5), 'perm']);
    mix.push([r.u(0.05, 0.3), 'member']);
  } else {
    if (vanity) mix.push([r.u(0.2, 0.6), 'vanity']);
    mix.push([r.u(0.05, 0.5), 'perm']);
    mix.push([r.u(0.4, 0.9), 'member']);
  }
  mix.push([r.u(0, 0.15), 'unknown']);
  const weightOf = (pairs: Weighted<InviteKind>) => pairs.reduce((s, x) => s + x[0], 0);
  const memberShare = weightOf(mix.filter((x) => x[1] === 'member')) / weightOf(mix);
  const greetP = r.u(0.05, 0.5);
  const laterP = r.u(0.05, 0.3);
  const leaveP = r.u(0.03, 0.25);
  const rejoinP = r.u(0.05, 0.3);
  const exitRatio = r.u(0.2, 0.8); // leaves of pre-existing members per join
  const msgsPerDay = clamp(members ** 0.8 * r.logu(0.02, 1), 3, 30000);
  const nameStyles: Weighted<NameStyle> = [
    [r.u(1, 4), 'word'],
    [r.u(1, 4), 'wordnum'],
    [r.u(0.5, 3), 'real'],
    [r.u(0.1, 2), 'nonlatin'],
    [r.u(0.2, 1.5), 'emoji'],
    [r.u(0.2, 1), 'odd'],
  ];
  return {
    members,
    public: isPublic,
    dailyJoins,
    vanity,
    young,
    sameDay,
    defMult,
    tz,
    tz2,
    w2,
    amp: (R - 1) / (R + 1),
    peak,
    inviteMix: mix,
    memberShare,
    greetP,
    laterP,
    leaveP,
    rejoinP,
    exitRatio,
    msgsPerDay,
    nameStyles,
  };
}

/** Draws a guild whose trace starts at `t0`: profile, ids, channels, active members and standing invites. */
export function drawGuild(r: Rng, ids: Ids, t0: number): Guild {
  // The original drew its own start date here. The draw is kept, unused, so that every draw after it
  // is the one the original makes: with its start date, the port writes the original's trace.
  r.f();
  const g = drawProfile(r);
  const guildCreated = t0 - r.logu(30, (t0 - Date.UTC(2016, 0, 1)) / DAY) * DAY;
  const guildId = ids.snow(guildCreated);
  const nch = r.i(3, 14);
  const channels: [number, string][] = [];
  for (let k = 0; k < nch; k++) {
    const w = k === 0 ? 8 : r.logu(0.2, 4);
    channels.push([w, ids.snow(r.u(guildCreated, Math.min(t0 - HOUR, guildCreated + 60 * DAY)))]);
  }
  const channelId = (k: number) => (channels[k] as [number, string])[1];
  const welcomeChannel = r.chance(0.4) && nch > 3 ? channelId(1) : channelId(0);
  const poolN = clamp(
    Math.round(Math.sqrt(g.members) * r.logu(1, 5)),
    Math.min(5, g.members),
    Math.min(3000, g.members),
  );
  const pool: Account[] = [];
  for (let k = 0; k < poolN; k++) {
    const created = oldCreated(r, t0 - r.logu(7, 900) * DAY, false);
    const id = ids.snow(created);
    pool.push(k < 30 ? { id, created, ...organicName(r, ids.usedNames, g.nameStyles) } : { id, created });
  }
  const mods = pool.slice(0, clamp(Math.round(Math.sqrt(poolN) / 2), 1, 12));
  let s = 0;
  const poolCum = pool.map((_, k) => {
    s += 1 / (k + 1) ** 0.9;
    return s;
  });
  const np = g.public ? r.i(1, 4) : r.i(1, 2);
  const perm: PermInvite[] = [];
  for (let k = 0; k < np; k++) {
    const code = ids.newCode();
    perm.push({ code, w: 1 / (k + 1) ** 1.3, inviter: r.pick(mods).id });
  }
  return { g, guildId, guildCreated, channels, welcomeChannel, pool, mods, poolCum, perm };
}

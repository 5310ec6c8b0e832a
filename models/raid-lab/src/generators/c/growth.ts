// Organic surges that last hours: trending in a listing, and a launch or update.
import { memberInvite, newcomer, organicCode, organicUser } from './newcomer.ts';
import { clamp, HOUR, lognormPdf, MIN, SEC, sampleTimes, type Weighted } from './rng.ts';
import { surgeSize, surgeWindow, welcomeReactions } from './surges.ts';
import type { World } from './world.ts';

const LAUNCH_POSTS = (season: number) => [
  '@everyone the update is LIVE! 🎉 go go go',
  `@everyone Season ${season} is out now!`,
  '@everyone we launched!! thank you all ❤️',
  '@everyone big news, check #announcements',
  'The new version is out, links in #announcements',
];

/** Trending: an added join rate that ramps up, holds for hours and ramps down, mostly through one entry. */
export function trending(w: World): void {
  const { r, g } = w;
  const up = r.u(15, 60) * MIN;
  const down = r.u(30, 90) * MIN;
  const room = 6 * HOUR - 15 * MIN - up - down;
  const plateau = Math.min(r.u(1.5, 4) * HOUR, room);
  const s0 = w.t0 + 2 * HOUR + r.u(5 * MIN, Math.max(5 * MIN, room - plateau));
  const m = r.u(3, 10);
  const A = Math.max((m - 1) * (g.dailyJoins / 86400), r.logu(6, 40) / 3600);
  const shape = (t: number) => {
    const x = t - s0;
    if (x < 0) return 0;
    if (x < up) return x / up;
    if (x < up + plateau) return 1;
    if (x < up + plateau + down) return 1 - (x - up - plateau) / down;
    return 0;
  };
  const lamS = (t: number) => A * shape(t) * Math.sqrt(w.cyc(t));
  const times = sampleTimes(r, lamS, s0, s0 + up + plateau + down, 10 * SEC);
  const viaVanity = g.vanity && r.chance(0.6);
  const entry = viaVanity ? 'vanity' : (w.guild.perm[0]?.code ?? null);
  const fE = r.u(0.75, 0.95);
  const sameDay = clamp(g.sameDay * r.u(1, 2), 0, 0.4);
  for (const t of times) {
    const u = organicUser(w, t, { sameDay });
    newcomer(w, u, t, r.chance(fE) ? entry : organicCode(w, t));
  }
  surgeWindow(w, lamS, s0, w.t1, times);
}

/**
 * A launch: a spike at the announcement, then a plateau of several times the normal rate decaying over
 * hours, through new partner/press invites, the standing ones, the vanity URL and members' invites.
 */
export function launch(w: World): void {
  const { r, g } = w;
  const ta = w.t0 + r.u(2 * HOUR + 5 * MIN, 4 * HOUR);
  const down = r.u(20, 60) * MIN;
  const H = Math.min(r.u(2, 5.5) * HOUR, w.t1 - 10 * MIN - down - ta);
  const tau = r.u(1.5, 5) * HOUR;
  const Nspike = Math.round(surgeSize(w, 15, 400) * r.u(0.3, 1));
  const mu = Math.log(r.logu(60, 300) * SEC);
  const sg = r.u(0.6, 1.0);
  const m = r.u(2, 6);
  const P = Math.max((m - 1) * (g.dailyJoins / 86400), r.logu(5, 40) / 3600);
  const plateau = (t: number) => {
    const x = t - ta;
    if (x < 0) return 0;
    const rise = Math.min(1, x / (10 * MIN));
    const fall = x < H ? 1 : x < H + down ? 1 - (x - H) / down : 0;
    return rise * fall * Math.exp(-x / tau);
  };
  const lamS = (t: number) =>
    Nspike * lognormPdf(t - ta, mu, sg) * 1000 + P * plateau(t) * Math.sqrt(w.cyc(t));
  const times = sampleTimes(r, lamS, ta, ta + H + down, 2 * SEC);
  const staff = w.guild.mods;
  const invs: [number, string][] = [];
  const k = r.i(3, 10);
  for (let j = 0; j < k; j++) {
    const c = w.ids.newCode();
    const madeAt = ta - r.u(0, 15 * MIN);
    w.emitInvite(madeAt, c, r.pick(staff).id, 0, r.pick([0, 0, 604800, 86400]));
    invs.push([r.logu(0.2, 3), c]);
  }
  for (const p of w.guild.perm) invs.push([p.w * r.u(1, 4), p.code]);
  if (g.vanity) invs.push([r.u(1, 6), 'vanity']);
  const entries: Weighted<string> = invs;
  const memberShare = r.u(0.05, 0.25);
  const unknown = r.u(0, 0.1);
  const sameDay = clamp(g.sameDay * r.u(1, 2), 0, 0.4);
  if (r.chance(0.6)) {
    const at = ta - r.u(0, 3 * MIN);
    const author = r.pick(staff).id;
    const post = r.pick(LAUNCH_POSTS(r.i(2, 9)));
    w.emitMsg(at, author, post, 0, w.guild.channels[0]?.[1] ?? null);
  }
  for (const t of times) {
    let c: string | null;
    if (r.chance(unknown)) c = null;
    else if (r.chance(memberShare)) c = memberInvite(w, t).code;
    else c = r.wpick(entries);
    newcomer(w, organicUser(w, t, { sameDay }), t, c);
  }
  welcomeReactions(w, ta + MIN, r.i(3, 20));
  surgeWindow(w, lamS, ta, w.t1, times);
}

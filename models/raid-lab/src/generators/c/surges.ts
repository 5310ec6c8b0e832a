// Organic surges: the shared pieces, and the shout-out (trending and launch are in growth.ts).
import { newcomer, organicCode, organicUser } from './newcomer.ts';
import { clamp, DAY, HOUR, lognormPdf, MIN, SEC, sampleTimes } from './rng.ts';
import { GREET } from './words.ts';
import type { World } from './world.ts';

const WELCOME = [
  'welcome!',
  'welcome everyone 👋',
  'hi new people',
  'welcome welcome',
  'so many new people lol',
  'hello stream 👋',
  'welcome to the server!',
  'read the rules pls :)',
  'woah',
  'hiii welcome',
];

/**
 * Labels the surge: from where its own intensity `lamS` first reaches max(½ the guild's normal rate,
 * 4 an hour), but no earlier than its first join, to where it last does.
 */
export function surgeWindow(
  w: World,
  lamS: (t: number) => number,
  a: number,
  b: number,
  joinTimes: readonly number[],
): void {
  const thr = (t: number) => Math.max(0.5 * w.baseRate(t), 1 / 900);
  let s: number | null = null;
  let e: number | null = null;
  for (let t = a; t <= b; t += 5 * SEC)
    if (lamS(t) >= thr(t)) {
      if (s === null) s = t;
      e = t;
    }
  // (Never reaching it, with no join either, left the original's label empty; the window's start stands in.)
  const first = joinTimes[0] ?? a;
  if (s === null || e === null) {
    s = first;
    e = joinTimes[joinTimes.length - 1] ?? a;
  }
  const start = clamp(Math.round(Math.max(s, first)), w.t0, w.t1);
  const end = clamp(Math.round(Math.max(e, start)), w.t0, w.t1);
  w.labels.push({ type: 'surge', guildId: w.guildId, start, end, family: w.episode });
}

/** The audience a surge brings, scaled to the guild. */
export function surgeSize(w: World, lo: number, hi: number): number {
  return Math.round(clamp(w.r.logu(lo, hi) * (w.g.members / 1000) ** 0.35, 12, 6000));
}

/** `n` long-standing members welcoming the newcomers after `t`. */
export function welcomeReactions(w: World, t: number, n: number): void {
  const r = w.r;
  for (let k = 0; k < n; k++) {
    const tt = t + r.logu(10 * SEC, 40 * MIN);
    const line = r.pick(WELCOME);
    w.emitMsg(tt, w.poolMember().id, line);
  }
}

/** A streamer (a mod) sends viewers through a fresh invite: a lognormal burst, a tail, maybe a reminder. */
export function shoutOut(w: World): void {
  const r = w.r;
  const ann = w.t0 + r.u(2 * HOUR + 5 * MIN, 6.5 * HOUR);
  const streamer = r.pick(w.guild.mods);
  const N = surgeSize(w, 15, 400);
  const code = w.ids.newCode();
  const madeAt = ann - r.logu(1 * MIN, 20 * MIN);
  w.emitInvite(madeAt, code, streamer.id, 0, r.pick([0, 0, 86400, 604800]));
  const lag = r.u(5, 30) * SEC;
  const pf = r.u(0.5, 0.85);
  const mu = Math.log(r.logu(40, 180) * SEC);
  const sg = r.u(0.5, 0.9);
  const tau = r.logu(8, 25) * MIN;
  const rem = r.chance(0.25) ? { at: ann + r.u(20, 45) * MIN, n: N * r.u(0.1, 0.3) } : null;
  const lamS = (t: number) => {
    const x = t - ann - lag;
    let v = x > 0 ? N * (pf * lognormPdf(x, mu, sg) + ((1 - pf) / tau) * Math.exp(-x / tau)) * 1000 : 0;
    if (rem) {
      const y = t - rem.at - lag;
      if (y > 0) v += rem.n * lognormPdf(y, mu, sg) * 1000;
    }
    return v;
  };
  const times = sampleTimes(r, lamS, ann, w.t1, SEC);
  const fI = r.u(0.75, 0.97);
  const sameDay = r.u(0.2, 0.6);
  const custom = `<:${r.pick(['pogU', 'wave', 'heart', 'hype'])}:${w.ids.snow(w.guild.guildCreated + DAY)}>`;
  const streamerName = streamer.globalName ?? streamer.username;
  const emote = r.pick([
    'hi',
    'hii',
    'HI',
    'hello from stream',
    '👋',
    custom,
    'o7',
    'KEKW',
    `hi ${streamerName}`,
    'hey chat',
    'first',
  ]);
  const pDom = r.u(0.4, 0.8);
  const greetP = r.u(0.3, 0.7);
  const greet = () => (r.chance(pDom) ? emote : r.pick(GREET));
  for (const t of times) {
    const u = organicUser(w, t, { sameDay, quick: true, defMult: 1.15, young: true });
    const c = r.chance(fI) ? code : organicCode(w, t);
    const early = t - ann < 3 * MIN;
    const leaveP = r.u(0.05, 0.2);
    newcomer(w, u, t, c, { greetP: early ? greetP : greetP * 0.5, fastGreet: 0.9, greet, leaveP });
  }
  welcomeReactions(w, ann + MIN, r.i(2, 25));
  surgeWindow(w, lamS, ann, w.t1, times);
}

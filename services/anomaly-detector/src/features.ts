import type { GuildWindow, WindowJoin } from './guildWindow.ts';
import {
  batchCount,
  cadenceRegularity,
  count,
  largestInviteBatch,
  lookAlikeCount,
  repeatPosters,
  spamPosters,
  topInvite,
  youngerThan,
} from './joinStats.ts';

/**
 * The feature vector's layout. A model is trained for one version and refuses another.
 * v9 reads the join-rate features of a guild's first hour against a rate its size suggests for
 * the time not yet watched, instead of no joins at all: every guild first seen taking a few joins
 * looked like a spike of 60 times its baseline.
 * v8 counts newcomers posting links, invites or mass pings beyond what the guild's newcomers
 * usually post given the joins of now: in a big guild many newcomers share clips and tweets,
 * and as absolute counts these features pointed at surges on traffic nobody tuned on.
 * v7 reads the posts of every newcomer of the last day, not only of the last hour's joins: a
 * slow drip's accounts join over hours and then post together (same names, new meaning).
 * v6 adds evidence a slow drip leaves over the hour: the largest batch of accounts at least a
 * day old, the largest batch that came through one invite, and how evenly the hour's last joins
 * were spaced. v5 measures the newcomers' mix against the guild's own usual newcomers instead of
 * absolute shares, finds account batches with a band relative to their age instead of a fixed
 * span, and reads what newcomers post (links, pings, near-copies), who invited them and how
 * evenly they arrive.
 */
// Dropped after the first cross-generator report, for pointing opposite ways on A and B:
// avatarLift1m (raid-against-surge AUC 0.70 on A, 0.39 on B) and avatarSurprise60m (0.67, 0.39).
export const FEATURE_SPEC = {
  version: 9,
  names: [
    'joins1m',
    'joins10m',
    'joins60m',
    'rate1mVsBaseline',
    'rate10mVsBaseline',
    'rate60mVsBaseline',
    'youngLift1d1m',
    'youngLift1d10m',
    'youngLift1d60m',
    'youngLift7d10m',
    'youngSurprise10m',
    'youngSurprise60m',
    'avatarLift10m',
    'avatarLift60m',
    'batchShare1m',
    'batchShare10m',
    'batchShare60m',
    'batchCount10m',
    'batchCount60m',
    'agedBatchShare60m',
    'inviteBatchShare60m',
    'lookAlikeShare10m',
    'lookAlikeShare60m',
    'spamPosterShare10m',
    'spamPosterCount10m',
    'spamPosterCount60m',
    'repeatPosterCount60m',
    'topInviteShare10m',
    'cadence10m',
    'cadence60m',
  ],
} as const;

export type FeatureName = (typeof FEATURE_SPEC.names)[number];

export interface GuildFeatures {
  readonly version: number;
  /** In FEATURE_SPEC.names order, each on roughly a 0..1 (lifts -1..1) scale for the model. */
  readonly vector: number[];
  readonly named: Readonly<Record<FeatureName, number>>;
  /** The features that stand out, in words an admin understands, strongest first. */
  readonly reasons: string[];
  /** Evidence strong enough for a full lockdown without an admin, in words; empty when none. */
  readonly strong: string[];
  readonly joinsLastMinute: number;
  readonly joinsLast10Minutes: number;
  /** The last 10 minutes' join rate as a multiple of the guild's own baseline. */
  readonly spike: number;
  /** How many newcomers would usually post links, invites or mass pings in these 10 minutes. */
  readonly usualSpamPosters: number;
}

const MINUTE = 60_000;
const LONG = 10 * MINUTE;
const HOUR = 60 * MINUTE;
/** Shares of a handful of joins are pulled towards the reference as if this many more joins had come. */
export const PRIOR_JOINS = 5;

/** log(1 + x) / log(1 + max): a count on a 0..1 scale that keeps growing slowly. */
const logScale = (x: number, max: number): number =>
  Math.min(1, Math.log1p(Math.max(0, x)) / Math.log1p(max));
const percent = (x: number) => `${Math.round(x * 100)}%`;

/** k of n, pulled towards `towards` as if PRIOR_JOINS more joins had come. */
const shrunk = (k: number, n: number, towards = 0) => (k + towards * PRIOR_JOINS) / (n + PRIOR_JOINS);

/**
 * How surprising k of n is when the guild's usual share is p: -log10 of the chance of k or
 * more (binomial upper tail, through its Poisson-free Chernoff bound), on a 0..1 scale where
 * 1 is one in 10^12. Scale-free: 40 fresh accounts among 1,000 joins of a guild where 4% is
 * usual is no surprise; 10 among 12 is.
 */
export function surprise(k: number, n: number, p: number): number {
  if (n === 0 || k <= n * p) return 0;
  const q = k / n;
  const kl = q * Math.log(q / p) + (q < 1 ? (1 - q) * Math.log((1 - q) / (1 - p)) : 0);
  return Math.min(1, (n * kl) / Math.LN10 / 12);
}

/** The thresholds of strong evidence: raw counts and shares, so a model cannot talk past them. */
export const STRONG = {
  spamPosters: 3,
  spamPosters60m: 4,
  spamPosterShare: 0.2,
  batch: 8,
  batch60m: 10,
  batchShare: 0.5,
} as const;

/** How unlikely a count of spam posters must be, given the guild's usual count, to be a raid's. */
const SPAM_TAIL = 1e-5;
/** The standard normal's upper 1e-5 point. */
const SPAM_TAIL_Z = 4.265;

/**
 * The fewest newcomers posting links, invites or mass pings that the guild's usual posting
 * (`usual` such posters in the same span, a Poisson mean) makes this unlikely: at least `least`.
 * A guild whose newcomers never post links needs `least`; one where three do every 10 minutes
 * needs 14.
 */
export function unusualSpamPosters(usual: number, least: number): number {
  if (!(usual > 0)) return least;
  // Past a hundred the Poisson is as good as normal (and e^-usual would underflow past 745).
  if (usual > 100) return Math.max(least, Math.ceil(usual + SPAM_TAIL_Z * Math.sqrt(usual)));
  // P(X >= k) = 1 - sum_{i<k} P(X = i), summed until what is left is under the tail.
  let below = 0;
  let term = Math.exp(-usual);
  for (let k = 0; ; k++) {
    if (k >= least && 1 - below <= SPAM_TAIL) return k;
    below += term;
    term *= usual / (k + 1);
  }
}

/**
 * How many newcomers would post links, invites or mass pings in 10 minutes at the guild's usual
 * rate per join, given how many are joining now (the last 10 minutes, the hour's average, or the
 * guild's baseline, whichever is most): a shout-out's crowd shares more clips than a quiet evening.
 */
export function usualSpamPosters(window: GuildWindow, now: number): number {
  const joins = Math.max(
    window.recentCount(now, LONG),
    window.recentCount(now, HOUR) / 6,
    window.longBaselinePerMinute * 10,
  );
  return window.spamPostersPerJoin * joins;
}

/**
 * Whether newcomers posting spam are a raid's whatever the score: at least 3 in 10 minutes (4 in
 * the hour), far more than the guild's newcomers usually post, and a fifth of the newcomers who
 * could have posted them: the span's joins, and over 10 minutes at least a third of the hour's
 * (posts come minutes after joining, so a launch's crowd of the last half hour shares its clips
 * now, when its joins have slowed; a drip's sleepers post when nobody is joining).
 */
export function spamOutbreak(
  posters: number,
  joins: { readonly last10m: number; readonly lastHour: number },
  usual10m: number,
  span: '10m' | '60m' = '10m',
): boolean {
  const least = span === '10m' ? STRONG.spamPosters : STRONG.spamPosters60m;
  const usual = span === '10m' ? usual10m : usual10m * 6;
  const pool = span === '10m' ? Math.max(joins.last10m, joins.lastHour / 3) : joins.lastHour;
  return posters >= STRONG.spamPosterShare * pool && posters >= unusualSpamPosters(usual, least);
}

/**
 * The versioned feature vector of a guild's last minute and last 10 minutes of joins (none
 * before `since`, the end of its last lockdown or gate) against its own baseline and usual
 * newcomers, computed from plain data at `now`: the same window and time give the same vector.
 * Training and serving both call this one function.
 */
export function computeFeatures(window: GuildWindow, now: number, since = 0): GuildFeatures {
  const joins = window.recent(now, MINUTE, since);
  const long = window.recent(now, LONG, since);
  const posts = window.recentPosts(now, LONG, since);
  const n1 = joins.length;
  const n10 = long.length;
  const h = hourStats(window, now, since);
  const n60 = h.joins;
  const ref = window.reference.shares();
  const baseline = Math.max(window.longBaselinePerMinute, 0.05);
  const rate = n1 / baseline;
  const young1 = count(long, youngerThan(1));
  const avatars = count(long, defaultAvatar);
  const batch = n10 >= 2 ? batchCount(long) : 0;
  const batch60 = h.batch;
  const lookAlike = lookAlikeCount(long);
  const spam = spamPosters(posts);
  const spam60 = h.spam;
  const young60 = h.young;
  const avatars60 = h.avatars;
  const top = topInvite(long);
  const lift = (k: number, n: number, usual: number) => shrunk(k, n, usual) - usual;
  const usualSpam = usualSpamPosters(window, now);
  const unusualSpam = Math.max(0, spam - usualSpam);
  const named: Record<FeatureName, number> = {
    joins1m: logScale(n1, 500),
    joins10m: logScale(n10, 2000),
    joins60m: logScale(n60, 5000),
    rate1mVsBaseline: logScale(rate, 1000),
    rate10mVsBaseline: logScale(n10 / (10 * baseline), 1000),
    rate60mVsBaseline: logScale(n60 / (60 * baseline), 1000),
    youngLift1d1m: lift(count(joins, youngerThan(1)), n1, ref.youngUnder1d),
    youngLift1d10m: lift(young1, n10, ref.youngUnder1d),
    youngLift1d60m: lift(young60, n60, ref.youngUnder1d),
    youngLift7d10m: lift(count(long, youngerThan(7)), n10, ref.youngUnder7d),
    youngSurprise10m: surprise(young1, n10, ref.youngUnder1d),
    youngSurprise60m: surprise(young60, n60, ref.youngUnder1d),
    avatarLift10m: lift(avatars, n10, ref.defaultAvatar),
    avatarLift60m: lift(avatars60, n60, ref.defaultAvatar),
    batchShare1m: shrunk(n1 >= 2 ? batchCount(joins) : 0, n1),
    batchShare10m: shrunk(batch, n10),
    batchShare60m: shrunk(batch60, n60),
    batchCount10m: logScale(batch, 200),
    batchCount60m: logScale(batch60, 500),
    agedBatchShare60m: shrunk(h.agedBatch, n60),
    inviteBatchShare60m: shrunk(h.inviteBatch, n60),
    lookAlikeShare10m: shrunk(lookAlike, n10),
    lookAlikeShare60m: shrunk(h.lookAlike, n60),
    // Newcomers of the whole day count, so a drip's sleepers may outnumber the 10 minutes' joins;
    // only those beyond the guild's usual posting (an afternoon of shared clips is no raid).
    spamPosterShare10m: shrunk(unusualSpam, Math.max(n10, spam)),
    spamPosterCount10m: logScale(unusualSpam, 100),
    spamPosterCount60m: logScale(spam60 - 6 * usualSpam, 200),
    repeatPosterCount60m: logScale(h.repeat, 100),
    topInviteShare10m: shrunk(top.count, n10),
    cadence10m: cadenceRegularity(long.slice(-20)),
    cadence60m: h.cadence,
  };
  const strong: string[] = [];
  const joinCounts = { last10m: n10, lastHour: n60 };
  if (spamOutbreak(spam, joinCounts, usualSpam))
    strong.push(`${spam} newcomers posted links, invites or mass pings`);
  else if (spamOutbreak(spam60, joinCounts, usualSpam, '60m'))
    strong.push(`${spam60} newcomers in the last hour posted links, invites or mass pings`);
  // Only a batch of accounts at least a day old is strong evidence: in a big shout-out many
  // people make their account minutes before joining, and those sign-ups cluster too.
  const aged = batch >= STRONG.batch ? batchCount(long.filter((j) => !youngerThan(1)(j))) : 0;
  const aged60 = batch60 >= STRONG.batch60m ? h.agedBatch : 0;
  if (aged >= STRONG.batch && aged >= STRONG.batchShare * n10)
    strong.push(`${aged} of ${n10} accounts made together (${describeBatch(long)})`);
  else if (aged60 >= STRONG.batch60m && aged60 >= STRONG.batchShare * n60)
    strong.push(`${aged60} of ${n60} accounts in the last hour made together (${describeBatch(h.hour)})`);
  return {
    version: FEATURE_SPEC.version,
    vector: FEATURE_SPEC.names.map((n) => named[n]),
    named,
    reasons: reasonsFor({ n1, n10, rate, young1, avatars, lookAlike, ref, top, spam, hour: h }),
    strong,
    joinsLastMinute: n1,
    joinsLast10Minutes: n10,
    spike: n10 / (10 * baseline),
    usualSpamPosters: usualSpam,
  };
}

const defaultAvatar = (j: WindowJoin) => j.defaultAvatar;

/** What the last hour holds, in counts. */
interface HourStats {
  readonly joins: number;
  readonly young: number;
  readonly avatars: number;
  readonly batch: number;
  /** The largest batch among accounts at least a day old. */
  readonly agedBatch: number;
  /** The largest batch among the joins that came through one invite (the vanity URL counts as one). */
  readonly inviteBatch: number;
  /** How evenly the hour's last 20 joins were spaced. */
  readonly cadence: number;
  readonly hour: readonly WindowJoin[];
  readonly lookAlike: number;
  readonly spam: number;
  readonly repeat: number;
}

/** The hour's figures move slowly: they are computed once per this much time (per epoch). */
const HOUR_STATS_EVERY_MS = 10_000;
const hourMemo = new WeakMap<GuildWindow, { key: string; stats: HourStats }>();

/**
 * The last hour's counts, computed at the first tick of each 10-second step of the clock and
 * kept for the rest of it: in a guild taking thousands of joins an hour, sorting the hour's
 * accounts every second would cost more than the rest of the tick, and the minute and
 * 10-minute figures already follow every join. A replay ticks on whole seconds, so the same
 * trace always gives the same figures.
 */
function hourStats(window: GuildWindow, now: number, since: number): HourStats {
  const step = Math.floor(now / HOUR_STATS_EVERY_MS);
  const key = `${since}:${step}`;
  const memo = hourMemo.get(window);
  if (memo?.key === key) return memo.stats;
  const hour = window.recent(now, HOUR, since);
  const posts = window.recentPosts(now, HOUR, since);
  const stats: HourStats = {
    joins: hour.length,
    young: count(hour, youngerThan(1)),
    avatars: count(hour, defaultAvatar),
    batch: hour.length >= 2 ? batchCount(hour) : 0,
    agedBatch: batchCount(hour.filter((j) => !youngerThan(1)(j))),
    inviteBatch: largestInviteBatch(hour),
    cadence: cadenceRegularity(hour.slice(-20)),
    hour,
    lookAlike: lookAlikeCount(hour),
    spam: spamPosters(posts),
    repeat: repeatPosters(posts),
  };
  hourMemo.set(window, { key, stats });
  return stats;
}

function describeBatch(joins: readonly WindowJoin[]): string {
  const ages = joins.map((j) => j.ts - j.accountCreatedAt).sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)] ?? 0;
  const days = median / 86_400_000;
  return days < 1
    ? `accounts about ${Math.max(1, Math.round(days * 24))} h old`
    : `about ${Math.round(days)} days old`;
}

function reasonsFor(s: {
  n1: number;
  n10: number;
  rate: number;
  young1: number;
  avatars: number;
  lookAlike: number;
  ref: { youngUnder1d: number; defaultAvatar: number };
  top: { code: string | null; count: number };
  spam: number;
  hour: HourStats;
}): string[] {
  const out: [number, string][] = [];
  // A slow drip shows only over the hour: say so, or the alert reads "2 joins in 10 min".
  const { hour } = s;
  if (hour.inviteBatch >= 5 && hour.inviteBatch >= 0.3 * hour.joins)
    out.push([
      hour.inviteBatch / hour.joins,
      `${hour.inviteBatch} of the last hour's ${hour.joins} joins came through one invite, accounts made together`,
    ]);
  else if (hour.agedBatch >= 5 && hour.agedBatch >= 0.3 * hour.joins)
    out.push([
      hour.agedBatch / hour.joins,
      `${hour.agedBatch} of the last hour's ${hour.joins} joins are accounts made together`,
    ]);
  if (s.n1 >= 5 && s.rate >= 5) out.push([s.rate / 10, `join rate ${Math.round(s.rate)}x baseline`]);
  if (s.spam >= 2) out.push([s.spam / 3, `${s.spam} newcomers posted links, invites or mass pings`]);
  if (s.n10 >= 5) {
    const young = s.young1 / s.n10;
    if (young >= 0.3 && young >= 2 * s.ref.youngUnder1d)
      out.push([
        young,
        `${percent(young)} accounts younger than 1 day (usually ${percent(s.ref.youngUnder1d)})`,
      ]);
    const avatars = s.avatars / s.n10;
    if (avatars >= 0.6 && avatars >= 1.5 * s.ref.defaultAvatar)
      out.push([
        avatars * 0.7,
        `${percent(avatars)} default avatars (usually ${percent(s.ref.defaultAvatar)})`,
      ]);
    if (s.lookAlike >= 5 && s.lookAlike / s.n10 >= 0.3)
      out.push([s.lookAlike / 25, `${s.lookAlike} look-alike names in 10 min`]);
    if (s.top.code && s.top.count / s.n10 >= 0.7)
      out.push([
        0.4,
        `${percent(s.top.count / s.n10)} through ${s.top.code === 'vanity' ? 'the vanity URL' : `invite ${s.top.code}`}`,
      ]);
  }
  if (s.n10 > 0) out.push([0.01, `${s.n10} joins in 10 min, ${s.n1} in the last minute`]);
  return out.sort((a, b) => b[0] - a[0]).map(([, text]) => text);
}

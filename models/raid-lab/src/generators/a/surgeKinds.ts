import type { SurgeKind } from '../scenario.ts';
import type { TraceBuilder } from './builder.ts';
import type { EpisodeWindow } from './episode.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './ids.ts';
import { SHOUT_OUT_LINES } from './lines.ts';
import { commonGreeting, type Greeting, usualGreeting } from './newcomer.ts';
import { areaOf, knotsOf, sampleProfile } from './profile.ts';
import { SURGE } from './ranges.ts';
import type { Rng } from './rng.ts';

/** A surge's shape before placement: join times from its start, the share of joins it sends, its habits. */
export interface SurgePlan {
  readonly times: readonly number[];
  readonly codeFor: (rng: Rng, ts: number) => string | null;
  readonly youngShare: number;
  readonly greeting: Greeting;
  readonly facts: Record<string, string | number>;
}

const size06 = (b: TraceBuilder): number => b.world.size ** 0.6;
const clampJoins = (n: number): number => Math.max(10, Math.min(SURGE.maxJoins, Math.round(n)));
/** The normal joins per ms a trending or launch surge multiplies; tiny guilds get a floor. */
const normalRate = (rng: Rng, b: TraceBuilder): number =>
  Math.max(b.world.joinsPerDay / DAY_MS, rng.uniform(SURGE.trendingFloorPerHour) / HOUR_MS);
const standingCode = (rng: Rng, b: TraceBuilder): string =>
  b.world.vanityCode && rng.chance(0.6) ? 'vanity' : rng.pick(b.world.everyday).code;

/** Shout-out: a fast rise, then a decay cut where it meets the guild's normal rate; one line said by many. */
function shoutOut(rng: Rng, b: TraceBuilder): SurgePlan {
  const n = clampJoins(size06(b) * rng.logUniform(SURGE.shoutOutFactor));
  const rise = rng.logUniform(SURGE.shoutOutRiseMs);
  const decay = rng.logUniform(SURGE.shoutOutDecayMs);
  const peak = n / (rise / 2 + decay);
  const cut = rise + decay * Math.min(6, Math.max(0.5, Math.log(peak / (b.world.joinsPerDay / DAY_MS))));
  const rate = (t: number): number => (t < rise ? (peak * t) / rise : peak * Math.exp(-(t - rise) / decay));
  const standing = rng.chance(SURGE.shoutOutStandingEntry);
  const lead = rng.logUniform(SURGE.shoutOutInviteLeadMs);
  let code: string | null = standing ? standingCode(rng, b) : null;
  const line = rng.pick(SHOUT_OUT_LINES);
  const same = rng.uniform(SURGE.sameLineShare);
  return {
    times: sampleProfile(rng, knotsOf(rate, cut), n),
    // The invite is made when the surge is placed: `lead` before its first join.
    codeFor: (r, ts) => {
      code ??= b.invite(r, ts - lead, r.pick(b.world.members).userId, 0, r.pick([0, 86_400, 604_800]));
      return code;
    },
    youngShare: rng.uniform(SURGE.shoutOutYoungShare),
    greeting: {
      share: rng.uniform(SURGE.shoutOutGreetShare),
      fastShare: 0.9,
      line: (r) => (r.chance(same) ? line : commonGreeting(r)),
    },
    facts: { entry: standing ? 'standing' : 'fresh', line, decayMs: Math.round(decay) },
  };
}

/** Trending: joins through the everyday invite or the vanity URL rise several-fold for hours. */
function trending(rng: Rng, b: TraceBuilder, window: EpisodeWindow): SurgePlan {
  const multiple = rng.uniform(SURGE.trendingMultiple);
  const durationMs = Math.min(
    rng.uniform(SURGE.trendingHours) * HOUR_MS,
    (window.latest - window.earliest) * 0.9,
  );
  const up = Math.min(rng.logUniform(SURGE.trendingRampMs), durationMs / 3);
  const down = Math.min(rng.logUniform(SURGE.trendingRampMs), durationMs / 3);
  const extra = (multiple - 1) * normalRate(rng, b);
  const knots = [
    [0, 0],
    [up, extra],
    [durationMs - down, extra],
    [durationMs, 0],
  ] as const;
  const code = standingCode(rng, b);
  return {
    times: sampleProfile(rng, knots, clampJoins(rng.poisson(areaOf(knots)))),
    codeFor: () => code,
    youngShare: b.world.youngShare + rng.uniform(SURGE.extraYoungShare),
    greeting: usualGreeting(b),
    facts: { entry: code === 'vanity' ? 'vanity' : 'everyday', multiple, hours: durationMs / HOUR_MS },
  };
}

/** Launch or press: a spike at the announcement over a raised plateau, through many invites. */
function launch(rng: Rng, b: TraceBuilder, window: EpisodeWindow): SurgePlan {
  const durationMs = Math.min(
    rng.uniform(SURGE.launchHours) * HOUR_MS,
    (window.latest - window.earliest) * 0.9,
  );
  const spikeJoins = size06(b) * rng.logUniform(SURGE.launchSpikeFactor);
  const decay = rng.logUniform(SURGE.launchSpikeDecayMs);
  const rise = rng.uniform(SURGE.launchRiseMs);
  const plateau = (rng.uniform(SURGE.launchPlateauMultiple) - 1) * normalRate(rng, b);
  const fall = durationMs * rng.uniform(SURGE.launchFallShare);
  const rate = (t: number): number =>
    plateau * Math.min(1, (durationMs - t) / fall) +
    (spikeJoins / (decay + rise / 2)) * (t < rise ? t / rise : Math.exp(-(t - rise) / decay));
  const knots = knotsOf(rate, durationMs, 240);
  const made = Array.from({ length: rng.int(...SURGE.launchInvites) }, () => ({
    lead: rng.logUniform([MINUTE_MS, 3 * DAY_MS]),
    weight: rng.logUniform([0.1, 10]),
  }));
  let opened = false;
  const standing = [...b.world.everyday.map((e) => e.code), ...(b.world.vanityCode ? ['vanity'] : [])];
  const pool: Record<string, number> = Object.fromEntries(
    standing.map((c) => [c, rng.logUniform([0.1, 10])]),
  );
  return {
    times: sampleProfile(rng, knots, clampJoins(rng.poisson(areaOf(knots)))),
    codeFor: (r, ts) => {
      // Website, partner and member invites, made minutes to days before the announcement.
      for (const m of opened ? [] : made)
        pool[b.invite(r, ts - m.lead, r.pick(b.world.members).userId, 0, r.pick([0, 86_400, 604_800]))] =
          m.weight;
      opened = true;
      return r.weighted(pool);
    },
    youngShare: b.world.youngShare + rng.uniform(SURGE.extraYoungShare),
    greeting: usualGreeting(b),
    facts: { invites: made.length + standing.length, hours: durationMs / HOUR_MS },
  };
}

/** How each kind of surge is drawn. */
export const SURGE_PLANS: Readonly<
  Record<SurgeKind, (rng: Rng, b: TraceBuilder, window: EpisodeWindow) => SurgePlan>
> = { 'shout-out': shoutOut, trending, launch };

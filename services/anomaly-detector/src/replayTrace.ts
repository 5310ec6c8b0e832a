import {
  type Decision,
  decideLockdown,
  type GuildState,
  guardrailAllows,
  type LockdownPolicy,
  type Observation,
} from './decideLockdown.ts';
import { computeFeatures, FEATURE_SPEC } from './features.ts';
import { GuildWindows, type TraceEvent } from './feedWindows.ts';
import type { GuildWindow } from './guildWindow.ts';
import type { Scorer } from './scorer.ts';

export interface ReplayDecision extends Decision {
  readonly guildId: string;
}

/** A scorer built for another feature layout would read the vector wrongly. */
export class FeatureVersionError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the model was built for feature spec v${actual}, this detector computes v${expected}`);
    this.name = 'FeatureVersionError';
  }
}

/** What a detector says of each guild at a tick: a score in 0..1 and why. */
export type TickScorer = (
  windows: GuildWindows,
  guilds: readonly string[],
  now: number,
) => Promise<{ score: number; reasons: readonly string[] }[]>;

/** The model as a tick scorer: features of every guild, scored in one batch. */
export function modelTick(scorer: Scorer): TickScorer {
  if (scorer.featureVersion !== FEATURE_SPEC.version) {
    throw new FeatureVersionError(FEATURE_SPEC.version, scorer.featureVersion);
  }
  return async (windows, guilds, now) => {
    const features = guilds.map((g) => computeFeatures(windows.get(g), now));
    const scores = await scorer.score(features.map((f) => f.vector));
    return features.map((f, i) => ({ score: scores[i] ?? 0, reasons: f.reasons }));
  };
}

/** The hysteresis' view of a guild at `now`: the score and the join counts of its guardrail. */
export function observe(
  window: GuildWindow,
  now: number,
  scored: { score: number; reasons: readonly string[] },
): Observation {
  return {
    now,
    score: scored.score,
    joinsLastMinute: window.recentCount(now, 60_000),
    joinsLast10Minutes: window.recentCount(now, 600_000),
    reasons: scored.reasons,
  };
}

export interface ReplayOptions {
  readonly tickMs?: number;
  /**
   * Score every guild at every tick (detectors that learn from each tick need it). Otherwise
   * only guilds that are locked or pass the guardrail are scored: the decisions are the same,
   * since no score starts a lockdown the guardrail forbids.
   */
  readonly everyGuild?: boolean;
  /** Sees every score computed, e.g. to plot it. */
  readonly onScore?: (guildId: string, now: number, score: number) => void;
}

/**
 * Replays a trace once for several policies (e.g. a sweep of thresholds over one scorer
 * without state): applies it to per-guild windows on a simulated clock, scores guilds at
 * each tick, and lets each policy's hysteresis decide. Decisions come per policy, in order.
 */
export async function replaySweep(
  events: readonly TraceEvent[],
  tick: TickScorer,
  policies: readonly LockdownPolicy[],
  options: ReplayOptions = {},
): Promise<ReplayDecision[][]> {
  const tickMs = options.tickMs ?? 1_000;
  const windows = new GuildWindows();
  const states = policies.map(() => new Map<string, GuildState>());
  const decisions = policies.map((): ReplayDecision[] => []);
  const first = events[0]?.ts;
  const last = events.at(-1)?.ts;
  if (first === undefined || last === undefined) return decisions;
  const quietMs = Math.max(...policies.map((p) => p.quietMs));
  let guilds: string[] = [];
  let next = 0;
  for (let now = Math.ceil(first / tickMs) * tickMs; now <= last + quietMs + tickMs; now += tickMs) {
    while (next < events.length && (events[next]?.ts ?? Infinity) <= now) {
      const event = events[next++];
      if (event) windows.apply(event);
    }
    if (guilds.length !== windows.guilds().length) guilds = windows.guilds().sort();
    const counted = guilds.map((g) => observe(windows.get(g), now, { score: 0, reasons: [] }));
    const needed = options.everyGuild
      ? guilds
      : guilds.filter((g, i) =>
          policies.some((p, k) => {
            const seen = counted[i];
            return states[k]?.get(g)?.locked === true || (seen !== undefined && guardrailAllows(seen, p));
          }),
        );
    if (needed.length === 0) continue;
    const scored = await tick(windows, needed, now);
    needed.forEach((guildId, i) => {
      const result = scored[i];
      if (!result) return;
      options.onScore?.(guildId, now, result.score);
      const observed = observe(windows.get(guildId), now, result);
      policies.forEach((policy, k) => {
        const byGuild = states[k] as Map<string, GuildState>;
        const step = decideLockdown(byGuild.get(guildId) ?? { locked: false }, observed, policy);
        byGuild.set(guildId, step.state);
        if (step.decision) decisions[k]?.push({ guildId, ...step.decision });
      });
    });
  }
  return decisions;
}

/**
 * Applies a trace to per-guild windows on a simulated clock, scores every guild at each
 * tick, and lets the hysteresis decide. The same trace, scorer and policy always give the
 * same decisions.
 */
export async function replayDecisions(
  events: readonly TraceEvent[],
  tick: TickScorer,
  policy: LockdownPolicy,
  tickMs = 1_000,
): Promise<ReplayDecision[]> {
  const [decisions] = await replaySweep(events, tick, [policy], { tickMs, everyGuild: true });
  return decisions ?? [];
}

/** Runs the detector's own decision code (the model's scores, the hysteresis) over a trace. */
export async function replayTrace(
  events: readonly TraceEvent[],
  scorer: Scorer,
  policy: LockdownPolicy,
  tickMs = 1_000,
): Promise<ReplayDecision[]> {
  const [decisions] = await replaySweep(events, modelTick(scorer), [policy], { tickMs });
  return decisions ?? [];
}

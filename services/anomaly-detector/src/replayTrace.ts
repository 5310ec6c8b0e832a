import { type Decision, decideLockdown, type GuildState, type LockdownPolicy } from './decideLockdown.ts';
import { computeFeatures, FEATURE_SPEC } from './features.ts';
import { GuildWindows, type TraceEvent } from './feedWindows.ts';
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
  const windows = new GuildWindows();
  const states = new Map<string, GuildState>();
  const decisions: ReplayDecision[] = [];
  const first = events[0]?.ts;
  const last = events.at(-1)?.ts;
  if (first === undefined || last === undefined) return decisions;
  let next = 0;
  for (let now = Math.ceil(first / tickMs) * tickMs; now <= last + policy.quietMs + tickMs; now += tickMs) {
    while (next < events.length && (events[next]?.ts ?? Infinity) <= now) {
      const event = events[next++];
      if (event) windows.apply(event);
    }
    const guilds = windows.guilds().sort();
    const scored = await tick(windows, guilds, now);
    guilds.forEach((guildId, i) => {
      const result = scored[i];
      if (!result) return;
      const observed = {
        now,
        score: result.score,
        joinsLastMinute: windows.get(guildId).recent(now, 60_000).length,
        reasons: result.reasons,
      };
      const step = decideLockdown(states.get(guildId) ?? { locked: false }, observed, policy);
      states.set(guildId, step.state);
      if (step.decision) decisions.push({ guildId, ...step.decision });
    });
  }
  return decisions;
}

/** Runs the detector's own decision code (the model's scores, the hysteresis) over a trace. */
export async function replayTrace(
  events: readonly TraceEvent[],
  scorer: Scorer,
  policy: LockdownPolicy,
  tickMs = 1_000,
): Promise<ReplayDecision[]> {
  return replayDecisions(events, modelTick(scorer), policy, tickMs);
}

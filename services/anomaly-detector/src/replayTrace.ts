import {
  AT_REST,
  type Decision,
  type GuildResponse,
  type Observation,
  type ResponsePolicy,
  stepResponse,
} from './decideResponse.ts';
import { computeFeatures, FEATURE_SPEC, type GuildFeatures } from './features.ts';
import { GuildWindows, type TraceEvent } from './feedWindows.ts';
import type { GuildWindow } from './guildWindow.ts';
import { spamPosters } from './joinStats.ts';

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

export function checkFeatureVersion(featureVersion: number): void {
  if (featureVersion !== FEATURE_SPEC.version)
    throw new FeatureVersionError(FEATURE_SPEC.version, featureVersion);
}

/** A guild is scored while it has had a join this recently, or while a step is in force. */
export const ACTIVE_MS = 10 * 60_000;
/** A guild whose window has not changed is scored again after this long (its windows slide). */
export const RESCORE_MS = 30_000;

/** A guild's score at a tick, with what the response reads beside it. */
export interface GuildTick {
  readonly guildId: string;
  readonly now: number;
  readonly score: number;
  readonly features: GuildFeatures;
  readonly window: GuildWindow;
  /** The features were computed afresh at this tick (else they are the last ones). */
  readonly fresh: boolean;
}

export interface ObserveOptions {
  readonly tickMs?: number;
  /** Keep ticking a guild that is not active (a step is in force). */
  readonly keepTicking?: (guildId: string) => boolean;
}

/**
 * Runs a trace through the detector's windows on a simulated clock, one tick a second while a
 * guild is active, skipping the idle time between events, and hands each active guild's score
 * to `onTick`. Features are computed again when the guild's window changed, or every
 * RESCORE_MS. The same trace and scorer always give the same ticks.
 */
export function observeTrace(
  events: readonly TraceEvent[],
  score: (vector: readonly number[]) => number,
  onTick: (tick: GuildTick) => void,
  options: ObserveOptions = {},
): void {
  const tickMs = options.tickMs ?? 1_000;
  const windows = new GuildWindows();
  const last = new Map<string, { at: number; features: GuildFeatures; score: number }>();
  let next = 0;
  let now = Math.ceil((events[0]?.ts ?? 0) / tickMs) * tickMs;
  if (events.length === 0) return;
  while (true) {
    while (next < events.length && (events[next]?.ts ?? Infinity) <= now) {
      const event = events[next++];
      if (event) windows.apply(event);
    }
    let anyActive = false;
    for (const guildId of windows.guilds()) {
      const window = windows.get(guildId);
      const lastActive = window.lastActivityAt(now);
      const active =
        (lastActive !== undefined && now - lastActive < ACTIVE_MS) || options.keepTicking?.(guildId) === true;
      if (!active) {
        last.delete(guildId);
        continue;
      }
      anyActive = true;
      const previous = last.get(guildId);
      const fresh = !previous || window.changedAt > previous.at || now - previous.at >= RESCORE_MS;
      let current = previous;
      if (fresh || !current) {
        const features = computeFeatures(window, now);
        current = { at: now, features, score: score(features.vector) };
        last.set(guildId, current);
      }
      onTick({ guildId, now, score: current.score, features: current.features, window, fresh });
    }
    if (anyActive) {
      now += tickMs;
      if (next >= events.length && !hasActive(windows, now, options)) break;
      continue;
    }
    const upcoming = events[next];
    if (!upcoming) break;
    now = Math.max(now + tickMs, Math.ceil(upcoming.ts / tickMs) * tickMs);
  }
}

function hasActive(windows: GuildWindows, now: number, options: ObserveOptions): boolean {
  return windows.guilds().some((g) => {
    const last = windows.get(g).lastActivityAt(now);
    return (last !== undefined && now - last < ACTIVE_MS) || options.keepTicking?.(g) === true;
  });
}

/** The response's view of a guild at a tick: counts from the epoch on. */
export function observation(tick: GuildTick, epoch: number): Observation {
  return {
    now: tick.now,
    score: tick.score,
    joinsLastMinute: tick.window.recentCount(tick.now, 60_000, epoch),
    joinsLast10Minutes: tick.window.recentCount(tick.now, 600_000, epoch),
    joinsLastHour: tick.window.recentCount(tick.now, 3_600_000, epoch),
    spike: tick.features.spike,
    strong: tick.features.strong,
    reasons: tick.features.reasons,
    spamPosters: spamPosters(tick.window.recentPosts(tick.now, 10 * 60_000, epoch)),
    usualSpamPosters: tick.features.usualSpamPosters,
    lastActivityAt: tick.window.lastActivityAt(tick.now),
  };
}

/**
 * Replays a trace once for several policies (a sweep of thresholds over one scorer): each
 * policy keeps its own response per guild. Decisions come per policy, in time order.
 */
export function replaySweep(
  events: readonly TraceEvent[],
  score: (vector: readonly number[]) => number,
  policies: readonly ResponsePolicy[],
  options: { tickMs?: number; onTick?: (tick: GuildTick) => void } = {},
): ReplayDecision[][] {
  const states = policies.map(() => new Map<string, GuildResponse>());
  const decisions = policies.map((): ReplayDecision[] => []);
  observeTrace(
    events,
    score,
    (tick) => {
      options.onTick?.(tick);
      // Policies mostly share an epoch: count the joins once per epoch, not once per policy.
      const seen = new Map<number, Observation>();
      policies.forEach((policy, k) => {
        const byGuild = states[k] as Map<string, GuildResponse>;
        const state = byGuild.get(tick.guildId) ?? AT_REST;
        let observed = seen.get(state.epoch);
        if (!observed) {
          observed = observation(tick, state.epoch);
          seen.set(state.epoch, observed);
        }
        const step = stepResponse(state, observed, policy);
        byGuild.set(tick.guildId, step.state);
        for (const d of step.decisions) decisions[k]?.push({ guildId: tick.guildId, ...d });
      });
    },
    {
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
      keepTicking: (guildId) => states.some((s) => (s.get(guildId)?.level ?? 'none') !== 'none'),
    },
  );
  return decisions;
}

/** Runs the detector's own decision code (features, the model's score, the response) over a trace. */
export function replayTrace(
  events: readonly TraceEvent[],
  score: (vector: readonly number[]) => number,
  policy: ResponsePolicy,
  tickMs = 1_000,
): ReplayDecision[] {
  return replaySweep(events, score, [policy], { tickMs })[0] ?? [];
}

/** When to start and end a lockdown around the model's score. */
export interface LockdownPolicy {
  /** Start at or above this score… */
  readonly enterScore: number;
  /** …and end once the score has stayed below this one for `quietMs`. */
  readonly exitScore: number;
  readonly quietMs: number;
  /** Guardrail: never lock down on fewer joins than this in the last minute, whatever the score. */
  readonly minJoinsLastMinute: number;
}

export const DEFAULT_POLICY: LockdownPolicy = {
  enterScore: 0.8,
  exitScore: 0.3,
  quietMs: 120_000,
  minJoinsLastMinute: 5,
};

export type GuildState =
  | { readonly locked: false }
  | { readonly locked: true; readonly since: number; readonly calmSince: number | null };

export interface Decision {
  readonly ts: number;
  readonly decision: 'lockdown.start' | 'lockdown.end';
  readonly score: number;
  readonly reasons: string[];
}

export interface Observation {
  readonly now: number;
  readonly score: number;
  readonly joinsLastMinute: number;
  readonly reasons: readonly string[];
}

/**
 * One tick of the hysteresis around the score: start when it crosses `enterScore` (and the
 * guardrail allows), end when it has stayed under `exitScore` for `quietMs`.
 */
export function decideLockdown(
  state: GuildState,
  observed: Observation,
  policy: LockdownPolicy,
): { state: GuildState; decision?: Decision } {
  const { now, score } = observed;
  if (!state.locked) {
    if (score >= policy.enterScore && observed.joinsLastMinute >= policy.minJoinsLastMinute) {
      const reasons =
        observed.reasons.length > 0 ? [...observed.reasons] : [`raid score ${score.toFixed(2)}`];
      return {
        state: { locked: true, since: now, calmSince: null },
        decision: { ts: now, decision: 'lockdown.start', score, reasons },
      };
    }
    return { state };
  }
  if (score >= policy.exitScore) return { state: { ...state, calmSince: null } };
  const calmSince = state.calmSince ?? now;
  if (now - calmSince >= policy.quietMs) {
    const reasons = [`quiet for ${Math.round((now - calmSince) / 1000)} s`];
    return { state: { locked: false }, decision: { ts: now, decision: 'lockdown.end', score, reasons } };
  }
  return { state: { ...state, calmSince } };
}

/** When to start and end a lockdown around the model's score. */
export interface LockdownPolicy {
  /** Start at or above this score… */
  readonly enterScore: number;
  /** …and end once the score has stayed below this one for `quietMs`. */
  readonly exitScore: number;
  readonly quietMs: number;
  /**
   * Guardrail: never lock down on fewer joins than this in the last minute, whatever the
   * score, unless the last 10 minutes hold `minJoinsLast10Minutes` (a slow drip).
   */
  readonly minJoinsLastMinute: number;
  readonly minJoinsLast10Minutes: number;
}

export const DEFAULT_POLICY: LockdownPolicy = {
  enterScore: 0.8,
  exitScore: 0.3,
  quietMs: 120_000,
  minJoinsLastMinute: 5,
  minJoinsLast10Minutes: 8,
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
  /** Without it, only the one-minute guardrail can let a lockdown start. */
  readonly joinsLast10Minutes?: number;
  readonly reasons: readonly string[];
}

/** Whether the guardrail lets a lockdown start, whatever the score. */
export function guardrailAllows(
  observed: Omit<Observation, 'score' | 'reasons'>,
  policy: LockdownPolicy,
): boolean {
  return (
    observed.joinsLastMinute >= policy.minJoinsLastMinute ||
    (observed.joinsLast10Minutes ?? 0) >= policy.minJoinsLast10Minutes
  );
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
    if (score >= policy.enterScore && guardrailAllows(observed, policy)) {
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

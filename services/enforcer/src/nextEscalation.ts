/** How a guild escalates repeated violations: the paper's Table 1 by default. */
export interface EscalationPolicy {
  /** Violations answered with a warning before timeouts start (Table 1: 2). */
  readonly warningsBeforeTimeout: number;
  /** Only violations this recent count. */
  readonly windowMs: number;
  readonly timeoutMs: number;
}

export type Escalation =
  | { readonly action: 'warn'; readonly count: number; readonly warningsLeft: number }
  | { readonly action: 'timeout'; readonly count: number; readonly untilMs: number };

/** Builds the policy from a guild's configuration. */
export function escalationPolicy(config: {
  violationWindowHours: number;
  muteDurationMinute: number;
}): EscalationPolicy {
  return {
    warningsBeforeTimeout: 2,
    windowMs: config.violationWindowHours * 3_600_000,
    timeoutMs: config.muteDurationMinute * 60_000,
  };
}

/**
 * What to do about a member's newest violation, given when their earlier ones happened:
 * the n-th violation within the window is a warning while n is at most the warnings the
 * policy allows, and a timeout from then on.
 */
export function nextEscalation(
  earlierAtMs: readonly number[],
  policy: EscalationPolicy,
  nowMs: number,
): Escalation {
  const since = nowMs - policy.windowMs;
  const count = earlierAtMs.filter((at) => at > since && at <= nowMs).length + 1;
  if (count <= policy.warningsBeforeTimeout) {
    return { action: 'warn', count, warningsLeft: policy.warningsBeforeTimeout - count };
  }
  return { action: 'timeout', count, untilMs: nowMs + policy.timeoutMs };
}

/** How a guild escalates repeated violations: the paper's Table 1 by default. */
export interface EscalationPolicy {
  /** Violations answered with a warning before timeouts start (Table 1: 2). */
  readonly warningsBeforeTimeout: number;
  /** Only violations this recent count. */
  readonly windowMs: number;
  readonly timeoutMs: number;
  /** A member hears at most one warning per this window; later violations in it are folded in. */
  readonly noticeWindowMs: number;
}

/**
 * A member hears at most one warning in 5 s (the span of Discord's per-channel send limit): a
 * spam burst gets one, not one per message, and violations at a human pace each get theirs.
 */
export const NOTICE_WINDOW_MS = 5_000;

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
    noticeWindowMs: NOTICE_WINDOW_MS,
  };
}

/**
 * What to do about a member's newest violation, given when their earlier ones happened:
 * the n-th violation within the window is a warning while n is at most the warnings the
 * policy allows, and a timeout from then on. Cases recorded before this one count whenever
 * their messages were sent: a burst's verdicts are not always handled in the order it was
 * posted, and three violations must still end in a timeout (counting only those sent before
 * this one answered such a burst with three warnings).
 */
export function nextEscalation(
  earlierAtMs: readonly number[],
  policy: EscalationPolicy,
  nowMs: number,
): Escalation {
  const since = nowMs - policy.windowMs;
  const count = earlierAtMs.filter((at) => at > since).length + 1;
  if (count <= policy.warningsBeforeTimeout) {
    return { action: 'warn', count, warningsLeft: policy.warningsBeforeTimeout - count };
  }
  return { action: 'timeout', count, untilMs: nowMs + policy.timeoutMs };
}

/** An earlier case of the member, as far as telling them again depends on it. */
export interface PastNotice {
  readonly atMs: number;
  readonly action: string;
  /** Whether the member was told (warned or timed out) or the case was folded into another. */
  readonly told: boolean;
  readonly untilMs: number | null;
}

/**
 * Whether the member is told about this escalation or it is folded into what they already
 * heard: a timeout is folded while an earlier one still runs, and a warning too, or when they
 * were told within the notice window either side of this violation (a wave's verdicts are
 * not always handled in order). The case and the deletion stand either way.
 */
export function noticeFor(
  escalation: Escalation,
  past: readonly PastNotice[],
  policy: EscalationPolicy,
  nowMs: number,
): 'tell' | 'folded' {
  const told = past.filter((p) => p.told);
  const timedOut = told.some((p) => p.action === 'timeout' && p.untilMs !== null && p.untilMs > nowMs);
  if (timedOut) return 'folded';
  if (escalation.action === 'timeout') return 'tell';
  return told.some((p) => Math.abs(p.atMs - nowMs) < policy.noticeWindowMs) ? 'folded' : 'tell';
}

/**
 * The graduated response around the calibrated raid score. Two levels above "none":
 * - `gate`, the gentle step: newcomers must verify; existing members and invites untouched.
 *   Taken on a high score alone.
 * - `lockdown`, the strong step (paused invites, denied Send Messages, quarantine): taken
 *   only on a very high score *and* strong evidence (newcomers posting spam, one clear batch of
 *   accounts), because pausing invites is exactly what kills a shout-out; newcomers posting
 *   spam since the last answer are enough on their own.
 */
import { spamOutbreak } from './features.ts';

export type Level = 'none' | 'gate' | 'lockdown';

export interface ResponsePolicy {
  /** The gentle step at or above this score… */
  readonly gateScore: number;
  /** …the strong one at or above this score with strong evidence. */
  readonly lockdownScore: number;
  /**
   * The gentle step also comes, whatever the score, when the last 10 minutes bring at least
   * this many times the guild's usual join rate (and SPIKE_MIN_JOINS joins): an ambiguous spike
   * gets the gate first. 0 turns it off.
   */
  readonly gateSpike: number;
  /** A level ends once the guild has been calm (score under this, or no join for a minute)… */
  readonly exitScore: number;
  /** …for this long (gate)… */
  readonly gateQuietMs: number;
  /** …or this long (lockdown). */
  readonly lockdownQuietMs: number;
  /** Never any step on fewer joins than this in the last minute… */
  readonly minJoinsLastMinute: number;
  /** …unless the last 10 minutes hold this many… */
  readonly minJoinsLast10Minutes: number;
  /** …or the last hour this many (a slow drip). */
  readonly minJoinsLastHour: number;
}

export const DEFAULT_POLICY: ResponsePolicy = {
  gateScore: 0.7,
  lockdownScore: 0.9,
  gateSpike: 0,
  exitScore: 0.3,
  gateQuietMs: 5 * 60_000,
  lockdownQuietMs: 2 * 60_000,
  minJoinsLastMinute: 5,
  minJoinsLast10Minutes: 8,
  // 4, not 6: a drip of one account every quarter hour into a quiet guild brings four an hour,
  // and on fresh generator B traces the lower bar caught more drips with no more organic gates.
  minJoinsLastHour: 4,
};

/** A spike gates on its own only with at least this many joins in 10 minutes. */
export const SPIKE_MIN_JOINS = 20;

/** No join and no newcomer's post for this long counts as calm, whatever the score (the 10-minute window lags). */
export const NO_JOIN_CALM_MS = 60_000;

export interface GuildResponse {
  readonly level: Level;
  /** When the current level began. */
  readonly since: number;
  /** When the guild went calm at this level, if it is calm. */
  readonly calmSince: number | null;
  /**
   * The end of the last step (by the detector or an admin): joins before it are history, so a
   * lifted lockdown is not started again by the wave it answered, only by a new one.
   */
  readonly epoch: number;
}

export const AT_REST: GuildResponse = { level: 'none', since: 0, calmSince: null, epoch: 0 };

export interface Observation {
  readonly now: number;
  readonly score: number;
  /** Joins counted from the epoch on. */
  readonly joinsLastMinute: number;
  readonly joinsLast10Minutes: number;
  readonly joinsLastHour: number;
  /** The last 10 minutes' join rate as a multiple of the guild's baseline. */
  readonly spike: number;
  /** Strong evidence, in words; empty when there is none. */
  readonly strong: readonly string[];
  readonly reasons: readonly string[];
  /** Newcomers who posted links, invites or mass pings in the last 10 minutes, counted from the epoch. */
  readonly spamPosters: number;
  /** How many newcomers usually post those in 10 minutes in this guild (`usualSpamPosters` in features.ts). */
  readonly usualSpamPosters: number;
  /** The newest join or newcomer's post at or before now, if any. */
  readonly lastActivityAt: number | undefined;
}

export type DecisionKind = 'gate.start' | 'gate.end' | 'lockdown.start' | 'lockdown.end';

export interface Decision {
  readonly ts: number;
  readonly decision: DecisionKind;
  readonly score: number;
  readonly reasons: string[];
}

export function guardrailAllows(
  observed: Pick<Observation, 'joinsLastMinute' | 'joinsLast10Minutes' | 'joinsLastHour'>,
  policy: ResponsePolicy,
): boolean {
  return (
    observed.joinsLastMinute >= policy.minJoinsLastMinute ||
    observed.joinsLast10Minutes >= policy.minJoinsLast10Minutes ||
    observed.joinsLastHour >= policy.minJoinsLastHour
  );
}

const why = (o: Observation) =>
  o.reasons.length > 0 ? [...o.reasons] : [`raid score ${o.score.toFixed(2)}`];

/**
 * One tick of the graduated response: at most one decision (or two, when a gate becomes a
 * lockdown: the lockdown supersedes it, so the gate ends in the same tick). Plain data; the
 * same state, observation and policy always give the same answer.
 */
export function stepResponse(
  state: GuildResponse,
  o: Observation,
  policy: ResponsePolicy,
): { state: GuildResponse; decisions: Decision[] } {
  const { now, score } = o;
  const strong = o.strong.length > 0;
  // Newcomers posting spam since the epoch (`spamOutbreak`: at least 3, a fifth of those who
  // could have posted, far more than the guild's newcomers usually post) are a raid whatever the score: they
  // open the guardrail, since a drip's sleepers post together hours after they joined, when
  // nobody is joining, and they are enough for the lockdown.
  const spamming = spamOutbreak(
    o.spamPosters,
    { last10m: o.joinsLast10Minutes, lastHour: o.joinsLastHour },
    o.usualSpamPosters,
  );
  const open = guardrailAllows(o, policy) || spamming;
  const wantsLockdown = open && ((strong && score >= policy.lockdownScore) || spamming);
  if (state.level !== 'lockdown' && wantsLockdown) {
    const decisions: Decision[] = [];
    if (state.level === 'gate')
      decisions.push({ ts: now, decision: 'gate.end', score, reasons: ['a lockdown supersedes the gate'] });
    // The strong evidence leads; a reason that is both strong and ordinary is said once.
    const reasons = [...new Set([...o.strong, ...why(o)])];
    decisions.push({ ts: now, decision: 'lockdown.start', score, reasons });
    return { state: { ...state, level: 'lockdown', since: now, calmSince: null }, decisions };
  }
  if (state.level === 'none') {
    const spiking =
      policy.gateSpike > 0 && o.spike >= policy.gateSpike && o.joinsLast10Minutes >= SPIKE_MIN_JOINS;
    if (open && (score >= policy.gateScore || spiking)) {
      const reasons =
        score >= policy.gateScore
          ? why(o)
          : [`${Math.round(o.spike)}x the usual join rate for 10 minutes`, ...why(o)];
      return {
        state: { ...state, level: 'gate', since: now, calmSince: null },
        decisions: [{ ts: now, decision: 'gate.start', score, reasons }],
      };
    }
    return { state, decisions: [] };
  }
  const quiet = o.lastActivityAt === undefined || now - o.lastActivityAt >= NO_JOIN_CALM_MS;
  if (score >= policy.exitScore && !quiet) return { state: { ...state, calmSince: null }, decisions: [] };
  const calmSince = state.calmSince ?? now;
  const quietMs = state.level === 'lockdown' ? policy.lockdownQuietMs : policy.gateQuietMs;
  if (now - calmSince < quietMs) return { state: { ...state, calmSince }, decisions: [] };
  const decision: DecisionKind = state.level === 'lockdown' ? 'lockdown.end' : 'gate.end';
  return {
    state: { level: 'none', since: now, calmSince: null, epoch: now },
    decisions: [
      { ts: now, decision, score, reasons: [`calm for ${Math.round((now - calmSince) / 1000)} s`] },
    ],
  };
}

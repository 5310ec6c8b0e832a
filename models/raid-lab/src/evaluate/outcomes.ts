import type { TraceLabel } from '@chat-guard/join-trace';

/** A decision as replay writes it (JOIN_TRACE.md). */
export interface DecisionLine {
  readonly ts: number;
  readonly guildId: string;
  readonly decision: string;
}

/** After an episode ends, a step still belongs to it for this long; later ones are outside. */
export const EPISODE_TAIL_MS = 60 * 60_000;
/** A step this soon after a raid's last join still counts as catching it. */
export const CATCH_GRACE_MS = 60_000;

export interface RaidOutcome {
  readonly family: string;
  readonly caught: boolean;
  /** Time from the raid's first join to the first protective step, when caught. */
  readonly firstStepMs: number | null;
  /** A full lockdown came during the raid. */
  readonly locked: boolean;
}

export interface SurgeOutcome {
  readonly family: string;
  readonly gated: boolean;
  readonly locked: boolean;
}

/** What one trace's decisions did, against its labels. */
export interface TraceOutcome {
  readonly raids: RaidOutcome[];
  readonly surges: SurgeOutcome[];
  /** Steps started outside any episode (and its tail). */
  readonly outsideGates: number;
  readonly outsideLockdowns: number;
  readonly guildDays: number;
}

const isStart = (d: DecisionLine) => d.decision === 'gate.start' || d.decision === 'lockdown.start';

/**
 * Grades one trace's decisions against its labels. A raid is caught by its first protective
 * step of either kind within the raid (or CATCH_GRACE_MS after), or by a step already in force
 * when it began. A surge counts as gated or locked by a step started within it.
 */
export function gradeTrace(
  decisions: readonly DecisionLine[],
  labels: readonly TraceLabel[],
  hours: number,
): TraceOutcome {
  const byGuild = (guildId: string) => decisions.filter((d) => d.guildId === guildId);
  const raids = labels
    .filter((l) => l.type === 'raid')
    .map((raid): RaidOutcome => {
      const mine = byGuild(raid.guildId);
      const inForce = levelAt(mine, raid.start) !== 'none';
      const first = mine.find((d) => isStart(d) && d.ts >= raid.start && d.ts <= raid.end + CATCH_GRACE_MS);
      const locked =
        levelAt(mine, raid.start) === 'lockdown' ||
        mine.some(
          (d) => d.decision === 'lockdown.start' && d.ts >= raid.start && d.ts <= raid.end + CATCH_GRACE_MS,
        );
      return {
        family: raid.family,
        caught: inForce || first !== undefined,
        firstStepMs: inForce ? 0 : first ? first.ts - raid.start : null,
        locked,
      };
    });
  const surges = labels
    .filter((l) => l.type === 'surge')
    .map((surge): SurgeOutcome => {
      const within = byGuild(surge.guildId).filter((d) => d.ts >= surge.start && d.ts <= surge.end);
      return {
        family: surge.family,
        gated: within.some((d) => d.decision === 'gate.start'),
        locked: within.some((d) => d.decision === 'lockdown.start'),
      };
    });
  const outside = decisions.filter(
    (d) =>
      isStart(d) &&
      !labels.some((l) => l.guildId === d.guildId && d.ts >= l.start && d.ts <= l.end + EPISODE_TAIL_MS),
  );
  return {
    raids,
    surges,
    outsideGates: outside.filter((d) => d.decision === 'gate.start').length,
    outsideLockdowns: outside.filter((d) => d.decision === 'lockdown.start').length,
    guildDays: hours / 24,
  };
}

/** The level in force just before `ts`, from a guild's decisions in time order. */
export function levelAt(decisions: readonly DecisionLine[], ts: number): 'none' | 'gate' | 'lockdown' {
  let gate = false;
  let lockdown = false;
  for (const d of decisions) {
    if (d.ts >= ts) break;
    if (d.decision === 'gate.start') gate = true;
    else if (d.decision === 'gate.end') gate = false;
    else if (d.decision === 'lockdown.start') lockdown = true;
    else if (d.decision === 'lockdown.end') lockdown = false;
  }
  return lockdown ? 'lockdown' : gate ? 'gate' : 'none';
}

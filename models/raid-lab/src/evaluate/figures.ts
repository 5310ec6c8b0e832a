import { RAID_FAMILIES, SURGE_KINDS } from '../generators/scenario.ts';
import type { TraceOutcome } from './outcomes.ts';

/** One detector's figures on one set. */
export interface Figures {
  readonly raids: number;
  readonly recall: number;
  /** Per raid family: recall, how many, median and p95 seconds to the first step, share locked. */
  readonly families: Record<
    string,
    { n: number; recall: number; medianS: number | null; p95S: number | null; lockedShare: number }
  >;
  readonly surges: number;
  /** Per surge kind: how many, how many got a lockdown, how many the gate alone. */
  readonly surgeKinds: Record<string, { n: number; locked: number; gateOnly: number }>;
  readonly surgesLocked: number;
  readonly surgesGateOnly: number;
  readonly guildDays: number;
  /** Steps outside any episode, per 1,000 guild-days. */
  readonly gatesPer1000: number;
  readonly lockdownsPer1000: number;
}

export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (at - lo);
}

/** Adds up trace outcomes into the figures the report prints. */
export function tally(outcomes: readonly TraceOutcome[]): Figures {
  const raids = outcomes.flatMap((o) => o.raids);
  const surges = outcomes.flatMap((o) => o.surges);
  const guildDays = outcomes.reduce((n, o) => n + o.guildDays, 0);
  const families: Figures['families'] = {};
  const known = [...RAID_FAMILIES, ...new Set(raids.map((r) => r.family))];
  for (const family of new Set(known)) {
    const mine = raids.filter((r) => r.family === family);
    if (mine.length === 0) continue;
    const times = mine.filter((r) => r.firstStepMs !== null).map((r) => (r.firstStepMs ?? 0) / 1000);
    families[family] = {
      n: mine.length,
      recall: mine.filter((r) => r.caught).length / mine.length,
      medianS: quantile(times, 0.5),
      p95S: quantile(times, 0.95),
      lockedShare: mine.filter((r) => r.locked).length / mine.length,
    };
  }
  const surgeKinds: Figures['surgeKinds'] = {};
  for (const kind of new Set([...SURGE_KINDS, ...surges.map((s) => s.family)])) {
    const mine = surges.filter((s) => s.family === kind);
    if (mine.length === 0) continue;
    surgeKinds[kind] = {
      n: mine.length,
      locked: mine.filter((s) => s.locked).length,
      gateOnly: mine.filter((s) => s.gated && !s.locked).length,
    };
  }
  const per1000 = (n: number) => (guildDays === 0 ? 0 : (n / guildDays) * 1000);
  return {
    raids: raids.length,
    recall: raids.length === 0 ? 0 : raids.filter((r) => r.caught).length / raids.length,
    families,
    surges: surges.length,
    surgeKinds,
    surgesLocked: surges.filter((s) => s.locked).length,
    surgesGateOnly: surges.filter((s) => s.gated && !s.locked).length,
    guildDays,
    gatesPer1000: per1000(outcomes.reduce((n, o) => n + o.outsideGates, 0)),
    lockdownsPer1000: per1000(outcomes.reduce((n, o) => n + o.outsideLockdowns, 0)),
  };
}

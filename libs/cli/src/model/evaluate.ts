import {
  type LockdownPolicy,
  type ReplayDecision,
  replaySweep,
  type TickScorer,
} from '@chat-guard/anomaly-detector';
import type { TraceLabel } from '@chat-guard/sandbox';
import { quantile } from '../bench/stats.ts';
import type { LabelledTrace } from './syntheticTraces.ts';

/** A detector under evaluation, with the thresholds to replay it at (one replay serves them all). */
export interface Contender {
  readonly name: string;
  /** A fresh tick scorer (baselines keep per-guild state). */
  readonly tick: () => TickScorer;
  readonly thresholds: readonly number[];
  readonly policyAt: (threshold: number) => LockdownPolicy;
  /** Score every guild at every tick: baselines learn from each one. */
  readonly everyGuild: boolean;
}

/** What happened to each raid and surge, and the lockdowns outside them, at one threshold. */
export interface Tally {
  readonly raids: { family: string; caughtAfterMs: number | null; admitted: number }[];
  surges: number;
  surgesLocked: number;
  falseLockdowns: number;
  guildDays: number;
}

/** A raid or surge with the model's score around it, for the plots. */
export interface EpisodeTrace {
  readonly trace: string;
  readonly label: TraceLabel;
  readonly scores: [number, number][];
  lockdownAt: number | null;
}

/** A lockdown that starts this long after a labelled window's last join still counts for it. */
export const GRACE_MS = 60_000;
/** The plots show this much before and after each episode. */
const PLOT_MARGIN_MS = 5 * 60_000;

const inside = (d: ReplayDecision, l: TraceLabel) =>
  d.guildId === l.guildId && d.ts >= l.start && d.ts <= l.end + GRACE_MS;

function joinsBetween(trace: LabelledTrace, guildId: string, from: number, until: number): number {
  let n = 0;
  for (const e of trace.events)
    if (e.type === 'member.joined' && e.guildId === guildId && e.ts >= from && e.ts <= until) n++;
  return n;
}

function tallyTrace(tally: Tally, trace: LabelledTrace, decisions: readonly ReplayDecision[]): void {
  const starts = decisions.filter((d) => d.decision === 'lockdown.start');
  tally.guildDays += trace.guildDays;
  for (const raid of trace.labels.filter((l) => l.type === 'raid')) {
    const hit = starts.find((d) => inside(d, raid));
    tally.raids.push({
      family: raid.family,
      caughtAfterMs: hit ? hit.ts - raid.start : null,
      admitted: joinsBetween(trace, raid.guildId, raid.start, hit?.ts ?? raid.end),
    });
  }
  for (const surge of trace.labels.filter((l) => l.type === 'surge')) {
    tally.surges++;
    if (starts.some((d) => inside(d, surge))) tally.surgesLocked++;
  }
  tally.falseLockdowns += starts.filter((d) => !trace.labels.some((l) => inside(d, l))).length;
}

/**
 * Replays every trace (read one at a time) through every contender at all its thresholds and
 * tallies the outcomes; `plot` names the contender and threshold whose scores are kept
 * around each episode.
 */
export async function tallyTraces(
  traces: Iterable<LabelledTrace>,
  contenders: readonly Contender[],
  progress: (line: string) => void,
  plot?: { contender: number; threshold: number },
): Promise<{ tallies: Tally[][]; episodes: EpisodeTrace[] }> {
  const tallies = contenders.map((c) =>
    c.thresholds.map(
      (): Tally => ({ raids: [], surges: 0, surgesLocked: 0, falseLockdowns: 0, guildDays: 0 }),
    ),
  );
  const episodes: EpisodeTrace[] = [];
  let guildDays = 0;
  for (const trace of traces) {
    guildDays += trace.guildDays;
    const mine: EpisodeTrace[] = trace.labels.map((label) => ({
      trace: trace.name,
      label,
      scores: [],
      lockdownAt: null,
    }));
    for (const [c, contender] of contenders.entries()) {
      const plotted = plot?.contender === c ? mine : [];
      const onScore = (guildId: string, now: number, score: number) => {
        for (const e of plotted) {
          const { label } = e;
          if (label.guildId !== guildId) continue;
          if (now >= label.start - PLOT_MARGIN_MS && now <= label.end + PLOT_MARGIN_MS)
            e.scores.push([now, score]);
        }
      };
      const decisions = await replaySweep(
        trace.events,
        contender.tick(),
        contender.thresholds.map(contender.policyAt),
        {
          everyGuild: contender.everyGuild,
          onScore,
        },
      );
      decisions.forEach((d, k) => {
        const tally = tallies[c]?.[k];
        if (tally) tallyTrace(tally, trace, d);
      });
      const atPlotted = decisions[plot?.threshold ?? -1] ?? [];
      for (const e of plotted)
        e.lockdownAt =
          atPlotted.find((d) => d.decision === 'lockdown.start' && inside(d, e.label))?.ts ?? null;
    }
    episodes.push(...(plot ? mine : []));
    progress(`${trace.name}: ${trace.events.length} events (${guildDays.toFixed(1)} guild-days so far)`);
  }
  return { tallies, episodes };
}

export interface FamilyFigures {
  readonly family: string;
  readonly raids: number;
  readonly recall: number;
  readonly medianToLockdownMs: number;
  readonly p95ToLockdownMs: number;
  /** Joins let in between the raid's start and the lockdown (the whole raid when missed). */
  readonly admittedMedian: number;
}

export interface DetectorFigures {
  readonly detector: string;
  readonly threshold: number;
  readonly families: FamilyFigures[];
  readonly overall: FamilyFigures;
  readonly falseLockdowns: number;
  readonly guildDays: number;
  readonly falseLockdownsPer1000GuildDays: number;
  readonly surgesLockedShare: number;
}

function familyFigures(family: string, raids: Tally['raids']): FamilyFigures {
  const caught = raids.flatMap((r) => (r.caughtAfterMs === null ? [] : [r.caughtAfterMs]));
  return {
    family,
    raids: raids.length,
    recall: raids.length === 0 ? 0 : caught.length / raids.length,
    medianToLockdownMs: quantile(caught, 0.5),
    p95ToLockdownMs: quantile(caught, 0.95),
    admittedMedian: quantile(
      raids.map((r) => r.admitted),
      0.5,
    ),
  };
}

/** A tally as the figures the issue asks for, per raid family and overall. */
export function figuresOf(detector: string, threshold: number, tally: Tally): DetectorFigures {
  const families = [...new Set(tally.raids.map((r) => r.family))].sort();
  return {
    detector,
    threshold,
    families: families.map((f) =>
      familyFigures(
        f,
        tally.raids.filter((r) => r.family === f),
      ),
    ),
    overall: familyFigures('all raids', tally.raids),
    falseLockdowns: tally.falseLockdowns,
    guildDays: tally.guildDays,
    falseLockdownsPer1000GuildDays:
      tally.guildDays === 0 ? 0 : (tally.falseLockdowns / tally.guildDays) * 1000,
    surgesLockedShare: tally.surges === 0 ? 0 : tally.surgesLocked / tally.surges,
  };
}

/** The false-lockdown budget: at most this many per 1,000 guild-days of organic traffic. */
export const FALSE_LOCKDOWN_BUDGET = 1;

/**
 * The operating point: within the false-lockdown budget, the threshold with the most raids
 * caught net of surges locked down (both shares), then the fastest, then the strictest; the
 * strictest of all when none fits the budget.
 */
export function chooseThreshold(figures: readonly DetectorFigures[]): number {
  const within = figures.filter((f) => f.falseLockdownsPer1000GuildDays <= FALSE_LOCKDOWN_BUDGET);
  if (within.length === 0) return figures.length - 1;
  const merit = (f: DetectorFigures) => f.overall.recall - f.surgesLockedShare;
  const time = (f: DetectorFigures) =>
    Number.isNaN(f.overall.medianToLockdownMs) ? Infinity : f.overall.medianToLockdownMs;
  const [best] = [...within].sort(
    (a, b) => merit(b) - merit(a) || time(a) - time(b) || b.threshold - a.threshold,
  );
  return best ? figures.indexOf(best) : figures.length - 1;
}

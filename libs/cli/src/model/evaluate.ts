import {
  type LockdownPolicy,
  type ReplayDecision,
  replayDecisions,
  type TickScorer,
} from '@chat-guard/anomaly-detector';
import { quantile } from '../bench/stats.ts';
import type { LabelledTrace } from './syntheticTraces.ts';

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
  readonly families: FamilyFigures[];
  readonly overall: FamilyFigures;
  readonly falseLockdownsPer1000GuildDays: number;
  readonly surgesLockedShare: number;
}

const GRACE_MS = 60_000;

function figures(
  family: string,
  outcomes: { caughtAfterMs: number | null; admitted: number }[],
): FamilyFigures {
  const caught = outcomes.filter((o) => o.caughtAfterMs !== null).map((o) => o.caughtAfterMs as number);
  return {
    family,
    raids: outcomes.length,
    recall: outcomes.length === 0 ? 0 : caught.length / outcomes.length,
    medianToLockdownMs: quantile(caught, 0.5),
    p95ToLockdownMs: quantile(caught, 0.95),
    admittedMedian: quantile(
      outcomes.map((o) => o.admitted),
      0.5,
    ),
  };
}

/** Runs one detector over labelled traces and measures it the way the issue asks. */
export async function evaluateDetector(
  detector: string,
  traces: readonly LabelledTrace[],
  tick: () => TickScorer,
  policy: LockdownPolicy,
): Promise<DetectorFigures> {
  const byFamily = new Map<string, { caughtAfterMs: number | null; admitted: number }[]>();
  let falseLockdowns = 0;
  let organicGuildDays = 0;
  let surges = 0;
  let surgesLocked = 0;
  for (const trace of traces) {
    const starts = (await replayDecisions(trace.events, tick(), policy)).filter(
      (d) => d.decision === 'lockdown.start',
    );
    const raids = trace.labels.filter((l) => l.type === 'raid');
    if (raids.length === 0) organicGuildDays += trace.guildDays;
    const inside = (d: ReplayDecision, l: { guildId: string; start: number; end: number }) =>
      d.guildId === l.guildId && d.ts >= l.start && d.ts <= l.end + GRACE_MS;
    for (const raid of raids) {
      const hit = starts.find((d) => inside(d, raid));
      const until = hit?.ts ?? raid.end;
      const admitted = trace.events.filter(
        (e) =>
          e.type === 'member.joined' && e.guildId === raid.guildId && e.ts >= raid.start && e.ts <= until,
      ).length;
      const list = byFamily.get(raid.family) ?? [];
      list.push({ caughtAfterMs: hit ? hit.ts - raid.start : null, admitted });
      byFamily.set(raid.family, list);
    }
    for (const surge of trace.labels.filter((l) => l.type === 'surge')) {
      surges++;
      if (starts.some((d) => inside(d, surge))) surgesLocked++;
    }
    if (raids.length === 0)
      falseLockdowns += starts.filter((d) => !trace.labels.some((l) => inside(d, l))).length;
    else falseLockdowns += starts.filter((d) => !raids.some((r) => inside(d, r))).length;
  }
  const families = [...byFamily.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([f, o]) => figures(f, o));
  return {
    detector,
    families,
    overall: figures('all raids', [...byFamily.values()].flat()),
    falseLockdownsPer1000GuildDays: organicGuildDays === 0 ? 0 : (falseLockdowns / organicGuildDays) * 1000,
    surgesLockedShare: surges === 0 ? 0 : surgesLocked / surges,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const secs = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);

/** The comparison as a Markdown table, one row per detector and family. */
export function formatTable(results: readonly DetectorFigures[]): string {
  const rows = [
    '| detector | raids | recall | median to lockdown | p95 | joins admitted (median) | false lockdowns / 1,000 guild-days | surges locked |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const f of [...r.families, r.overall]) {
      const tail =
        f === r.overall
          ? `${r.falseLockdownsPer1000GuildDays.toFixed(0)} | ${pct(r.surgesLockedShare)}`
          : ' | ';
      rows.push(
        `| ${r.detector}${f === r.overall ? '' : ` · ${f.family}`} | ${f.raids} | ${pct(f.recall)} | ${secs(f.medianToLockdownMs)} | ${secs(f.p95ToLockdownMs)} | ${Number.isNaN(f.admittedMedian) ? '–' : f.admittedMedian} | ${tail} |`,
      );
    }
  }
  return rows.join('\n');
}

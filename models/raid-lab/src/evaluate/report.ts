import { FEATURE_SPEC, type RaidScorer } from '@chat-guard/anomaly-detector';
import { joinsInSeconds } from '../baselines.ts';
import {
  type GeneratorName,
  protocolSets,
  REPORT_GENERATORS,
  setSize,
  setTraces,
  type TraceSet,
} from '../protocol.ts';
import { traceSamples } from '../samples.ts';
import { featureAucs, flips } from './featureAuc.ts';
import type { Figures } from './figures.ts';
import { bar, evaluateDetector, evaluateSet, type Progress } from './runSet.ts';

/** What `model eval` reports: the model and the baseline on fresh seeds of every generator. */
export interface EvalReport {
  readonly sets: Record<GeneratorName, { seeds: string; organicDays: number }>;
  readonly model: Record<GeneratorName, Figures>;
  readonly baseline: Record<GeneratorName, Figures>;
  /**
   * Each feature's raid-against-surge AUC on each generator's report set, and whether it flips
   * between A and B (the generators the model is trained and tuned on).
   */
  readonly featureAuc: {
    name: string;
    A: number | null;
    B: number | null;
    C: number | null;
    flips: boolean;
  }[];
}

function aucOn(set: TraceSet, progress: Progress): Record<string, number | null> {
  const samples = [];
  let done = 0;
  const total = setSize(set);
  for (const trace of setTraces(set)) {
    samples.push(...traceSamples(trace, 0, done + 1));
    done++;
    if (done % 25 === 0 || done === total)
      progress(`${bar(done, total)} feature AUCs on ${set.name}: ${done}/${total}`);
  }
  return featureAucs(samples, FEATURE_SPEC.names);
}

/**
 * The protocol's report: fresh seeds of generators A, B and C, which nothing was chosen on, replayed through the model at the thresholds chosen on B's tuning seeds, beside
 * the 10-joins-in-10-seconds rule.
 */
export function evaluateModel(
  scorer: RaidScorer,
  policy: Parameters<typeof evaluateSet>[2][number],
  scale: number,
  progress: Progress,
): EvalReport {
  const sets = protocolSets(scale);
  const score = (v: readonly number[]) => scorer.scoreOne(v);
  const out = { model: {}, baseline: {}, sets: {} } as {
    model: Record<GeneratorName, Figures>;
    baseline: Record<GeneratorName, Figures>;
    sets: EvalReport['sets'];
  };
  const aucs = {} as Record<GeneratorName, Record<string, number | null>>;
  for (const generator of REPORT_GENERATORS) {
    const set = sets[`report${generator}`];
    progress(`replaying ${set.name} (generator ${generator}, ${setSize(set)} traces)`);
    out.model[generator] = evaluateSet(set, score, [policy], progress)[0] as Figures;
    out.baseline[generator] = evaluateDetector(setTraces(set), (events) => joinsInSeconds(events));
    out.sets[generator] = { seeds: `${set.seeds[0]}–${set.seeds.at(-1)}`, organicDays: set.organicDays };
    aucs[generator] = aucOn(set, progress);
  }
  const featureAuc = FEATURE_SPEC.names.map((name) => {
    const A = aucs.A[name] ?? null;
    const B = aucs.B[name] ?? null;
    return { name, A, B, C: aucs.C[name] ?? null, flips: flips(A, B) };
  });
  return { ...out, featureAuc };
}

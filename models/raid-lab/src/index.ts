export { joinsInSeconds } from './baselines.ts';
export { benchTick, type TickBench } from './bench.ts';
export { fitPlatt } from './calibrate.ts';
export { auc, featureAucs, flips } from './evaluate/featureAuc.ts';
export { type Figures, quantile, tally } from './evaluate/figures.ts';
export { crossGeneratorTable, featureAucTable, markdownTable } from './evaluate/formatTables.ts';
export { type DecisionLine, gradeTrace, levelAt, type TraceOutcome } from './evaluate/outcomes.ts';
export { writePlots } from './evaluate/plots.ts';
export { type EvalReport, evaluateModel } from './evaluate/report.ts';
export { bar, evaluateDetector, evaluatePolicies, evaluateSet } from './evaluate/runSet.ts';
export { choosePolicy, policyGrid, shortfall, TARGETS } from './evaluate/thresholds.ts';
export { DEFAULT_FIT, type FitOptions, fitRaidModel, sampleWeights } from './fit.ts';
export { generateA } from './generators/a/index.ts';
export { generateB } from './generators/b/index.ts';
export { generateC } from './generators/c/index.ts';
export {
  EPISODES,
  type Episode,
  type GuildScenario,
  type GuildTrace,
  RAID_FAMILIES,
  type RaidFamily,
  SURGE_KINDS,
  type SurgeKind,
  type TraceGenerator,
} from './generators/scenario.ts';
export {
  GENERATORS,
  type LabelledTrace,
  protocolSets,
  REPORT_GENERATORS,
  type SetName,
  setSize,
  setTraces,
  type TraceSet,
} from './protocol.ts';
export { type Sample, traceSamples } from './samples.ts';
export { readTraceDir } from './traceDirs.ts';
export { setSamples, trainRaidModel, tunedOnRecord, tuneModel } from './train.ts';

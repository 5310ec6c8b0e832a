import {
  buildRaidModel,
  DEFAULT_POLICY,
  FEATURE_SPEC,
  fileSaver,
  initTensorflow,
  type ModelMetadata,
  predict,
  type Sample,
  type Scorer,
  trainingSamples,
} from '@chat-guard/anomaly-detector';
import * as tf from '@tensorflow/tfjs';
import { baselineContenders, MODEL_THRESHOLDS, modelContender } from './contenders.ts';
import { chooseThreshold, FALSE_LOCKDOWN_BUDGET, figuresOf, tallyTraces } from './evaluate.ts';
import { describeTraces, type LabelledTrace } from './syntheticTraces.ts';

/** Surges are the negatives a model most easily gets wrong: they weigh this many times an organic tick. */
const SURGE_WEIGHT = 4;

/** How the network is fitted: what keeps its scores calibrated rather than stuck at 0 or 1. */
export interface FitOptions {
  readonly epochs: number;
  /** L2 weight penalty on every kernel (0: none). */
  readonly l2: number;
  /** Labels become ε/2 and 1 − ε/2, so no score is pushed all the way to 0 or 1. */
  readonly labelSmoothing: number;
  /**
   * Organic ticks where the guardrail opens (the only ones that can become false lockdowns)
   * weigh this many times an idle one.
   */
  readonly hardNegativeWeight: number;
  /** Raid ticks in a raid's first minute weigh this many times a later one: they decide time to lockdown. */
  readonly earlyRaidWeight: number;
}

/** What the shipped model was fitted with: scores spread enough for the threshold to trade. */
export const DEFAULT_FIT: FitOptions = {
  epochs: 20,
  l2: 1e-4,
  labelSmoothing: 0.02,
  hardNegativeWeight: 4,
  earlyRaidWeight: 3,
};

const repeated = <T>(items: readonly T[], times: number): T[] =>
  Array.from({ length: Math.max(0, times - 1) }, () => items).flat();

/** Samples of every trace, with raids repeated to weigh as much as the rest and hard negatives weighed up. */
function balancedSamples(
  samples: readonly Sample[],
  fit: FitOptions,
): { balanced: Sample[]; repeat: number } {
  const raids = samples.filter((s) => s.label === 1);
  const surges = samples.filter((s) => s.kind === 'surge');
  const hard = samples.filter((s) => s.kind === 'organic' && s.guardrailOpen);
  const negatives =
    samples.length -
    raids.length +
    (SURGE_WEIGHT - 1) * surges.length +
    Math.max(0, fit.hardNegativeWeight - 1) * hard.length;
  // Raids weigh half as much as everything else together: enough to learn them, not so much
  // that a busy organic hour looks like one.
  const repeat = Math.max(1, Math.round(negatives / 2 / Math.max(1, raids.length)));
  const early = raids.filter((s) => s.early);
  const balanced = [
    ...samples,
    ...repeated(surges, SURGE_WEIGHT),
    ...repeated(hard, fit.hardNegativeWeight),
    ...repeated(raids, repeat),
    ...repeated(early, Math.round(repeat * Math.max(0, fit.earlyRaidWeight - 1)) + 1),
  ];
  return { balanced, repeat };
}

/** Below this a float32 is denormal: wasm arithmetic on it is many times slower. */
const FLOAT32_MIN_NORMAL = 1.1754944e-38;

/**
 * Sets to zero the weights the L2 penalty has decayed to denormals (units that died): they
 * change no score, but scoring 1,000 guilds took twice as long with them.
 */
function flushDenormals(model: tf.LayersModel): void {
  const flushed = model
    .getWeights()
    .map((w) => tf.tidy(() => tf.where(tf.abs(w).less(FLOAT32_MIN_NORMAL), tf.zerosLike(w), w)));
  model.setWeights(flushed);
  tf.dispose(flushed);
}

/**
 * Trains the raid model on the training traces, then picks its threshold, and the baselines'
 * thresholds, on the validation traces (never trained on) for the false-lockdown budget.
 * Validation traces are read one at a time, so they may be a generator of many guild-days.
 */
export async function trainRaidModel(
  training: readonly LabelledTrace[],
  validation: () => Iterable<LabelledTrace>,
  options: { fit?: Partial<FitOptions>; progress: (line: string) => void; out: string },
): Promise<ModelMetadata> {
  const fit: FitOptions = { ...DEFAULT_FIT, ...options.fit };
  const backend = await initTensorflow();
  const samples: Sample[] = [];
  for (const trace of training) samples.push(...trainingSamples(trace.events, trace.labels));
  const { balanced, repeat } = balancedSamples(samples, fit);
  options.progress(
    `training on ${samples.length} samples (${samples.filter((s) => s.label === 1).length} in raids, weighed x${repeat}; ${samples.filter((s) => s.kind === 'surge').length} in surges, x${SURGE_WEIGHT}; ${samples.filter((s) => s.kind === 'organic' && s.guardrailOpen).length} organic where the guardrail opens, x${fit.hardNegativeWeight}) with the ${backend} backend`,
  );
  const model = buildRaidModel(FEATURE_SPEC.names.length, undefined, { l2: fit.l2 });
  const xs = tf.tensor2d(balanced.map((s) => s.vector));
  const ys = tf.tensor2d(balanced.map((s) => [s.label * (1 - fit.labelSmoothing) + fit.labelSmoothing / 2]));
  await model.fit(xs, ys, {
    epochs: fit.epochs,
    batchSize: 256,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        options.progress(`epoch ${epoch + 1}/${fit.epochs}: loss ${logs?.loss?.toFixed(4)}`),
    },
  });
  tf.dispose([xs, ys]);
  flushDenormals(model);
  const scorer: Scorer = { featureVersion: FEATURE_SPEC.version, score: (v) => predict(model, v) };
  options.progress('choosing thresholds on the validation traces');
  const contenders = [modelContender('model', scorer), ...baselineContenders()];
  const seen: { name: string; guildDays: number }[] = [];
  const traces = function* () {
    for (const t of validation()) {
      seen.push({ name: t.name, guildDays: t.guildDays });
      yield t;
    }
  };
  const { tallies } = await tallyTraces(traces(), contenders, options.progress);
  const chosen = contenders.map((c, i) => {
    const figures = c.thresholds.map((t, k) => figuresOf(c.name, t, tallies[i]?.[k] as never));
    for (const f of figures)
      options.progress(
        `${c.name} at ${f.threshold}: recall ${f.overall.recall.toFixed(2)}, ${f.falseLockdowns} false lockdowns in ${f.guildDays.toFixed(0)} guild-days, surges locked ${f.surgesLockedShare.toFixed(2)}`,
      );
    return figures[chooseThreshold(figures)] as (typeof figures)[number];
  });
  const [forModel, ...forBaselines] = chosen;
  await model.save(fileSaver(options.out));
  return {
    featureVersion: FEATURE_SPEC.version,
    featureNames: [...FEATURE_SPEC.names],
    threshold: forModel?.threshold ?? MODEL_THRESHOLDS.at(-1) ?? 0.99,
    exitThreshold: Math.min(DEFAULT_POLICY.exitScore, forModel?.threshold ?? 1),
    policy: {
      quietMs: DEFAULT_POLICY.quietMs,
      minJoinsLastMinute: DEFAULT_POLICY.minJoinsLastMinute,
      minJoinsLast10Minutes: DEFAULT_POLICY.minJoinsLast10Minutes,
    },
    baselineThresholds: forBaselines.map((f) => f.threshold),
    trainedOn: { ...describeTraces(training), samples: samples.length, ...fit },
    evaluation: {
      budgetPer1000GuildDays: FALSE_LOCKDOWN_BUDGET,
      validation: { ...describeTraces(seen), model: forModel, baselines: forBaselines },
    },
    createdAt: new Date().toISOString(),
  };
}

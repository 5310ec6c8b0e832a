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

/** Samples of every trace, with raids repeated to weigh as much as the rest and surges weighed up. */
function balancedSamples(samples: readonly Sample[]): { balanced: Sample[]; repeat: number } {
  const raids = samples.filter((s) => s.label === 1);
  const surges = samples.filter((s) => s.kind === 'surge');
  const negatives = samples.length - raids.length + (SURGE_WEIGHT - 1) * surges.length;
  // Raids weigh half as much as everything else together: enough to learn them, not so much
  // that a busy organic hour looks like one.
  const repeat = Math.max(1, Math.round(negatives / 2 / Math.max(1, raids.length)));
  const balanced = [
    ...samples,
    ...Array.from({ length: SURGE_WEIGHT - 1 }, () => surges).flat(),
    ...Array.from({ length: repeat - 1 }, () => raids).flat(),
  ];
  return { balanced, repeat };
}

/**
 * Trains the raid model on the training traces, then picks its threshold, and the baselines'
 * thresholds, on the validation traces (never trained on) for the false-lockdown budget.
 * Validation traces are read one at a time, so they may be a generator of many guild-days.
 */
export async function trainRaidModel(
  training: readonly LabelledTrace[],
  validation: () => Iterable<LabelledTrace>,
  options: { epochs: number; progress: (line: string) => void; out: string },
): Promise<ModelMetadata> {
  const backend = await initTensorflow();
  const samples: Sample[] = [];
  for (const trace of training) samples.push(...trainingSamples(trace.events, trace.labels));
  const { balanced, repeat } = balancedSamples(samples);
  options.progress(
    `training on ${samples.length} samples (${samples.filter((s) => s.label === 1).length} in raids, weighed x${repeat}; ${samples.filter((s) => s.kind === 'surge').length} in surges, x${SURGE_WEIGHT}) with the ${backend} backend`,
  );
  const model = buildRaidModel(FEATURE_SPEC.names.length);
  const xs = tf.tensor2d(balanced.map((s) => s.vector));
  const ys = tf.tensor2d(balanced.map((s) => [s.label]));
  await model.fit(xs, ys, {
    epochs: options.epochs,
    batchSize: 256,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        options.progress(`epoch ${epoch + 1}/${options.epochs}: loss ${logs?.loss?.toFixed(4)}`),
    },
  });
  tf.dispose([xs, ys]);
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
    trainedOn: { ...describeTraces(training), samples: samples.length, epochs: options.epochs },
    evaluation: {
      budgetPer1000GuildDays: FALSE_LOCKDOWN_BUDGET,
      validation: { ...describeTraces(seen), model: forModel, baselines: forBaselines },
    },
    createdAt: new Date().toISOString(),
  };
}

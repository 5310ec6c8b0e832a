import {
  buildRaidModel,
  DEFAULT_POLICY,
  FEATURE_SPEC,
  fileSaver,
  initTensorflow,
  type ModelMetadata,
  predict,
  replayTrace,
  type Sample,
  type Scorer,
  trainingSamples,
} from '@chat-guard/anomaly-detector';
import * as tf from '@tensorflow/tfjs';
import type { LabelledTrace } from './syntheticTraces.ts';

/** Recall and false lockdowns of a scorer at a threshold, replayed over labelled traces. */
export async function evaluateAt(traces: readonly LabelledTrace[], scorer: Scorer, threshold: number) {
  let raids = 0;
  let caught = 0;
  let falseLockdowns = 0;
  let guildDays = 0;
  const policy = { ...DEFAULT_POLICY, enterScore: threshold };
  for (const trace of traces) {
    guildDays += trace.guildDays;
    const decisions = (await replayTrace(trace.events, scorer, policy)).filter(
      (d) => d.decision === 'lockdown.start',
    );
    const raidLabels = trace.labels.filter((l) => l.type === 'raid');
    raids += raidLabels.length;
    for (const raid of raidLabels) {
      if (
        decisions.some((d) => d.guildId === raid.guildId && d.ts >= raid.start && d.ts <= raid.end + 60_000)
      )
        caught++;
    }
    falseLockdowns += decisions.filter(
      (d) => !raidLabels.some((r) => r.guildId === d.guildId && d.ts >= r.start && d.ts <= r.end + 60_000),
    ).length;
  }
  return {
    recall: raids === 0 ? 0 : caught / raids,
    raids,
    falseLockdowns,
    falsePer1000GuildDays: (falseLockdowns / guildDays) * 1000,
  };
}

/** Trains the raid model on the training traces and picks its threshold on the validation ones. */
export async function trainRaidModel(
  training: readonly LabelledTrace[],
  validation: readonly LabelledTrace[],
  options: { epochs: number; progress: (line: string) => void; out: string },
): Promise<ModelMetadata> {
  const backend = await initTensorflow();
  const samples: Sample[] = training.flatMap((t) => trainingSamples(t.events, t.labels));
  const positives = samples.filter((s) => s.label === 1);
  // Raids are rare: repeat their samples so that they weigh as much as the rest.
  const repeat = Math.max(1, Math.floor((samples.length - positives.length) / Math.max(1, positives.length)));
  const balanced = [...samples, ...Array.from({ length: repeat - 1 }, () => positives).flat()];
  options.progress(
    `training on ${samples.length} samples (${positives.length} in raids, weighed x${repeat}) with the ${backend} backend`,
  );
  const model = buildRaidModel(FEATURE_SPEC.names.length);
  await model.fit(tf.tensor2d(balanced.map((s) => s.vector)), tf.tensor2d(balanced.map((s) => [s.label])), {
    epochs: options.epochs,
    batchSize: 256,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        options.progress(`epoch ${epoch + 1}/${options.epochs}: loss ${logs?.loss?.toFixed(4)}`),
    },
  });
  const scorer: Scorer = {
    featureVersion: FEATURE_SPEC.version,
    score: (vectors) => predict(model, vectors),
  };
  let chosen = { threshold: 0.95, figures: await evaluateAt(validation, scorer, 0.95) };
  for (const threshold of [0.9, 0.85, 0.8, 0.7, 0.6, 0.5]) {
    const figures = await evaluateAt(validation, scorer, threshold);
    options.progress(
      `threshold ${threshold}: recall ${figures.recall.toFixed(2)}, ${figures.falseLockdowns} false lockdowns`,
    );
    // The budget: at most 1 false lockdown per 1,000 guild-days of validation traffic.
    if (figures.falsePer1000GuildDays <= 1 && figures.recall >= chosen.figures.recall)
      chosen = { threshold, figures };
  }
  await model.save(fileSaver(options.out));
  const guildDays = training.reduce((n, t) => n + t.guildDays, 0);
  return {
    featureVersion: FEATURE_SPEC.version,
    featureNames: [...FEATURE_SPEC.names],
    threshold: chosen.threshold,
    exitThreshold: DEFAULT_POLICY.exitScore,
    trainedOn: {
      synthetic: training.map((t) => `${t.scenario}#${t.seed}`),
      guildDays,
      samples: samples.length,
    },
    evaluation: { validation: validation.map((t) => `${t.scenario}#${t.seed}`), ...chosen.figures },
    createdAt: new Date().toISOString(),
  };
}

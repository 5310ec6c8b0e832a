import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Calibration,
  calibrate,
  DEFAULT_POLICY,
  denseLayers,
  FEATURE_SPEC,
  fileSaver,
  forward,
  type ModelMetadata,
  type ResponsePolicy,
} from '@chat-guard/anomaly-detector';
import type * as tf from '@tensorflow/tfjs';
import { fitPlatt } from './calibrate.ts';
import type { Figures } from './evaluate/figures.ts';
import { bar, evaluateSet, type Progress } from './evaluate/runSet.ts';
import { choosePolicy, policyGrid, shortfall } from './evaluate/thresholds.ts';
import { type FitOptions, fitRaidModel, sampleWeights } from './fit.ts';
import { protocolSets, setSize, setTraces, type TraceSet } from './protocol.ts';
import { type Sample, traceSamples } from './samples.ts';

/** Every sample of a set, with a progress bar. */
export function setSamples(set: TraceSet, progress: Progress): Sample[] {
  const samples: Sample[] = [];
  const total = setSize(set);
  let done = 0;
  for (const trace of setTraces(set)) {
    samples.push(...traceSamples(trace, 0.25, done + 1));
    done++;
    if (done % 25 === 0 || done === total)
      progress(`${bar(done, total)} ${set.name}: ${done}/${total} traces, ${samples.length} samples`);
  }
  return samples;
}

export interface TrainOptions {
  readonly scale: number;
  readonly fit: FitOptions;
  readonly out: string;
  readonly progress: Progress;
}

const counts = (samples: readonly Sample[]) => {
  const out: Record<string, number> = {};
  for (const s of samples) out[`${s.kind}:${s.family}`] = (out[`${s.kind}:${s.family}`] ?? 0) + 1;
  return out;
};

/**
 * The protocol's training half: fit on generator A; then, on generator B only, fit the score's
 * calibration and choose the gate and lockdown thresholds. Writes the model directory and
 * returns its metadata. Nothing here reads a report set.
 */
export async function trainRaidModel(options: TrainOptions): Promise<ModelMetadata> {
  const { progress } = options;
  const sets = protocolSets(options.scale);
  progress(`sampling the training set (generator A, ${setSize(sets.train)} traces)`);
  const training = setSamples(sets.train, progress);
  progress(`fitting on ${training.length} samples`);
  const model = await fitRaidModel(training, options.fit, (epoch, loss) => {
    if (epoch % 5 === 0 || epoch === options.fit.epochs)
      progress(`${bar(epoch, options.fit.epochs)} epoch ${epoch}: loss ${loss.toFixed(4)}`);
  });
  const tuned = await tuneModel(model, sets.tune, progress);
  await model.save(fileSaver(options.out));
  const metadata: ModelMetadata = {
    featureVersion: FEATURE_SPEC.version,
    featureNames: [...FEATURE_SPEC.names],
    calibration: tuned.calibration,
    policy: tuned.policy,
    trainedOn: {
      data: 'synthetic',
      generator: 'A',
      seeds: `${sets.train.seeds[0]}–${sets.train.seeds.at(-1)}`,
      hours: sets.train.hours,
      organicDays: sets.train.organicDays,
      samples: counts(training),
      fit: options.fit,
    },
    evaluation: { tunedOn: tunedOnRecord(sets.tune, tuned.figures) },
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(options.out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  return metadata;
}

/** What the metadata says of the tuning: which data, seeds and days, and the chosen policy's figures. */
export function tunedOnRecord(set: TraceSet, figures: Figures) {
  return {
    data: 'synthetic',
    generator: 'B',
    seeds: `${set.seeds[0]}–${set.seeds.at(-1)}`,
    organicDays: set.organicDays,
    figures,
    shortfall: shortfall(figures),
  };
}

/**
 * The protocol's tuning step, on generator B: Platt calibration on B's samples (every family
 * and kind weighted alike), then the policy grid replayed on B's traces and the best chosen.
 */
export async function tuneModel(
  model: tf.LayersModel,
  set: TraceSet,
  progress: Progress,
): Promise<{ calibration: Calibration; policy: ResponsePolicy; figures: Figures }> {
  const layers = denseLayers(model);
  progress(`sampling the tuning set (generator B, ${setSize(set)} traces) for calibration`);
  const samples = setSamples(set, progress);
  const weights = sampleWeights(samples);
  const calibration = fitPlatt(
    samples.map((s, i) => ({ p: forward(layers, s.vector), label: s.label, weight: weights[i] ?? 1 })),
  );
  progress(`calibration: a=${calibration.a.toFixed(3)} b=${calibration.b.toFixed(3)}`);
  const score = (vector: readonly number[]) => calibrate(forward(layers, vector), calibration);
  const grid = policyGrid(DEFAULT_POLICY);
  progress(`replaying the tuning set under ${grid.length} policies`);
  const figures = evaluateSet(set, score, grid, progress);
  const chosen = choosePolicy(grid.map((policy, i) => ({ policy, figures: figures[i] as Figures })));
  progress(
    `chosen: gate ${chosen.policy.gateScore}, lockdown ${chosen.policy.lockdownScore}, exit ${chosen.policy.exitScore} (shortfall ${shortfall(chosen.figures).toFixed(3)})`,
  );
  return { calibration, policy: chosen.policy, figures: chosen.figures };
}

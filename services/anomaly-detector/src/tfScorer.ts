import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DEFAULT_POLICY, type ResponsePolicy } from './decideResponse.ts';
import { type Calibration, calibrate, type DenseLayer, forward, IDENTITY_CALIBRATION } from './denseNet.ts';
import { fileLoader, ModelFileError } from './modelFiles.ts';
import { checkFeatureVersion } from './replayTrace.ts';
import type { Scorer } from './scorer.ts';
import { initTensorflow } from './tfBackend.ts';

const unit = z.number().min(0).max(1);

/** `metadata.json` beside the model: what it reads, how its output is calibrated, where it acts, what it learnt from. */
export const modelMetadataSchema = z.object({
  featureVersion: z.number().int().positive(),
  featureNames: z.array(z.string()),
  /** Platt scaling fitted on the tuning generator: the score the policy's thresholds are in. */
  calibration: z.object({ a: z.number(), b: z.number() }).optional(),
  /** The graduated response the thresholds were chosen for; DEFAULT_POLICY's values where absent. */
  policy: z
    .object({
      gateScore: unit,
      lockdownScore: unit,
      gateSpike: z.number().nonnegative(),
      exitScore: unit,
      gateQuietMs: z.number().int().positive(),
      lockdownQuietMs: z.number().int().positive(),
      minJoinsLastMinute: z.number().int().nonnegative(),
      minJoinsLast10Minutes: z.number().int().nonnegative(),
      minJoinsLastHour: z.number().int().nonnegative(),
    })
    .partial()
    .optional(),
  trainedOn: z.record(z.string(), z.unknown()),
  evaluation: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export function policyFromMetadata(metadata: Pick<ModelMetadata, 'policy'>): ResponsePolicy {
  const chosen = Object.entries(metadata.policy ?? {}).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_POLICY, ...Object.fromEntries(chosen) };
}

/** The dense layers of a sequential model, as plain numbers for `forward`. */
export function denseLayers(model: tf.LayersModel): DenseLayer[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    const config = layer.getConfig() as { activation?: string };
    const activation =
      config.activation === 'relu' || config.activation === 'sigmoid' ? config.activation : 'linear';
    if (!kernel || !bias) throw new Error(`layer ${layer.name} has no kernel and bias`);
    return { kernel: kernel.arraySync() as number[][], bias: bias.arraySync() as number[], activation };
  });
}

export type RaidScorer = Scorer & {
  readonly metadata: ModelMetadata;
  readonly backend: string;
  scoreOne(vector: readonly number[]): number;
};

/** A scorer from a network and its calibration: batches through TF.js, single vectors in plain arithmetic. */
export function raidScorer(model: tf.LayersModel, metadata: ModelMetadata, backend: string): RaidScorer {
  const calibration: Calibration = metadata.calibration ?? IDENTITY_CALIBRATION;
  const layers = denseLayers(model);
  return {
    metadata,
    backend,
    featureVersion: metadata.featureVersion,
    scoreOne: (vector) => calibrate(forward(layers, vector), calibration),
    async score(vectors) {
      if (vectors.length === 0) return [];
      const raw = await tf.tidy(() => model.predict(tf.tensor2d(vectors as number[][])) as tf.Tensor).data();
      return Array.from(raw, (p) => calibrate(p, calibration));
    },
  };
}

/** The raid model from a directory (`models/raid-detector`), checked against this detector's features. */
export async function loadTfScorer(dir: string): Promise<RaidScorer> {
  const backend = await initTensorflow();
  let metadata: ModelMetadata;
  try {
    metadata = modelMetadataSchema.parse(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
  } catch (err) {
    throw new ModelFileError(dir, `metadata.json is missing or invalid (${(err as Error).message})`, {
      cause: err,
    });
  }
  checkFeatureVersion(metadata.featureVersion);
  const model = await tf.loadLayersModel(fileLoader(dir));
  const inputs = model.inputs[0]?.shape[1];
  if (inputs !== metadata.featureNames.length) {
    throw new ModelFileError(
      dir,
      `the model reads ${inputs} features where metadata.json lists ${metadata.featureNames.length}`,
    );
  }
  return raidScorer(model, metadata, backend);
}

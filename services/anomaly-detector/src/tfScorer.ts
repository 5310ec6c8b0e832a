import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { DEFAULT_POLICY, type LockdownPolicy } from './decideLockdown.ts';
import { predict } from './model.ts';
import { fileLoader, ModelFileError } from './modelFiles.ts';
import type { Scorer } from './scorer.ts';
import { initTensorflow } from './tfBackend.ts';

/** `metadata.json` beside the model: what it reads, where it decides, what it learnt from, how it did. */
export const modelMetadataSchema = z.object({
  featureVersion: z.number().int().positive(),
  featureNames: z.array(z.string()),
  threshold: z.number().min(0).max(1),
  exitThreshold: z.number().min(0).max(1),
  /** The rest of the lockdown policy the thresholds were chosen with; DEFAULT_POLICY's where absent. */
  policy: z
    .object({
      quietMs: z.number().int().positive(),
      minJoinsLastMinute: z.number().int().nonnegative(),
      minJoinsLast10Minutes: z.number().int().nonnegative(),
    })
    .optional(),
  /** The baselines' thresholds chosen on the same validation data, in `baselineDetectors()` order. */
  baselineThresholds: z.array(z.number()).optional(),
  trainedOn: z.record(z.string(), z.unknown()),
  evaluation: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** The lockdown policy a model was tuned for: its thresholds, and the guardrail and quiet period beside them. */
export function policyFromMetadata(metadata: ModelMetadata): LockdownPolicy {
  return {
    ...DEFAULT_POLICY,
    ...metadata.policy,
    enterScore: metadata.threshold,
    exitScore: metadata.exitThreshold,
  };
}

/** The raid model from a directory (`models/raid-detector`), scoring guilds in one batch. */
export async function loadTfScorer(
  dir: string,
): Promise<Scorer & { metadata: ModelMetadata; backend: string }> {
  const backend = await initTensorflow();
  let metadata: ModelMetadata;
  try {
    metadata = modelMetadataSchema.parse(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
  } catch (err) {
    throw new ModelFileError(dir, `metadata.json is missing or invalid (${(err as Error).message})`, {
      cause: err,
    });
  }
  const model = await tf.loadLayersModel(fileLoader(dir));
  const inputs = model.inputs[0]?.shape[1];
  if (inputs !== metadata.featureNames.length) {
    throw new ModelFileError(
      dir,
      `the model reads ${inputs} features where metadata.json lists ${metadata.featureNames.length}`,
    );
  }
  return {
    metadata,
    backend,
    featureVersion: metadata.featureVersion,
    score: (vectors) => predict(model, vectors),
  };
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** A model directory that is missing, unreadable or not a model, named with what was wrong. */
export class ModelFileError extends Error {
  constructor(
    readonly dir: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`model at ${dir}: ${message}`, options);
    this.name = 'ModelFileError';
  }
}

/** Saves a layers model as `model.json` and `weights.bin` in a directory of the file system. */
export function fileSaver(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData
        ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
        : new ArrayBuffer(0);
      await writeFile(join(dir, 'weights.bin'), Buffer.from(weights));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** Loads what `fileSaver` wrote, with an error that names the file and the fault. */
export function fileLoader(dir: string): tf.io.IOHandler {
  return {
    async load() {
      let json: {
        modelTopology?: unknown;
        weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[];
        format?: string;
      };
      try {
        json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      } catch (err) {
        throw new ModelFileError(dir, `model.json is missing or not JSON (${(err as Error).message})`, {
          cause: err,
        });
      }
      const manifest = json.weightsManifest?.[0];
      if (!json.modelTopology || !manifest)
        throw new ModelFileError(dir, 'model.json has no topology or weights manifest');
      let weights: Buffer;
      try {
        weights = await readFile(join(dir, 'weights.bin'));
      } catch (err) {
        throw new ModelFileError(dir, 'weights.bin is missing', { cause: err });
      }
      const expected = manifest.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (weights.length !== expected) {
        throw new ModelFileError(
          dir,
          `weights.bin holds ${weights.length} bytes where the manifest needs ${expected}`,
        );
      }
      const weightData = new Uint8Array(weights).buffer;
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: json.modelTopology as NonNullable<tf.io.ModelArtifacts['modelTopology']>,
        weightSpecs: manifest.weights,
        weightData,
      };
      return json.format ? { ...artifacts, format: json.format } : artifacts;
    },
  };
}

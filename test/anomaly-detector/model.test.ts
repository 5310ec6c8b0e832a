import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_SPEC } from '../../services/anomaly-detector/src/features.ts';
import { buildRaidModel } from '../../services/anomaly-detector/src/model.ts';
import { fileLoader, fileSaver, ModelFileError } from '../../services/anomaly-detector/src/modelFiles.ts';
import { initTensorflow } from '../../services/anomaly-detector/src/tfBackend.ts';
import { raidScorer } from '../../services/anomaly-detector/src/tfScorer.ts';

const metadata = {
  featureVersion: FEATURE_SPEC.version,
  featureNames: [...FEATURE_SPEC.names],
  calibration: { a: 1.4, b: -0.3 },
  trainedOn: {},
  evaluation: {},
  createdAt: '2026-12-01T00:00:00.000Z',
};
const predict = (model: tf.LayersModel, xs: number[][]) => raidScorer(model, metadata, 'test').score(xs);

const WIDTH = FEATURE_SPEC.names.length;
let dir: string;
beforeAll(async () => {
  await initTensorflow();
  dir = await mkdtemp(join(tmpdir(), 'raid-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Tiny separable data: raids have high young-account and avatar shares. */
function tinyData() {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < 40; i++) {
    const raid = i % 2 === 0;
    const v = Array.from({ length: WIDTH }, (_, k) => ((i * 7 + k * 3) % 10) / 40);
    if (raid) {
      v[2] = 0.9;
      v[4] = 0.95;
    }
    xs.push(v);
    ys.push(raid ? 1 : 0);
  }
  return { xs, ys };
}

describe('the raid model', () => {
  it('runs on a TensorFlow.js backend that works here', () => {
    expect(['wasm', 'tensorflow']).toContain(tf.getBackend());
  });

  it.each([
    ['without', 0],
    ['with', 1e-4],
  ])(
    'fits two epochs on tiny data %s an L2 penalty, and a save-load round trip gives the same predictions',
    async (_, l2) => {
      const { xs, ys } = tinyData();
      const model = buildRaidModel(WIDTH, 7, { l2 });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
      const history = await model.fit(tf.tensor2d(xs), tf.tensor2d(ys, [ys.length, 1]), {
        epochs: 2,
        batchSize: 8,
        shuffle: false,
      });
      expect(history.history.loss).toHaveLength(2);
      const before = await predict(model, xs);
      await model.save(fileSaver(dir));
      const loaded = await tf.loadLayersModel(fileLoader(dir));
      const after = await predict(loaded, xs);
      expect(after).toHaveLength(xs.length);
      for (const [i, p] of after.entries()) expect(p).toBeCloseTo(before[i] ?? Number.NaN, 6);
    },
  );

  it('scores one vector in plain arithmetic exactly as TF.js scores the batch, calibration included', async () => {
    const { xs } = tinyData();
    const model = buildRaidModel(WIDTH, 11, { hidden: [6] });
    const scorer = raidScorer(model, metadata, 'test');
    const batch = await scorer.score(xs);
    for (const [i, x] of xs.entries()) expect(scorer.scoreOne(x)).toBeCloseTo(batch[i] ?? Number.NaN, 5);
    // The calibration moved the scores: without it they differ.
    const raw = raidScorer(model, { ...metadata, calibration: { a: 1, b: 0 } }, 'test');
    expect(Math.abs(raw.scoreOne(xs[0] ?? []) - scorer.scoreOne(xs[0] ?? []))).toBeGreaterThan(1e-3);
  });

  it('names the fault of a model directory that is missing or corrupt', async () => {
    await expect(tf.loadLayersModel(fileLoader(join(dir, 'nope')))).rejects.toThrow(/model\.json is missing/);
    const broken = await mkdtemp(join(tmpdir(), 'raid-model-broken-'));
    try {
      await buildRaidModel(WIDTH).save(fileSaver(broken));
      await truncate(join(broken, 'weights.bin'), 10);
      await expect(tf.loadLayersModel(fileLoader(broken))).rejects.toBeInstanceOf(ModelFileError);
      await expect(tf.loadLayersModel(fileLoader(broken))).rejects.toThrow(/weights\.bin holds 10 bytes/);
      await writeFile(join(broken, 'model.json'), '{"not": "a model"');
      await expect(tf.loadLayersModel(fileLoader(broken))).rejects.toThrow(/not JSON/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

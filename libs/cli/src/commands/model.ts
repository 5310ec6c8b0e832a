import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  baselineDetectors,
  DEFAULT_POLICY,
  detectorTick,
  loadTfScorer,
  modelTick,
} from '@chat-guard/anomaly-detector';
import { formatJoinTrace, formatLabels } from '@chat-guard/sandbox';
import { quantile } from '../bench/stats.ts';
import { type Command, intOption, stringOption, UsageError } from '../command.ts';
import { evaluateDetector, formatTable } from '../model/evaluate.ts';
import { syntheticTraces } from '../model/syntheticTraces.ts';
import { trainRaidModel } from '../model/trainModel.ts';
import { repoRoot } from '../services.ts';

function seedList(value: string, name: string): number[] {
  const seeds = value.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new UsageError(`--${name} must be seeds separated by commas, e.g. 1,2,3`);
  }
  return seeds;
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'Generate labelled traces, train the raid model, and evaluate it against the baselines',
  positionals: '<generate | train | eval | bench>',
  options: {
    seeds: { type: 'string', description: 'Seeds of the training traces', default: '1,2,3' },
    'validation-seeds': {
      type: 'string',
      description: 'Seeds of the validation traces (never trained on)',
      default: '11',
    },
    hours: { type: 'string', description: 'Hours of traffic per trace', default: '6' },
    epochs: { type: 'string', description: 'Training epochs', default: '15' },
    out: {
      type: 'string',
      description: 'Model directory (train), or traces directory (generate)',
      default: join(repoRoot, 'models/raid-detector'),
    },
    'eval-seeds': {
      type: 'string',
      description: 'Seeds of the held-out evaluation traces',
      default: '21,22',
    },
    model: {
      type: 'string',
      description: 'Model directory to evaluate',
      default: join(repoRoot, 'models/raid-detector'),
    },
  },
  details: [
    'generate writes labelled synthetic traces (<scenario>-<seed>.jsonl, labels beside them) to --out.',
    'eval replays held-out traces (--eval-seeds, never trained on) through the model and the four',
    'baselines (10 joins in 10 s, rate plus young accounts, EWMA z-score, CUSUM) and prints, per',
    'raid family and overall: recall, median and p95 time to lockdown, joins admitted before it,',
    'false lockdowns per 1,000 guild-days of organic traffic and the share of surges locked down.',
    'bench times scoring 1,000 guilds in one batch (one detector tick) and prints one JSON line last.',
    'train generates labelled synthetic traces with the sandbox (organic days, shout-out surges and every',
    'raid family), trains the model on the training seeds, picks the decision threshold on the',
    'validation seeds for at most 1 false lockdown per 1,000 guild-days, and writes model.json,',
    'weights.bin and metadata.json (feature spec, threshold, what it trained on, its figures).',
    'Progress goes to stderr; the metadata is printed on stdout.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args.positionals;
    if (!['train', 'generate', 'eval', 'bench'].includes(action ?? '') || rest.length > 0) {
      throw new UsageError('say: model generate, model train, model eval or model bench');
    }
    if (action === 'bench') {
      const scorer = await loadTfScorer(stringOption(args, 'model'));
      const width = scorer.metadata.featureNames.length;
      const guilds = Array.from({ length: 1_000 }, (_, g) =>
        Array.from({ length: width }, (_, k) => ((g * 31 + k * 7) % 100) / 100),
      );
      for (let i = 0; i < 10; i++) await scorer.score(guilds);
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const started = performance.now();
        await scorer.score(guilds);
        times.push(performance.now() - started);
      }
      const median = quantile(times, 0.5);
      const p99 = quantile(times, 0.99);
      console.log(
        `scoring 1,000 guilds in one batch on ${scorer.backend}: median ${median.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
      );
      console.log(
        JSON.stringify({
          guilds: 1000,
          backend: scorer.backend,
          medianMs: Number(median.toFixed(2)),
          p99Ms: Number(p99.toFixed(2)),
        }),
      );
      return 0;
    }
    const progress = (line: string) => console.error(`[model] ${line}`);
    const hours = intOption(args, 'hours', 1, 72);
    if (action === 'generate') {
      const out = stringOption(args, 'out');
      await mkdir(out, { recursive: true });
      for (const trace of syntheticTraces(seedList(stringOption(args, 'seeds'), 'seeds'), hours)) {
        const file = join(out, `${trace.scenario}-${trace.seed}.jsonl`);
        await writeFile(file, formatJoinTrace(trace.events));
        await writeFile(file.replace(/\.jsonl$/, '.labels.jsonl'), formatLabels(trace.labels));
        progress(`wrote ${file} (${trace.events.length} events, ${trace.labels.length} labels)`);
      }
      return 0;
    }
    if (action === 'eval') {
      const traces = syntheticTraces(seedList(stringOption(args, 'eval-seeds'), 'eval-seeds'), hours);
      const scorer = await loadTfScorer(stringOption(args, 'model'));
      const modelPolicy = {
        ...DEFAULT_POLICY,
        enterScore: scorer.metadata.threshold,
        exitScore: scorer.metadata.exitThreshold,
      };
      const alarmPolicy = { ...DEFAULT_POLICY, enterScore: 0.5, exitScore: 0.5 };
      progress(`evaluating on ${traces.length} held-out traces of ${hours} h`);
      const results = [
        await evaluateDetector(
          `model (threshold ${scorer.metadata.threshold})`,
          traces,
          () => modelTick(scorer),
          modelPolicy,
        ),
      ];
      for (const baseline of baselineDetectors()) {
        progress(`baseline: ${baseline.name}`);
        const fresh = () =>
          detectorTick(baselineDetectors().find((d) => d.name === baseline.name) ?? baseline);
        results.push(await evaluateDetector(baseline.name, traces, fresh, alarmPolicy));
      }
      console.log(formatTable(results));
      return 0;
    }
    const training = syntheticTraces(seedList(stringOption(args, 'seeds'), 'seeds'), hours);
    const validation = syntheticTraces(
      seedList(stringOption(args, 'validation-seeds'), 'validation-seeds'),
      hours,
    );
    progress(
      `generated ${training.length} training and ${validation.length} validation traces of ${hours} h`,
    );
    const out = stringOption(args, 'out');
    const metadata = await trainRaidModel(training, validation, {
      epochs: intOption(args, 'epochs', 1, 500),
      progress,
      out,
    });
    await writeFile(join(out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    progress(`wrote ${out}`);
    console.log(JSON.stringify(metadata));
    return 0;
  },
};

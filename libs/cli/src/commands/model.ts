import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTfScorer } from '@chat-guard/anomaly-detector';
import { formatJoinTrace, formatLabels } from '@chat-guard/sandbox';
import { quantile } from '../bench/stats.ts';
import { type Command, intOption, type ParsedArgs, stringOption, UsageError } from '../command.ts';
import { exportTraces } from '../model/exportTraces.ts';
import { runEval } from '../model/runEval.ts';
import { type LabelledTrace, organicDays, syntheticTraces } from '../model/syntheticTraces.ts';
import { readTraceDir } from '../model/traceDirs.ts';
import { DEFAULT_FIT, trainRaidModel } from '../model/trainModel.ts';
import { repoRoot } from '../services.ts';

/** Organic days are seeded apart from the scenario seeds: training, validation and evaluation never share one. */
const ORGANIC_SEEDS = { train: 1000, validation: 2000, eval: 3000 } as const;

function seedList(value: string, name: string): number[] {
  const seeds = value.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new UsageError(`--${name} must be seeds separated by commas, e.g. 1,2,3`);
  }
  return seeds;
}

function traceDirs(args: ParsedArgs): string[] {
  const value = args.values.traces;
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}

function sinceOption(args: ParsedArgs): number | undefined {
  const value = args.values.since;
  if (value === undefined) return undefined;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) throw new UsageError(`--since must be an ISO date, e.g. 2026-01-31, not "${value}"`);
  return ms;
}

async function bench(modelDir: string): Promise<void> {
  const scorer = await loadTfScorer(modelDir);
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
}

export const modelCommand: Command = {
  name: 'model',
  summary:
    'Generate labelled traces, export real ones, train the raid model, and evaluate it against the baselines',
  positionals: '<generate | train | eval | bench | export>',
  options: {
    seeds: { type: 'string', description: 'Seeds of the training traces', default: '1,2,3,4,5,6' },
    'validation-seeds': {
      type: 'string',
      description: 'Seeds of the validation traces (never trained on)',
      default: '11,12,13,14',
    },
    'eval-seeds': {
      type: 'string',
      description: 'Seeds of the held-out evaluation traces',
      default: '21,22,23,24',
    },
    hours: { type: 'string', description: 'Hours of traffic per scenario trace', default: '6' },
    'organic-guild-days': {
      type: 'string',
      description: 'Guild-days of organic traffic added to validation (train) or evaluation (eval)',
      default: '100',
    },
    'train-organic-guild-days': {
      type: 'string',
      description: 'Guild-days of organic traffic added to training',
      default: '200',
    },
    traces: {
      type: 'string',
      multiple: true,
      description: 'An exported trace directory (trace.jsonl + labels.jsonl) to train on; repeat for more',
    },
    epochs: { type: 'string', description: 'Training epochs', default: String(DEFAULT_FIT.epochs) },
    out: {
      type: 'string',
      description: 'Model directory (train), traces directory (generate) or export directory (export)',
      default: join(repoRoot, 'models/raid-detector'),
    },
    model: {
      type: 'string',
      description: 'Model directory to evaluate or bench',
      default: join(repoRoot, 'models/raid-detector'),
    },
    plots: { type: 'string', description: 'eval: write eval.html (inline SVG plots) to this directory' },
    record: { type: 'boolean', description: "eval: write the figures into the model's metadata.json" },
    'database-url': { type: 'string', description: 'export: the PostgreSQL to read join history from' },
    guild: { type: 'string', description: 'export: only this guild' },
    since: { type: 'string', description: 'export: only history from this ISO date on' },
  },
  details: [
    'generate writes labelled synthetic traces (<scenario>-<seed>.jsonl, labels beside them) to --out.',
    'train samples features from synthetic traces of every scenario (--seeds), organic days and any',
    "exported --traces directories, fits the model, then picks its threshold and the four baselines'",
    'thresholds on validation traces (--validation-seeds plus --organic-guild-days of organic days,',
    'never trained on) for at most 1 false lockdown per 1,000 guild-days, and writes model.json,',
    'weights.bin and metadata.json. The metadata is printed on stdout.',
    'eval replays held-out traces (--eval-seeds plus --organic-guild-days of organic days) through the',
    'model and the baselines (10 joins in 10 s, rate plus young accounts, EWMA z-score, CUSUM) at the',
    'thresholds chosen on validation, and prints per raid family and overall: recall, median and p95',
    'time to lockdown, joins admitted before it, false lockdowns per 1,000 guild-days and the share of',
    'surges locked down. --plots DIR writes DIR/eval.html; --record stores the figures in metadata.json.',
    'export writes DIR/trace.jsonl and DIR/labels.jsonl from PostgreSQL (member_join, raid_label).',
    'bench times scoring 1,000 guilds in one batch (one detector tick) and prints one JSON line last.',
    'Progress goes to stderr; stdout holds only the result.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args.positionals;
    if (!['train', 'generate', 'eval', 'bench', 'export'].includes(action ?? '') || rest.length > 0) {
      throw new UsageError('say: model generate, model train, model eval, model bench or model export');
    }
    const progress = (line: string) => console.error(`[model] ${line}`);
    if (action === 'bench') {
      await bench(stringOption(args, 'model'));
      return 0;
    }
    if (action === 'export') {
      const guildId = args.values.guild === undefined ? undefined : String(args.values.guild);
      const since = sinceOption(args);
      const result = await exportTraces({
        databaseUrl: stringOption(args, 'database-url'),
        out: stringOption(args, 'out'),
        progress,
        ...(guildId === undefined ? {} : { guildId }),
        ...(since === undefined ? {} : { since }),
      });
      console.log(JSON.stringify(result));
      return 0;
    }
    const hours = intOption(args, 'hours', 1, 72);
    const organic = intOption(args, 'organic-guild-days', 0, 100_000);
    if (action === 'generate') {
      const out = stringOption(args, 'out');
      await mkdir(out, { recursive: true });
      for (const trace of syntheticTraces(seedList(stringOption(args, 'seeds'), 'seeds'), hours)) {
        const file = join(out, `${trace.name.replace('#', '-')}.jsonl`);
        await writeFile(file, formatJoinTrace(trace.events));
        await writeFile(file.replace(/\.jsonl$/, '.labels.jsonl'), formatLabels(trace.labels));
        progress(`wrote ${file} (${trace.events.length} events, ${trace.labels.length} labels)`);
      }
      return 0;
    }
    if (action === 'eval') {
      const seeds = seedList(stringOption(args, 'eval-seeds'), 'eval-seeds');
      const plots = args.values.plots === undefined ? undefined : String(args.values.plots);
      const { table } = await runEval({
        modelDir: stringOption(args, 'model'),
        traces: function* () {
          progress(
            `evaluating on scenario seeds ${seeds.join(',')} (${hours} h) and ${organic} organic guild-days`,
          );
          yield* syntheticTraces(seeds, hours);
          yield* organicDays(organic, ORGANIC_SEEDS.eval);
        },
        record: args.values.record === true,
        progress,
        ...(plots === undefined ? {} : { plotsDir: plots }),
      });
      console.log(table);
      return 0;
    }
    const training: LabelledTrace[] = [
      ...syntheticTraces(seedList(stringOption(args, 'seeds'), 'seeds'), hours),
      ...organicDays(intOption(args, 'train-organic-guild-days', 0, 10_000), ORGANIC_SEEDS.train),
    ];
    for (const dir of traceDirs(args)) training.push(await readTraceDir(dir));
    const validationSeeds = seedList(stringOption(args, 'validation-seeds'), 'validation-seeds');
    progress(
      `${training.length} training traces; validating on seeds ${validationSeeds.join(',')} and ${organic} organic guild-days`,
    );
    const out = stringOption(args, 'out');
    const metadata = await trainRaidModel(
      training,
      function* () {
        yield* syntheticTraces(validationSeeds, hours);
        yield* organicDays(organic, ORGANIC_SEEDS.validation);
      },
      { fit: { epochs: intOption(args, 'epochs', 1, 500) }, progress, out },
    );
    await writeFile(join(out, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    progress(`wrote ${out}`);
    console.log(JSON.stringify(metadata));
    return 0;
  },
};

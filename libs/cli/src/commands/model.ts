import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  checkFeatureVersion,
  initTensorflow,
  loadTfScorer,
  type ModelMetadata,
  modelMetadataSchema,
  policyFromMetadata,
} from '@chat-guard/anomaly-detector';
import { formatJoinTrace, formatLabels } from '@chat-guard/join-trace';
import {
  benchTick,
  crossGeneratorTable,
  DEFAULT_FIT,
  EPISODES,
  type Episode,
  evaluateModel,
  evaluatePolicies,
  featureAucTable,
  GENERATORS,
  markdownTable,
  protocolSets,
  readTraceDir,
  trainRaidModel,
  tunedOnRecord,
  tuneModel,
  writePlots,
} from '@chat-guard/raid-lab';
import * as tf from '@tensorflow/tfjs';
import { type Command, intOption, type ParsedArgs, stringOption, UsageError } from '../command.ts';
import { exportTraces } from '../model/exportTraces.ts';
import { repoRoot } from '../services.ts';

const SHIPPED = join(repoRoot, 'models/raid-detector');
const ACTIONS = ['generate', 'train', 'tune', 'eval', 'bench', 'export'] as const;

function seedList(value: string): number[] {
  const seeds = value.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new UsageError('--seeds must be whole numbers separated by commas, e.g. 1,2,3');
  }
  return seeds;
}

function scaleOption(args: ParsedArgs): number {
  const scale = Number(stringOption(args, 'scale'));
  if (!Number.isFinite(scale) || scale <= 0 || scale > 4)
    throw new UsageError('--scale must be a number in (0, 4], e.g. 1 or 0.2');
  return scale;
}

function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}

/**
 * Where train and tune write: never into the shipped model unless told to with --ship, so an
 * experiment cannot replace what the detector serves by accident.
 */
function writeTarget(args: ParsedArgs, option: 'out' | 'model'): string {
  const ship = args.values.ship === true;
  const given = args.values[option];
  const target = typeof given === 'string' && given !== '' ? resolve(given) : ship ? SHIPPED : undefined;
  if (!target)
    throw new UsageError(
      `say where to write with --${option} <dir> (or --ship to replace the shipped model)`,
    );
  if (resolve(target) === resolve(SHIPPED) && !ship) {
    throw new UsageError(`${SHIPPED} is the shipped model: add --ship to write there`);
  }
  return target;
}

async function readMetadata(dir: string): Promise<ModelMetadata> {
  return modelMetadataSchema.parse(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'The raid lab: generate labelled traces, train, tune, evaluate and bench the raid model',
  positionals: `<${ACTIONS.join(' | ')}>`,
  options: {
    generator: { type: 'string', description: 'generate: trace generator A, B or C', default: 'A' },
    seeds: { type: 'string', description: 'generate: seeds, separated by commas', default: '1' },
    episodes: {
      type: 'string',
      description: `generate: episodes, separated by commas (${EPISODES.join(', ')})`,
      default: EPISODES.join(','),
    },
    hours: { type: 'string', description: 'generate: hours of traffic per trace', default: '6' },
    scale: {
      type: 'string',
      description: 'train, tune, eval: share of the protocol’s seeds to use (1 = the whole protocol)',
      default: '1',
    },
    epochs: { type: 'string', description: 'train: epochs', default: String(DEFAULT_FIT.epochs) },
    out: { type: 'string', description: 'generate, train, export: the directory to write' },
    ship: { type: 'boolean', description: 'train, tune: write into the shipped models/raid-detector' },
    model: {
      type: 'string',
      description: 'tune, eval, bench: the model directory (tune writes into it)',
      default: SHIPPED,
    },
    traces: {
      type: 'string',
      multiple: true,
      description:
        'eval: an exported trace directory (trace.jsonl + labels.jsonl) to report on too; repeat for more',
    },
    plots: { type: 'string', description: 'eval: write recall.svg, surges.svg, feature-auc.svg here' },
    record: { type: 'boolean', description: "eval: store the report in the model's metadata.json" },
    guilds: { type: 'string', description: 'bench: active guilds in the timed tick', default: '1000' },
    'database-url': { type: 'string', description: 'export: the PostgreSQL to read join history from' },
    guild: { type: 'string', description: 'export: only this guild' },
    since: { type: 'string', description: 'export: only history from this ISO date on' },
  },
  details: [
    'The protocol (docs/raid-model.md): train on generator A (seeds 1–40 and organic days); fit the',
    'score calibration and choose the gate and lockdown thresholds on generator B (seeds 2001–2030);',
    'report on fresh seeds 9001–9020 of both, which nothing is chosen on, and of generator C, a',
    'third one written apart from both and only ever reported on. All data is synthetic unless',
    'exported traces are given.',
    '',
    '  generate  write labelled traces of one generator to --out (<episode>-<seed>.jsonl + .labels.jsonl)',
    '  train     the whole protocol’s training half (fit on A, tune on B) into --out',
    '  tune      redo only the calibration and thresholds on B for the model in --model',
    '  eval      the cross-generator table (model and 10-joins-in-10-s rule, per raid family and',
    '            surge kind) on A, B and C, and each feature’s raid-against-surge AUC on each',
    '  bench     time one whole detector tick (features and scoring) for --guilds active guilds',
    '  export    write trace.jsonl + labels.jsonl from PostgreSQL history (member_join, raid_label)',
    '',
    'train and tune never write into models/raid-detector without --ship. Progress goes to stderr;',
    'stdout holds only the result.',
  ].join('\n'),
  async run(args) {
    const [action, ...rest] = args.positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || rest.length > 0) {
      throw new UsageError(`say one of: model ${ACTIONS.join(', model ')}`);
    }
    const progress = (line: string) => console.error(`[model] ${line}`);
    switch (action) {
      case 'generate':
        return generate(args, progress);
      case 'export': {
        const since = args.values.since === undefined ? undefined : Date.parse(String(args.values.since));
        if (since !== undefined && Number.isNaN(since))
          throw new UsageError('--since must be an ISO date, e.g. 2026-01-31');
        const guildId = args.values.guild === undefined ? undefined : String(args.values.guild);
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
      case 'train': {
        const out = writeTarget(args, 'out');
        await initTensorflow();
        const metadata = await trainRaidModel({
          scale: scaleOption(args),
          out,
          progress,
          fit: { ...DEFAULT_FIT, epochs: intOption(args, 'epochs', 1, 500) },
        });
        progress(`wrote ${out}`);
        console.log(JSON.stringify({ out, calibration: metadata.calibration, policy: metadata.policy }));
        return 0;
      }
      case 'tune': {
        const dir = writeTarget(args, 'model');
        const metadata = await readMetadata(dir);
        checkFeatureVersion(metadata.featureVersion); // tuning reads features: they must be the model's
        await initTensorflow();
        const { fileLoader } = await import('@chat-guard/anomaly-detector');
        const model = await tf.loadLayersModel(fileLoader(dir));
        const set = protocolSets(scaleOption(args)).tune;
        const tuned = await tuneModel(model, set, progress);
        // Everything else the metadata says stays; a report made under the old thresholds goes.
        const { report: stale, ...evaluation } = metadata.evaluation;
        const next: ModelMetadata = {
          ...metadata,
          calibration: tuned.calibration,
          policy: tuned.policy,
          evaluation: { ...evaluation, tunedOn: tunedOnRecord(set, tuned.figures) },
        };
        if (stale !== undefined)
          progress('the report was made under the old thresholds: dropped (run model eval --record)');
        await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(next, null, 2)}\n`);
        console.log(JSON.stringify({ model: dir, calibration: tuned.calibration, policy: tuned.policy }));
        return 0;
      }
      case 'eval':
        return evaluate(args, progress);
      default: {
        const scorer = await loadTfScorer(stringOption(args, 'model'));
        const result = await benchTick(scorer, intOption(args, 'guilds', 1, 100_000));
        console.log(
          `one detector tick for ${result.guilds} active guilds on ${result.backend}: features ${result.featuresMedianMs} ms + scoring ${result.scoringMedianMs} ms = ${result.tickMedianMs} ms median (p99 ${result.tickP99Ms} ms)`,
        );
        console.log(JSON.stringify(result));
        return 0;
      }
    }
  },
};

async function generate(args: ParsedArgs, progress: (line: string) => void): Promise<number> {
  const name = stringOption(args, 'generator').toUpperCase();
  if (name !== 'A' && name !== 'B' && name !== 'C') throw new UsageError('--generator must be A, B or C');
  const episodes = stringOption(args, 'episodes')
    .split(',')
    .map((e) => e.trim());
  const unknown = episodes.filter((e) => !EPISODES.includes(e as Episode));
  if (unknown.length > 0)
    throw new UsageError(`unknown episode ${unknown.join(', ')}; say some of ${EPISODES.join(', ')}`);
  const hours = intOption(args, 'hours', 1, 72);
  const out = writeTarget(args, 'out');
  await mkdir(out, { recursive: true });
  for (const seed of seedList(stringOption(args, 'seeds'))) {
    for (const episode of episodes as Episode[]) {
      const trace = GENERATORS[name]({ seed, episode, hours, startMs: Date.UTC(2026, 0, 5) });
      const file = join(out, `${episode}-${seed}.jsonl`);
      await writeFile(file, formatJoinTrace(trace.events));
      await writeFile(file.replace(/\.jsonl$/, '.labels.jsonl'), formatLabels(trace.labels));
      progress(`wrote ${file} (${trace.events.length} events, ${trace.labels.length} labels)`);
    }
  }
  return 0;
}

async function evaluate(args: ParsedArgs, progress: (line: string) => void): Promise<number> {
  const dir = stringOption(args, 'model');
  const scorer = await loadTfScorer(dir);
  const policy = policyFromMetadata(scorer.metadata);
  const report = evaluateModel(scorer, policy, scaleOption(args), progress);
  console.log(
    'Trained on generator A; calibration and thresholds from generator B; reported on fresh seeds of each and of generator C (written apart, never trained or tuned on).',
  );
  console.log(
    `Policy: gate at ${policy.gateScore}, lockdown at ${policy.lockdownScore} with strong evidence, end under ${policy.exitScore}.`,
  );
  console.log(
    'Per family: recall (median time to the first protective step). Surges: locked + gate only / n.\n',
  );
  console.log(crossGeneratorTable(report));
  const exported = listOption(args, 'traces');
  if (exported.length > 0) {
    const traces = await Promise.all(exported.map(readTraceDir));
    const [figures] = evaluatePolicies(traces, (v) => scorer.scoreOne(v), [policy]);
    if (figures) {
      console.log('\nExported real traces:\n');
      console.log(
        markdownTable(
          ['traces', 'raids', 'recall', 'surges locked', 'lockdowns /1000 gd', 'gates /1000 gd'],
          [
            [
              String(traces.length),
              String(figures.raids),
              figures.recall.toFixed(2),
              `${figures.surgesLocked} / ${figures.surges}`,
              figures.lockdownsPer1000.toFixed(1),
              figures.gatesPer1000.toFixed(1),
            ],
          ],
        ),
      );
    }
  }
  console.log('\nEach feature’s raid-against-surge AUC on each generator’s report seeds:\n');
  console.log(featureAucTable(report));
  const plots = args.values.plots;
  if (typeof plots === 'string' && plots !== '') {
    for (const file of await writePlots(report, plots)) progress(`wrote ${file}`);
  }
  if (args.values.record === true) {
    const metadata = await readMetadata(dir);
    const next = { ...metadata, evaluation: { ...metadata.evaluation, report } };
    await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(next, null, 2)}\n`);
    progress(`recorded the report in ${join(dir, 'metadata.json')}`);
  }
  return 0;
}

import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/join-trace';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs } from '../support/processes.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('generates labelled traces of either generator that read back through the trace format', async () => {
  for (const generator of ['A', 'B']) {
    const out = join(dir, generator);
    const run = spawnTs([
      'libs/cli/src/run.ts',
      'model',
      'generate',
      ...[
        '--generator',
        generator,
        '--seeds',
        '4',
        '--hours',
        '3',
        '--episodes',
        'fast-flood,shout-out',
        '--out',
        out,
      ],
    ]);
    expect(await run.exited, run.output()).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'fast-flood-4.jsonl',
      'fast-flood-4.labels.jsonl',
      'shout-out-4.jsonl',
      'shout-out-4.labels.jsonl',
    ]);
    const events = parseJoinTrace(await readFile(join(out, 'fast-flood-4.jsonl'), 'utf8'));
    const labels = parseLabels(await readFile(join(out, 'fast-flood-4.labels.jsonl'), 'utf8'));
    expect(events.some((e) => e.type === 'member.joined')).toBe(true);
    expect(labels.map((l) => [l.type, l.family])).toEqual([['raid', 'fast-flood']]);
  }
});

it('never writes into the shipped model unless told to', async () => {
  const run = spawnTs([
    'libs/cli/src/run.ts',
    'model',
    'train',
    '--scale',
    '0.05',
    '--out',
    'models/raid-detector',
  ]);
  expect(await run.exited).toBe(2);
  expect(run.output()).toMatch(/shipped model: add --ship/);
  const none = spawnTs(['libs/cli/src/run.ts', 'model', 'train']);
  expect(await none.exited).toBe(2);
  expect(none.output()).toMatch(/--out <dir>/);
  const bad = spawnTs(['libs/cli/src/run.ts', 'model', 'generate', '--episodes', 'stampede', '--out', dir]);
  expect(await bad.exited).toBe(2);
  expect(bad.output()).toMatch(/unknown episode stampede/);
});

it('retunes a copy of a model on generator B and keeps everything else its metadata says', async () => {
  const model = join(dir, 'retuned');
  await cp('models/raid-detector', model, { recursive: true });
  const before = JSON.parse(await readFile(join(model, 'metadata.json'), 'utf8'));
  const run = spawnTs(['libs/cli/src/run.ts', 'model', 'tune', '--model', model, '--scale', '0.02']);
  expect(await run.exited, run.output()).toBe(0);
  const after = JSON.parse(await readFile(join(model, 'metadata.json'), 'utf8'));
  for (const key of ['featureVersion', 'featureNames', 'trainedOn', 'createdAt'])
    expect(after[key], key).toEqual(before[key]);
  expect(after.evaluation.tunedOn).toMatchObject({
    data: 'synthetic',
    generator: 'B',
    seeds: '2001–2001',
    organicDays: expect.any(Number),
    shortfall: expect.any(Number),
  });
  expect(Object.keys(after.evaluation.tunedOn.figures)).toEqual(
    Object.keys(before.evaluation.tunedOn.figures),
  );
  // The shipped report was made under the old thresholds: it goes, and the run says so.
  expect(before.evaluation.report).toBeDefined();
  expect(after.evaluation.report).toBeUndefined();
  expect(run.output()).toMatch(/report was made under the old thresholds/);
}, 120_000);

it('prints the cross-generator table per raid family and surge kind, the feature AUCs, and plots with real axes', async () => {
  const plots = join(dir, 'plots');
  const run = spawnTs(['libs/cli/src/run.ts', 'model', 'eval', '--scale', '0.05', '--plots', plots]);
  expect(await run.exited, run.output()).toBe(0);
  const out = run.output();
  expect(out).toMatch(/Trained on generator A; calibration and thresholds from generator B/);
  const rows = out
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('| ') &&
        !l.startsWith('| report set') &&
        !l.startsWith('| feature') &&
        !l.startsWith('| ---'),
    );
  const cells = (row: string) =>
    row
      .split('|')
      .map((c) => c.trim())
      .slice(1, -1);
  const table = rows.filter((r) => / · /.test(cells(r)[0] ?? ''));
  expect(
    table.map((r) =>
      cells(r)[0]
        ?.replace(/\(.*\)/, '')
        .replace(/\s+/g, ' '),
    ),
  ).toEqual([
    'A · model',
    'A · 10 joins in 10 s',
    'B · model',
    'B · 10 joins in 10 s',
    'C · model',
    'C · 10 joins in 10 s',
  ]);
  for (const row of table) {
    const [, recall, flood, multi, aged, drip, shout, trending, launch] = cells(row);
    expect(Number(recall)).toBeGreaterThanOrEqual(0);
    for (const family of [flood, multi, aged, drip]) expect(family).toMatch(/^\d\.\d\d \((\d+\.\d s|–)\)$/);
    for (const kind of [shout, trending, launch]) expect(kind).toMatch(/^\d+\+\d+\/\d+$/);
  }
  const features = rows.filter((r) => !/ · /.test(cells(r)[0] ?? ''));
  expect(features.length).toBeGreaterThan(10);
  for (const row of features) expect(cells(row)[1]).toMatch(/^(0|1)\.\d\d$|^–$/);
  for (const name of ['recall.svg', 'surges.svg', 'feature-auc.svg']) {
    const svg = await readFile(join(plots, name), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/class="mark-text role-axis-label"/); // tick labels
    expect(svg).toMatch(/role-legend/);
  }
}, 300_000);

it('times a whole detector tick for many active guilds and ends with one JSON line', async () => {
  const run = spawnTs(['libs/cli/src/run.ts', 'model', 'bench', '--guilds', '50']);
  expect(await run.exited, run.output()).toBe(0);
  const last = JSON.parse(run.output().trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  expect(last.guilds).toBe(50);
  expect(last.joinsInWindows).toBeGreaterThan(50);
  expect(last.tickMedianMs).toBeGreaterThan(0);
  expect(last.tickMedianMs).toBeGreaterThanOrEqual(last.featuresMedianMs ?? Infinity);
}, 120_000);

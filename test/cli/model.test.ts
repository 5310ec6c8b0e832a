import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs } from '../support/processes.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('generates labelled synthetic traces that read back through the trace format', async () => {
  const run = spawnTs([
    'libs/cli/src/run.ts',
    'model',
    'generate',
    '--seeds',
    '4',
    '--hours',
    '1',
    '--out',
    dir,
  ]);
  expect(await run.exited).toBe(0);
  const files = (await readdir(dir)).sort();
  expect(files).toContain('fast-flood-4.jsonl');
  expect(files).toContain('fast-flood-4.labels.jsonl');
  const events = parseJoinTrace(await readFile(join(dir, 'fast-flood-4.jsonl'), 'utf8'));
  const labels = parseLabels(await readFile(join(dir, 'fast-flood-4.labels.jsonl'), 'utf8'));
  expect(events.some((e) => e.type === 'member.joined')).toBe(true);
  expect(labels.map((l) => l.type)).toContain('raid');
});

it('evaluates the shipped model beside the four baselines, per raid family', async () => {
  const run = spawnTs(['libs/cli/src/run.ts', 'model', 'eval', '--eval-seeds', '21', '--hours', '1']);
  expect(await run.exited, run.output()).toBe(0);
  const rows = run
    .output()
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| detector'));
  const overall = rows.filter((r) => !r.split('|')[1]?.includes('·'));
  expect(overall.map((r) => r.split('|')[1]?.trim().split(' ')[0])).toEqual([
    'model',
    '10',
    'rate',
    'EWMA',
    'CUSUM',
  ]);
  for (const row of overall) expect(row).toMatch(/\| \d+% \|/);
});

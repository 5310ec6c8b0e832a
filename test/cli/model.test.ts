import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticTraces } from '../../libs/cli/src/model/syntheticTraces.ts';
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

it('evaluates the shipped model beside the four baselines per raid family, and plots it', async () => {
  const plots = join(dir, 'plots');
  const run = spawnTs([
    'libs/cli/src/run.ts',
    'model',
    'eval',
    ...['--eval-seeds', '21', '--hours', '1', '--organic-guild-days', '1', '--plots', plots],
  ]);
  expect(await run.exited, run.output()).toBe(0);
  const rows = run
    .output()
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| detector'));
  const cells = (row: string) => row.split('|').map((c) => c.trim());
  const overall = rows.filter((r) => !cells(r)[1]?.includes('·'));
  expect(overall.map((r) => cells(r)[1])).toEqual([
    expect.stringMatching(/^model \(threshold 0\.\d+\)$/),
    expect.stringMatching(/^\d+ joins in 10 s$/),
    expect.stringMatching(/^rate \d+x baseline/),
    expect.stringMatching(/^EWMA z-score over \d+/),
    expect.stringMatching(/^CUSUM/),
  ]);
  for (const row of overall) {
    const [, , raids, recall, median, p95, admitted, falses, surges] = cells(row);
    expect(Number(raids)).toBe(8);
    expect(recall).toMatch(/^\d+%$/);
    expect(median).toMatch(/^(\d+\.\d s|–)$/);
    expect(p95).toMatch(/^(\d+\.\d s|–)$/);
    expect(admitted).toMatch(/^\d+$/);
    expect(falses).toMatch(/^\d+\.\d \(\d+ in 2\)$/);
    expect(surges).toMatch(/^\d+%$/);
  }
  // Each family's rows sit together, one per detector.
  const families = rows.filter((r) => cells(r)[1]?.includes('·')).map((r) => cells(r)[1]?.split(' · ')[1]);
  expect(new Set(families)).toEqual(new Set(['fast-flood', 'slow-drip', 'aged-accounts', 'multi-invite']));

  const html = await readFile(join(plots, 'eval.html'), 'utf8');
  expect(html).not.toMatch(/<script/i);
  for (const name of overall.map((r) => cells(r)[1] ?? ''))
    expect(html).toContain(`data-series="${name.replace(/&/g, '&amp;')}"`);
  const labels = syntheticTraces([21], 1).flatMap((t) => t.labels);
  expect(html.match(/data-episode="/g)).toHaveLength(labels.length);
  expect(html.match(/data-type="surge"/g)).toHaveLength(labels.filter((l) => l.type === 'surge').length);
  expect(html).toMatch(
    /<polyline data-series="score" fill="none" stroke="#d62728" stroke-width="1.5" points="\d/,
  );
}, 120_000);

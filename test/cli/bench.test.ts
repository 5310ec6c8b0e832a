import { expect, it } from 'vitest';
import { ADMIN_URL } from '../support/postgres.ts';
import { spawnTs } from '../support/processes.ts';

const KEYS = [
  'rawHopUs',
  'pipelineUs',
  'costRatio',
  'sustainedRate',
  'p50Ms',
  'p99Ms',
  'atRate',
  'waveClearS',
  'restPerViolation',
  'duplicateActions',
  'rssMaxMb',
  'rssDetectorMb',
];

async function runQuickBench(): Promise<{ code: number | string; stdout: string; output: string }> {
  const run = spawnTs(['libs/cli/src/run.ts', 'bench', '--quick', '--database-url', ADMIN_URL]);
  let stdout = ''; // the table and the JSON line, apart from the progress on stderr
  run.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return { code: await run.exited, stdout, output: run.output() };
}

// The whole bench, short: the compiled services, a sandbox process, every phase.
it('a quick bench prints every figure from real work, the JSON object last', async () => {
  const { code, stdout, output } = await runQuickBench();
  expect(code, output).toBe(0);
  const figures = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  expect(Object.keys(figures)).toEqual(KEYS);
  // CPU read from /proc: the pipeline does more than one hop, and the hop costs something.
  expect(figures.rawHopUs).toBeGreaterThan(0);
  expect(figures.pipelineUs).toBeGreaterThan(figures.rawHopUs ?? 0);
  expect(figures.costRatio).toBeCloseTo((figures.pipelineUs ?? 0) / (figures.rawHopUs ?? 1), 1);
  // Where the CPU went: every core service and the servers, adding up to the pipeline's figure.
  const parts = /where it went \(µs\)\s+(.+)/.exec(stdout)?.[1]?.split(', ') ?? [];
  const byPart = new Map(parts.map((p) => [p.split(' ')[0], Number(p.split(' ')[1])]));
  for (const part of ['gateway', 'content-filter', 'enforcer', 'log-writer', 'nats-server', 'postgres'])
    expect(byPart.get(part), stdout).toBeGreaterThan(0);
  const summed = [...byPart.values()].reduce((a, b) => a + b, 0);
  expect(Math.abs(summed - (figures.pipelineUs ?? 0))).toBeLessThanOrEqual(byPart.size);
  expect(figures.sustainedRate).toBeGreaterThan(0);
  expect(figures.atRate).toBe(Math.round((figures.sustainedRate ?? 0) * 0.6));
  expect(figures.p50Ms).toBeGreaterThan(0);
  expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms ?? 0);
  // The wave really produced deletions: each accepted message deleted, each costing a call.
  const wave = /(\d+) accepted \((\d+) refused\), (\d+) deleted/.exec(stdout);
  expect(Number(wave?.[1])).toBeGreaterThan(0);
  expect(Number(wave?.[3])).toBe(Number(wave?.[1]));
  expect(figures.waveClearS).toBeGreaterThanOrEqual(0);
  expect(figures.restPerViolation).toBeGreaterThanOrEqual(1);
  expect(Number.isInteger(figures.duplicateActions)).toBe(true);
  expect(figures.rssMaxMb).toBeGreaterThan(20);
  expect(figures.rssDetectorMb).toBeGreaterThan(20);
}, 150_000);

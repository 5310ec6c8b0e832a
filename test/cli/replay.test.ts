import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatJoinTrace, generateTraffic } from '@chat-guard/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs } from '../support/processes.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replay-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const guild = {
  guildId: '1000000000000000001',
  channelIds: ['1100000000000000001'],
  memberIds: ['1200000000000000001'],
  inviterIds: ['1300000000000000001'],
  vanityCode: null,
};

it('replays a join trace deterministically, printing only decisions in the JOIN_TRACE.md shape', async () => {
  const plan = generateTraffic({
    seed: 5,
    startMs: Date.UTC(2026, 0, 5),
    durationMs: 2 * 3_600_000,
    guilds: [guild],
    scenario: 'fast-flood',
  });
  const trace = join(dir, 'flood.jsonl');
  await writeFile(trace, formatJoinTrace(plan.events));
  const runs = [
    spawnTs(['libs/cli/src/run.ts', 'replay', trace]),
    spawnTs(['libs/cli/src/run.ts', 'replay', trace]),
  ];
  const codes = await Promise.all(runs.map((r) => r.exited));
  expect(codes).toEqual([0, 0]);
  const [first, second] = runs.map((r) => r.output().trim().split('\n'));
  expect(first).toEqual(second);
  const decisions = (first ?? []).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(decisions.length).toBeGreaterThan(0);
  for (const d of decisions) {
    expect(Object.keys(d)).toEqual(['ts', 'guildId', 'decision', 'score', 'reasons']);
    expect(['gate.start', 'gate.end', 'lockdown.start', 'lockdown.end']).toContain(d.decision);
  }
  // The flood's raiders post spam: the first protective step comes within seconds of the raid.
  const raid = plan.labels[0];
  const step = decisions.find((d) => d.decision === 'gate.start' || d.decision === 'lockdown.start');
  expect(step?.guildId).toBe(guild.guildId);
  expect(Number(step?.ts)).toBeGreaterThanOrEqual(raid?.start ?? 0);
  expect(Number(step?.ts)).toBeLessThanOrEqual((raid?.start ?? 0) + 30_000);
  // Every step that starts also ends once the raid is over.
  for (const level of ['gate', 'lockdown'])
    expect(decisions.filter((d) => d.decision === `${level}.start`).length).toBe(
      decisions.filter((d) => d.decision === `${level}.end`).length,
    );
});

it('jumps over idle time: a trace whose last line lies years ahead replays at once', async () => {
  const plan = generateTraffic({
    seed: 6,
    startMs: Date.UTC(2026, 0, 5),
    durationMs: 3_600_000,
    guilds: [guild],
    scenario: 'organic',
  });
  const last = plan.events.at(-1);
  if (!last) throw new Error('an empty plan');
  const far = { ...last, ts: last.ts + 5 * 365 * 86_400_000 };
  const trace = join(dir, 'far.jsonl');
  await writeFile(trace, formatJoinTrace([...plan.events, far]));
  const began = Date.now();
  const run = spawnTs(['libs/cli/src/run.ts', 'replay', trace]);
  expect(await run.exited).toBe(0);
  expect(Date.now() - began).toBeLessThan(60_000);
});

it('says clearly when the model file is missing or corrupt', async () => {
  const broken = join(dir, 'broken-model');
  const missing = spawnTs(['libs/cli/src/run.ts', 'replay', join(dir, 'none.jsonl'), '--model', broken]);
  expect(await missing.exited).toBe(1);
  await writeFile(join(dir, 'empty.jsonl'), '');
  const noModel = spawnTs(['libs/cli/src/run.ts', 'replay', join(dir, 'empty.jsonl'), '--model', broken]);
  expect(await noModel.exited).toBe(1);
  expect(noModel.output()).toMatch(/model at .*broken-model: metadata\.json is missing/);
  expect(await readFile(join(dir, 'empty.jsonl'), 'utf8')).toBe('');
});

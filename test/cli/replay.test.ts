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
    expect(['lockdown.start', 'lockdown.end']).toContain(d.decision);
  }
  const raid = plan.labels[0];
  expect(decisions[0]).toMatchObject({ decision: 'lockdown.start', guildId: guild.guildId });
  expect(decisions[0]?.ts).toBeGreaterThanOrEqual(raid?.start ?? 0);
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

it('refuses a trace whose clock jumps years ahead, at once and naming the event, instead of ticking through it', async () => {
  const start = Date.UTC(2026, 0, 5);
  const guildLine = (ts: number) => ({
    type: 'guild',
    ts,
    guildId: guild.guildId,
    memberCount: 100,
    vanityCode: null,
  });
  const trace = join(dir, 'future.jsonl');
  const farFuture = start + 10 * 365 * 24 * 3_600_000;
  await writeFile(
    trace,
    [guildLine(start), guildLine(start + 1_000), guildLine(farFuture)]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join(''),
  );
  const began = Date.now();
  const run = spawnTs(['libs/cli/src/run.ts', 'replay', trace]);
  expect(await run.exited).toBe(1);
  expect(Date.now() - began).toBeLessThan(20_000);
  expect(run.output()).toMatch(/event 3 comes 87600 h after the one before it/);
  const allowed = spawnTs(['libs/cli/src/run.ts', 'replay', trace, '--max-gap-hours', 'x']);
  expect(await allowed.exited).toBe(2);
});

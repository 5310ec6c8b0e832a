import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJoinTrace, parseLabels } from '@chat-guard/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportTraces } from '../../libs/cli/src/model/exportTraces.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { spawnTs } from '../support/processes.ts';

const GUILD = '1100000000000000001';
const OTHER = '1100000000000000002';
const T0 = Date.UTC(2026, 2, 1, 12);
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let dir: string;

const join_ = (
  guild: string,
  user: string,
  atS: number,
  confidence: string,
  extra: Record<string, unknown> = {},
) => ({
  guild_id: guild,
  user_id: user,
  joined_at: new Date(T0 + atS * 1000),
  account_created_at: new Date(T0 - 86_400_000),
  invite_code: confidence === 'exact' || confidence === 'ambiguous' ? 'aB3dEf' : null,
  inviter_id: null,
  confidence,
  username: `luna_${user.slice(-2)}`,
  avatar: null,
  ...extra,
});

beforeAll(async () => {
  database = await migratedDatabase();
  dir = await mkdtemp(join(tmpdir(), 'model-export-'));
  await database.db
    .insertInto('member_join')
    .values([
      join_(GUILD, '1300000000000000011', 10, 'exact', { left_at: new Date(T0 + 35_000), avatar: 'a1b2' }),
      join_(GUILD, '1300000000000000012', 20, 'vanity'),
      join_(GUILD, '1300000000000000013', 30, 'ambiguous'),
      join_(GUILD, '1300000000000000014', 40, 'unknown', { bot: true }),
      join_(GUILD, '1300000000000000015', 40, 'exact'),
      join_(OTHER, '1300000000000000021', 25, 'exact'),
    ])
    .execute();
  const lockdown = (id: string, guild: string) => ({
    id,
    guild_id: guild,
    status: 'lifted' as const,
    shadow: false,
    score: 0.97,
    reasons: JSON.stringify(['why']),
    features: JSON.stringify({}),
    raid_window_start: new Date(T0),
    started_at: new Date(T0 + 15_000),
  });
  await database.db
    .insertInto('lockdown')
    .values([lockdown('l1', GUILD), lockdown('l2', OTHER)])
    .execute();
  const label = (id: string, guild: string, value: 'raid' | 'false-alarm', answer: string) => ({
    lockdown_id: id,
    guild_id: guild,
    label: value,
    window_start: new Date(T0 + 10_000),
    window_end: new Date(T0 + 40_000),
    answer,
    labelled_by: '1400000000000000001',
    labelled_at: new Date(T0 + 60_000),
  });
  await database.db
    .insertInto('raid_label')
    .values([label('l1', GUILD, 'raid', 'confirm'), label('l2', OTHER, 'false-alarm', 'false-alarm')])
    .execute();
});
afterAll(async () => {
  await database?.close();
  await rm(dir, { recursive: true, force: true });
});

it('exports the join history and labels as a join trace, a page at a time, in time order', async () => {
  const out = join(dir, 'paged');
  const lines: string[] = [];
  const result = await exportTraces({
    databaseUrl: database.url,
    out,
    pageSize: 2,
    progress: (l) => lines.push(l),
  });
  expect(result).toEqual({ events: 7, labels: 2 });
  const events = parseJoinTrace(await readFile(join(out, 'trace.jsonl'), 'utf8'));
  expect(events.map((e) => `${e.type}@${(e.ts - T0) / 1000}`)).toEqual([
    'member.joined@10',
    'member.joined@20',
    'member.joined@25',
    'member.joined@30',
    'member.left@35',
    'member.joined@40',
    'member.joined@40',
  ]);
  const joined = events.filter((e) => e.type === 'member.joined');
  expect(joined.map((e) => e.inviteCode)).toEqual(['aB3dEf', 'vanity', 'aB3dEf', null, null, 'aB3dEf']);
  expect(joined[0]).toMatchObject({
    userId: '1300000000000000011',
    username: 'luna_11',
    avatar: 'a1b2',
    bot: false,
  });
  expect(joined.find((e) => e.userId === '1300000000000000014')?.bot).toBe(true);
  const labels = parseLabels(await readFile(join(out, 'labels.jsonl'), 'utf8'));
  expect(labels).toEqual(
    expect.arrayContaining([
      { type: 'raid', guildId: GUILD, start: T0 + 10_000, end: T0 + 40_000, family: 'confirmed' },
      { type: 'surge', guildId: OTHER, start: T0 + 10_000, end: T0 + 40_000, family: 'false-alarm' },
    ]),
  );
  expect(lines.at(-1)).toMatch(/wrote 7 events and 2 labels/);
});

it('exports one guild since a date from the command line, and reports the model on the export', async () => {
  const out = join(dir, 'one-guild');
  const run = spawnTs([
    'libs/cli/src/run.ts',
    'model',
    'export',
    '--database-url',
    database.url,
    '--out',
    out,
    '--guild',
    GUILD,
    '--since',
    new Date(T0 + 15_000).toISOString(),
  ]);
  expect(await run.exited, run.output()).toBe(0);
  const events = parseJoinTrace(await readFile(join(out, 'trace.jsonl'), 'utf8'));
  expect(events.every((e) => e.guildId === GUILD && e.ts >= T0 + 15_000)).toBe(true);
  expect(events).toHaveLength(5);
  const labels = parseLabels(await readFile(join(out, 'labels.jsonl'), 'utf8'));
  expect(labels.map((l) => l.family)).toEqual(['confirmed']);

  // The protocol reports on exported real traces beside the generators' report seeds.
  const report = spawnTs(['libs/cli/src/run.ts', 'model', 'eval', '--scale', '0.05', '--traces', out]);
  expect(await report.exited, report.output()).toBe(0);
  const row = report
    .output()
    .split('Exported real traces:')[1]
    ?.split('\n')
    .find((line) => /^\| 1 \|/.test(line));
  const cells = row?.split('|').map((c) => c.trim()) ?? [];
  expect(cells[1]).toBe('1');
  // As many raids as the export labelled (an admin's confirmed lockdown is a raid).
  expect(Number(cells[2])).toBe(labels.filter((l) => l.type === 'raid').length);
}, 120_000);

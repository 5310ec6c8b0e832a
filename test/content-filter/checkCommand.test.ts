import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed `chat-guard check` with the given stdin, as an admin would. */
function chatGuardCheck(args: string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(repoRoot, 'node_modules/.bin/chat-guard'), ['check', ...args], {
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const lines = (...values: unknown[]) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
const verdicts = (run: Run) =>
  run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: unknown; violations: { type: string; detail: string }[] });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chat-guard-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(config));
  return file;
}

describe('chat-guard check', () => {
  it('writes one verdict per valid line, reports bad lines by number, and exits 1 for them', async () => {
    const config = await configFile('guild.json', {
      linkGuard: true,
      filteredWords: ['noob'],
      massPingThreshold: 2,
    });
    const at = 1_700_000_000_000;
    const run = await chatGuardCheck(
      ['--config', config, '--allow-invite', 'https://discord.gg/ours1', '--allow-invite', 'ours2,ours3'],
      lines(
        { id: 'clean', content: 'good morning everyone', authorId: '1', at },
        { id: 'words', content: 'f u c k off, n00b', authorId: '2', at },
        'this is not json',
        { id: 'no-content' },
        {
          id: 'invites',
          content: 'discord.gg/ours1, discord.gg/ours2 and discord.gg/theirs',
          authorId: '3',
          at,
        },
        {
          id: 'pings',
          content: '<@111111111111111111> <@!222222222222222222> <@&333333333333333333>',
          authorId: '4',
          at,
        },
        { id: 'everyone', content: '@everyone look', authorId: '5', at, permissions: String(1n << 17n) },
        '',
        { id: 'copy-1', content: 'buy gold', authorId: '6', at },
        { id: 'copy-2', content: 'buy gold', authorId: '6', at: at + 100 },
        { id: 'copy-3', content: 'BUY  GOLD', authorId: '6', at: at + 200 },
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^line 3: not valid JSON/m);
    expect(run.stderr).toMatch(/^line 4: content: missing$/m);
    const byId = Object.fromEntries(verdicts(run).map((v) => [v.id, v.violations.map((x) => x.type)]));
    expect(byId).toEqual({
      clean: [],
      words: ['bad_word'],
      invites: ['invite'],
      pings: ['mass_mention'],
      everyone: [],
      'copy-1': [],
      'copy-2': [],
      'copy-3': ['spam'],
    });
    const invite = verdicts(run).find((v) => v.id === 'invites')?.violations[0]?.detail;
    expect(invite).toBe('invite to another server: "discord.gg/theirs"');
  });

  it('exits 0 when every line was checked', async () => {
    const run = await chatGuardCheck(
      ['--config', await configFile('empty.json', {})],
      lines({ id: 1, content: 'hi' }),
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(verdicts(run)).toEqual([{ id: 1, violations: [] }]);
  });

  it('names each unknown or ill-typed config field and exits 2', async () => {
    const file = await configFile('bad.json', { spamGuard: 'yes', massPingTreshold: 3, whiteListRoles: [5] });
    const run = await chatGuardCheck(['--config', file], '');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').sort()).toEqual(
      [
        `${file}: spamGuard: expected boolean, received string`,
        `${file}: massPingTreshold: unknown field`,
        `${file}: whiteListRoles[0]: expected string, received number`,
      ].sort(),
    );
    expect(run.stdout).toBe('');
  });

  it('validates the member gate settings with the same schema, naming the bad fields', async () => {
    const file = await configFile('gate.json', {
      gate: { mode: 'sometimes', altAccountLimit: 1, entryChecks: { namePatterns: ['(unclosed'] } },
    });
    const run = await chatGuardCheck(['--config', file], '');
    expect(run.code).toBe(2);
    const problems = run.stderr.trim().split('\n');
    expect(problems).toHaveLength(3);
    for (const field of ['gate.mode', 'gate.altAccountLimit', 'gate.entryChecks.namePatterns[0]'])
      expect(
        problems.some((p) => p.startsWith(`${file}: ${field}: `)),
        field,
      ).toBe(true);
  });
});

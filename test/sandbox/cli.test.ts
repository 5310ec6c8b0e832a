import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJoinTrace, parseLabels } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../libs/cli/bin/chat-guard.mjs', import.meta.url));

function run(args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  firstLine: Promise<string>;
} {
  const child = spawn(process.execPath, [bin, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, firstLine };
}

describe('npx chat-guard sandbox', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one JSON line when ready, serves the API, writes the trace and labels, and exits cleanly on SIGTERM', async () => {
    const trace = join(dir, 'raid.jsonl');
    const proc = run([
      '--port',
      '0',
      '--guilds',
      '3',
      '--seed',
      '5',
      '--scenario',
      'fast-flood',
      '--duration',
      '60',
      '--speed',
      'max',
      '--trace-out',
      trace,
    ]);
    const ready = JSON.parse(await proc.firstLine) as { api: string; token: string; guilds: string[] };
    expect(Object.keys(ready)).toEqual(['api', 'token', 'guilds']);
    expect(ready.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(ready.guilds).toHaveLength(3);
    const gateway = await fetch(`${ready.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${ready.token}` },
    });
    expect(((await gateway.json()) as { url: string }).url).toBe(
      `${ready.api.replace('http', 'ws').replace(/\/api$/, '')}/gateway`,
    );
    const events = parseJoinTrace(await readFile(trace, 'utf8'));
    expect(new Set(events.map((e) => e.guildId))).toEqual(new Set(ready.guilds));
    expect(
      parseLabels(await readFile(join(dir, 'raid.labels.jsonl'), 'utf8')).every(
        (l) => l.family === 'fast-flood',
      ),
    ).toBe(true);
    const exited = once(proc.child, 'exit');
    proc.child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(proc.stdout().trim().split('\n')).toHaveLength(1);
    expect(proc.stderr()).toContain('stopping on SIGTERM');
  });

  it('replays a join trace into the guilds it names', async () => {
    const trace = join(dir, 'replay.jsonl');
    const guildId = String((1_100_000_000_000n << 22n) | 5n);
    const lines = [
      { type: 'guild', ts: 1, guildId, memberCount: 10, vanityCode: null },
      {
        type: 'member.joined',
        ts: 2,
        guildId,
        userId: '300000000000000042',
        username: 'luna_88',
        globalName: 'Luna',
        avatar: null,
        bot: false,
        inviteCode: null,
      },
    ];
    await writeFile(trace, lines.map((l) => JSON.stringify(l)).join('\n'));
    const proc = run(['--guilds', '0', '--replay', trace, '--speed', 'max']);
    const ready = JSON.parse(await proc.firstLine) as { api: string; token: string; guilds: string[] };
    expect(ready.guilds).toEqual([guildId]);
    let member: Response | undefined;
    for (let i = 0; i < 50 && member?.status !== 200; i++) {
      member = await fetch(`${ready.api}/v10/guilds/${guildId}/members/300000000000000042`, {
        headers: { authorization: `Bot ${ready.token}` },
      });
      if (member.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const body = (await member?.json()) as { user: { username: string } } | undefined;
    expect(body?.user.username).toBe('luna_88');
    const exited = once(proc.child, 'exit');
    proc.child.kill('SIGINT');
    expect((await exited)[0]).toBe(0);
  });

  it('rejects an unknown scenario with a usage error and exit code 2', async () => {
    const proc = run(['--scenario', 'nope']);
    const outcome = proc.firstLine.then(
      () => 'ready',
      (err: Error) => err.message,
    );
    expect(await outcome).toMatch(/^exited 2 before ready/);
    expect(proc.stderr()).toContain('--scenario must be one of');
    expect(proc.stdout()).toBe('');
  });
});

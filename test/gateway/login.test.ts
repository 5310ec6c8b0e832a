import { connectBus } from '@chat-guard/bus';
import { topology } from '@chat-guard/events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fatalCloseError, isTokenRejected } from '../../services/gateway/src/loginToDiscord.ts';
import { NATS_URL, uniqueNamespace } from '../support/bus.ts';
import { ADMIN_URL, freshDatabase } from '../support/postgres.ts';
import { spawnService, spawnTs } from '../support/processes.ts';

// A newcomer's wrong token or unreachable Discord: one clear line, a bounded exit, no stack.

const STACK = /\\n\s+at |"stack"/;
let sandbox: Sandbox;
const namespace = uniqueNamespace();

beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 5 });
});
const database = freshDatabase();
afterAll(async () => {
  await sandbox?.close();
  const bus = await connectBus({ servers: NATS_URL, name: 'login-test-cleanup', namespace, topology });
  for (const stream of topology.streams)
    await bus.jsm.streams.delete(bus.ns.stream(stream.name)).catch(() => false);
  await bus.nc.close();
  await database.drop();
});

function gateway(env: NodeJS.ProcessEnv) {
  return spawnService('gateway', {
    NATS_URL,
    NATS_NAMESPACE: namespace,
    DATABASE_URL: ADMIN_URL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    ...env,
  });
}

describe('the gateway at start', () => {
  it('exits 78 at once with one line naming DISCORD_TOKEN when Discord rejects the token', async () => {
    const started = Date.now();
    const run = gateway({ DISCORD_API_URL: sandbox.api, DISCORD_TOKEN: 'bad.token.x' });
    expect(await run.exited).toBe(78);
    expect(Date.now() - started).toBeLessThan(30_000);
    const fatal = run
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('"variable":"DISCORD_TOKEN"');
    expect(fatal[0]).toMatch(/Discord rejected the bot token/);
    expect(run.output()).not.toMatch(STACK);
  }, 60_000);

  it('retries an unreachable Discord with one line per attempt, then gives up naming DISCORD_API_URL', async () => {
    const run = gateway({
      DISCORD_API_URL: 'http://127.0.0.1:1/api',
      DISCORD_TOKEN: sandbox.token,
      DISCORD_CONNECT_DEADLINE_MS: '4000',
    });
    expect(await run.exited).toBe(1);
    const retries = run
      .output()
      .split('\n')
      .filter((line) =>
        line.includes('cannot reach Discord at http://127.0.0.1:1/api (DISCORD_API_URL); retrying'),
      );
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const line of retries) expect(line).not.toMatch(STACK);
    expect(run.output()).toMatch(
      /"level":"fatal".*cannot reach Discord at http:\/\/127\.0\.0\.1:1\/api \(DISCORD_API_URL\) after \d+ attempts/,
    );
  }, 60_000);
});

describe('chat-guard up with a rejected token', () => {
  it('stops the gateway instead of restarting it, says so, and exits 78', async () => {
    const up = spawnTs(['libs/cli/src/run.ts', 'up', '--only', 'gateway', '--scenario', 'none'], {
      NATS_URL,
      NATS_NAMESPACE: namespace,
      DATABASE_URL: database.url,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DISCORD_API_URL: sandbox.api,
      DISCORD_TOKEN: 'bad.token.x',
    });
    expect(await up.exited).toBe(78);
    expect(up.output()).toMatch(/gateway +fatal +Discord rejected the bot token/);
    expect(up.output()).toContain('gateway stopped: its configuration is wrong (exit 78)');
    expect(up.output()).not.toMatch(/restarting in/);
  }, 90_000);
});

describe('which failures are fatal', () => {
  it.each([
    [4004, 'DISCORD_TOKEN'],
    [4014, 'DISCORD_TOKEN'],
    [4011, 'SHARD_COUNT'],
  ])('close code %i names %s', (code, variable) => {
    expect(fatalCloseError(code, 0)?.variable).toBe(variable);
  });

  it.each([1000, 4000, 4009])('close code %i is one Discord lets us resume or reconnect from', (code) => {
    expect(fatalCloseError(code, 0)).toBeNull();
  });

  it('treats a 401 and discord.js TokenInvalid as a rejected token, and a refused connection as not', () => {
    expect(isTokenRejected({ status: 401 })).toBe(true);
    expect(isTokenRejected({ code: 'TokenInvalid' })).toBe(true);
    expect(isTokenRejected({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isTokenRejected(new Error('socket hang up'))).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CACHE_LIMITS } from '../../services/gateway/src/discordClient.ts';
import { withBundles } from '../support/bundles.ts';
import { repoRoot } from '../support/processes.ts';

const FIXTURE = join(repoRoot, 'test/fixtures/discordCacheLimits.ts');

/** The limits the gateway asks of discord.js, as the fixture prints them. */
const asked = {
  MessageManager: CACHE_LIMITS.MessageManager,
  GuildMemberManager: CACHE_LIMITS.GuildMemberManager.maxSize,
  UserManager: CACHE_LIMITS.UserManager.maxSize,
};

function limitsFrom(args: string[]): unknown {
  const out = execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

it('the gateway client keeps no messages and a bounded number of members and users, from source', () => {
  expect(limitsFrom(['--import', 'tsx', FIXTURE])).toEqual(asked);
});

it('and from the bundles the image runs, where discord.js finds its managers by class name', {
  timeout: 120_000,
}, async () => {
  // Without esbuild's keepNames, MessageManager became `_MessageManager` in the bundle, and
  // discord.js, which looks the limits up by class name, kept every message.
  await withBundles({ probe: FIXTURE }, (out) => {
    expect(limitsFrom([join(out, 'probe.mjs')])).toEqual(asked);
  });
});

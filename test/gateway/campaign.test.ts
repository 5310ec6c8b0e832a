import { recordJoin } from '@chat-guard/campaigns';
import { createDiscordRest } from '@chat-guard/discord';
import { defaultGuildConfig, topology } from '@chat-guard/events';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CampaignRequest, runCampaign } from '../../services/gateway/src/commands/campaignCommand.ts';
import { CommandRefused } from '../../services/gateway/src/commands/commandRefused.ts';
import { busFactory, uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';

const ADMIN = '1300000000000000007';
const NOW = Date.UTC(2026, 10, 23, 12);
let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let factory: ReturnType<typeof busFactory>;
let guildId: string;
let channelId: string;

beforeEach(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 33 });
  database = await migratedDatabase();
  factory = busFactory(uniqueNamespace(), topology);
  await (await factory.open()).provision();
  guildId = sandbox.guilds[0] ?? '';
  channelId = sandbox.inspect.guild(guildId).channels.general ?? '';
});
afterEach(async () => {
  await factory.cleanup();
  await database.close();
  await sandbox.close();
});

async function campaign(subcommand: string, options: CampaignRequest['options'] = {}) {
  const deps = {
    db: database.db,
    bus: await factory.open('gateway'),
    discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
    config: () => defaultGuildConfig(),
    now: () => NOW,
  };
  try {
    return await runCampaign(deps, { guildId, userId: ADMIN, subcommand, options });
  } catch (err) {
    if (err instanceof CommandRefused) return `refused: ${err.reply}`;
    throw err;
  }
}

describe('/campaign', () => {
  it('creates a labelled invite on Discord, reports its stats, and ends it', async () => {
    const created = await campaign('create', { name: 'Spring stream', channel: channelId, max_uses: 50 });
    const code = /discord\.gg\/(\w+)/.exec(created)?.[1] ?? '';
    expect(created).toMatch(/^Campaign \*\*Spring stream\*\* created: https:\/\/discord\.gg\/\w+$/);
    expect(sandbox.state.guilds[guildId]?.invites[code]).toMatchObject({ maxUses: 50, channelId });
    expect(await campaign('create', { name: 'spring STREAM', channel: channelId })).toMatch(
      /refused: .*already running/,
    );

    await recordJoin(database.db, {
      guildId,
      userId: '1300000000000000201',
      joinedAt: NOW - 3 * 86_400_000,
      accountCreatedAt: NOW - 500 * 86_400_000,
      inviteCode: code,
      inviterId: ADMIN,
      confidence: 'exact',
    });
    const stats = await campaign('stats', { name: 'spring stream' });
    expect(stats).toContain('**Spring stream**: 1 joins, 1 still here, 0 left, 0 fake');
    expect(stats).toContain(`1. <@${ADMIN}>: 1 joins`);
    expect(await campaign('list')).toContain(`**Spring stream** · discord.gg/${code} · running`);

    expect(await campaign('end', { name: 'Spring stream' })).toContain('ended');
    expect(sandbox.state.guilds[guildId]?.invites[code]).toBeUndefined();
    expect(await campaign('list')).toContain('· ended 2026-11-23');
    expect(await campaign('stats', { name: 'Spring stream' })).toContain('1 joins');
  });

  it.each<[string, CampaignRequest['options'], RegExp]>([
    ['create', { name: '', channel: '1' }, /`name` must be 1 to 50 characters/],
    ['create', { name: 'x', channel: 'general' }, /`channel` must be a channel/],
    [
      'create',
      { name: 'x', channel: '1100000000000000100', max_uses: 500 },
      /`max_uses` must be a whole number from 0 to 100/,
    ],
    ['stats', { name: 'nothing' }, /no campaign named "nothing"/],
    ['end', { name: 'nothing' }, /no running campaign named "nothing"/],
  ])('refuses /campaign %s with %o, saying what was wrong', async (subcommand, options, pattern) => {
    expect(await campaign(subcommand, options)).toMatch(pattern);
  });
});

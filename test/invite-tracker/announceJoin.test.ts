import { recordJoin } from '@chat-guard/campaigns';
import { createDiscordRest } from '@chat-guard/discord';
import { defaultGuildConfig, type EventPayload } from '@chat-guard/events';
import { announceJoin } from '@chat-guard/invite-tracker';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedDatabase } from '../support/postgres.ts';

let sandbox: Sandbox;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let guildId: string;
beforeEach(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 61 });
  database = await migratedDatabase();
  guildId = sandbox.guilds[0] ?? '';
});
afterEach(async () => {
  await database.close();
  await sandbox.close();
});

const DAY = 86_400_000;
function attributed(userId: string, joinedAt: number, over: Partial<EventPayload<'member.attributed'>> = {}) {
  return {
    guildId,
    userId,
    username: 'newcomer',
    globalName: null,
    avatar: null,
    bot: false,
    joinedAt,
    accountCreatedAt: joinedAt - 400 * DAY,
    accountAgeMs: 400 * DAY,
    inviteCode: null,
    inviterId: null,
    confidence: 'unknown' as const,
    candidates: [],
    reason: 'no-change' as const,
    campaign: null,
    ...over,
  };
}

describe('the join message', () => {
  it('says who invited the newcomer and their invite count, once per join, only where configured', async () => {
    const channelId = sandbox.inspect.guild(guildId).channels.general ?? '';
    const inviter = sandbox.inspect.guild(guildId).memberIds[0] ?? '';
    const now = Date.now();
    const config = { ...defaultGuildConfig(), inviteCounts: { joinMessageChannelId: channelId } };
    const deps = {
      db: database.db,
      discord: createDiscordRest({ api: sandbox.api, token: sandbox.token }),
      config: () => config,
      now: () => now,
    };
    // Two earlier joins through the inviter, past the fake window: 2 invites.
    for (const days of [5, 4])
      await recordJoin(database.db, {
        guildId,
        userId: `13000000000000000${days}0`,
        joinedAt: now - days * DAY,
        accountCreatedAt: now - 400 * DAY,
        inviteCode: 'abc',
        inviterId: inviter,
        confidence: 'exact',
      });
    const join = attributed('1300000000000000077', now - 1_000, {
      inviteCode: 'abc',
      inviterId: inviter,
      confidence: 'exact',
      reason: null,
      method: 'member-search',
    });
    expect(await announceJoin(deps, join)).toBe('posted');
    expect(await announceJoin(deps, join)).toBe('posted');
    const sent = sandbox.inspect.actions({ kind: 'message.sent', channelId });
    expect(sent.map((a) => a.data.content)).toEqual([
      `<@1300000000000000077> joined, invited by <@${inviter}> (2 invites).`,
    ]);

    expect(
      await announceJoin(
        deps,
        attributed('1300000000000000078', now - 1_000, {
          confidence: 'vanity',
          inviteCode: 'club',
          reason: null,
        }),
      ),
    ).toBe('posted');
    expect(await announceJoin(deps, attributed('1300000000000000079', now - 1_000))).toBe('posted');
    expect(
      sandbox.inspect
        .actions({ kind: 'message.sent', channelId })
        .slice(1)
        .map((a) => a.data.content),
    ).toEqual([
      "<@1300000000000000078> joined through the server's vanity URL.",
      '<@1300000000000000079> joined; who invited them is not known for sure.',
    ]);
    expect(await announceJoin(deps, attributed('1300000000000000080', now - 11 * 60_000))).toBe('skipped');
    expect(await announceJoin({ ...deps, config: () => defaultGuildConfig() }, join)).toBe('off');
  });
});

import { isDependencyDown } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { InviteSnapshots, refreshSnapshot, SnapshotWatch } from '@chat-guard/invite-tracker';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { redisKeys } from '@chat-guard/store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildInviteCodes } from '../../services/content-filter/src/guildInviteCodes.ts';

let sandbox: Sandbox;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
beforeAll(async () => {
  sandbox = await startSandbox({
    guilds: [{ vanityCode: 'ourplace' }, { botLacks: ['ManageGuild'] }],
    seed: 21,
  });
});
afterAll(async () => {
  await sandbox.close();
  redis.disconnect();
});

describe('the invite snapshot', () => {
  it('is rebuilt from Discord with every invite, its uses, its campaign and the vanity code', async () => {
    const [guildId = ''] = sandbox.guilds;
    const a = sandbox.users.createInvite({ guildId, maxUses: 5 });
    const b = sandbox.users.createInvite({ guildId });
    sandbox.users.addMember({ guildId, inviteCode: a.code });
    const snapshots = new InviteSnapshots(redis);
    await snapshots.upsert(guildId, {
      code: 'stale',
      channelId: null,
      inviterId: null,
      uses: 0,
      maxUses: 0,
      expiresAt: null,
    });
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });

    const campaigns = async () => new Map([[b.code, 'Spring stream']]);
    const outcome = await refreshSnapshot(discord, snapshots, guildId, 'ourplace', campaigns);
    expect(outcome).toMatchObject({ kind: 'refreshed', vanity: 'ourplace' });
    const { invites, vanity } = await snapshots.read(guildId);
    const byCode = Object.fromEntries(invites.map((i) => [i.code, i]));
    expect(byCode[a.code]).toMatchObject({ uses: 1, maxUses: 5 });
    expect(byCode[b.code]).toMatchObject({ uses: 0, campaign: 'Spring stream' });
    expect(byCode[a.code]).toMatchObject({ campaign: null });
    expect(byCode.stale).toBeUndefined();
    expect(vanity).toBe('ourplace');
  });

  it('says so, without failing, where the bot may not list invites', async () => {
    const guildId = sandbox.guilds[1] ?? '';
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    const outcome = await refreshSnapshot(discord, new InviteSnapshots(redis), guildId, null);
    expect(outcome).toMatchObject({ kind: 'not permitted', reason: expect.stringContaining('403') });
  });

  it('lost by Redis, is rebuilt by the watch, and the content-filter waits for it instead of judging with none', async () => {
    const [guildId = ''] = sandbox.guilds;
    const own = sandbox.users.createInvite({ guildId });
    const snapshots = new InviteSnapshots(redis);
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    await refreshSnapshot(discord, snapshots, guildId, 'ourplace');
    const codes = new GuildInviteCodes(redis, 0);
    expect(await codes.of(guildId)).toContain(own.code);

    // Redis restarted empty.
    await redis.del(
      redisKeys.invites(guildId),
      redisKeys.vanity(guildId),
      redisKeys.snapshotRebuiltAt(guildId),
    );
    const waiting = await codes.of(guildId).then(
      () => 'judged with an empty list',
      (err: unknown) => (isDependencyDown(err) ? 'kept for later' : String(err)),
    );
    expect(waiting).toBe('kept for later');

    const watch = new SnapshotWatch(redis);
    watch.note(guildId, 'ourplace');
    watch.note(sandbox.guilds[1] ?? '');
    const rebuilt = await watch.rebuildLost(async (g, vanity) => {
      await refreshSnapshot(discord, snapshots, g, vanity);
    });
    expect(rebuilt).toContain(guildId);
    const after = await codes.of(guildId);
    expect(after).toContain(own.code);
    expect(after).toContain('ourplace');
    expect(await watch.rebuildLost(async () => undefined)).toEqual([]);
  });

  it('where the bot may not list invites, is still marked built, so nothing waits for it', async () => {
    const guildId = sandbox.guilds[1] ?? '';
    const discord = createDiscordRest({ api: sandbox.api, token: sandbox.token });
    await refreshSnapshot(discord, new InviteSnapshots(redis), guildId, null);
    expect(await redis.get(redisKeys.snapshotRebuiltAt(guildId))).not.toBeNull();
  });
});

import { errorMessage } from '@chat-guard/bus';
import { campaignsByInvite, recordLeave } from '@chat-guard/campaigns';
import { createDiscordRest } from '@chat-guard/discord';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { discordEnv, runService, startPeriodic } from '@chat-guard/runtime';
import { announceJoin } from './announceJoin.ts';
import { AttributionStore } from './attributionStore.ts';
import { InviteSnapshots } from './inviteSnapshots.ts';
import { JoinBatcher } from './joinBatcher.ts';
import { MemberSearch } from './memberSearch.ts';
import { recordAttribution } from './recordAttribution.ts';
import { refreshSnapshot } from './refreshSnapshot.ts';
import { SnapshotWatch } from './watchSnapshots.ts';

const SNAPSHOT_CHECK_INTERVAL_MS = 2_000;

await runService({
  name: 'invite-tracker',
  defaultHttpPort: 8083,
  env: discordEnv,
  needs: { postgres: true, redis: true },
  async start({ env, redis, postgres, bus, consume, logger, onShutdown }) {
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const snapshots = new InviteSnapshots(redis);
    const watch = new SnapshotWatch(redis);
    await consume('invite-tracker-guilds', {
      'guild.available': async (guild) => {
        watch.note(guild.guildId, guild.vanityCode);
        const outcome = await refreshSnapshot(discord, snapshots, guild.guildId, guild.vanityCode, (g) =>
          campaignsByInvite(postgres.db, g),
        );
        if (outcome.kind === 'refreshed')
          logger.info({ guildId: guild.guildId, ...outcome }, 'invite snapshot rebuilt');
        else logger.warn({ guildId: guild.guildId, reason: outcome.reason }, 'may not list invites');
      },
    });
    await consume('invite-tracker-invites', {
      'invite.created': async (invite) => {
        watch.note(invite.guildId);
        await snapshots.add(invite.guildId, {
          campaign: (await campaignsByInvite(postgres.db, invite.guildId)).get(invite.code) ?? null,
          code: invite.code,
          channelId: invite.channelId,
          inviterId: invite.inviterId,
          uses: invite.uses,
          maxUses: invite.maxUses,
          expiresAt: invite.maxAgeSec > 0 ? invite.createdAt + invite.maxAgeSec * 1000 : null,
        });
      },
      'invite.deleted': (invite) => snapshots.remove(invite.guildId, invite.code),
    });
    const memberSearch = new MemberSearch({
      discord,
      onUnavailable: (guildId, reason) =>
        logger.warn(
          { guildId, reason },
          'member search unavailable; attributing by invite uses alone for now',
        ),
      onAvailable: (guildId) => logger.info({ guildId }, 'member search works again'),
    });
    const batcher = new JoinBatcher({
      discord,
      store: new AttributionStore(redis),
      memberSearch,
      maxBatch: env.CONSUMER_CONCURRENCY,
    });
    await consume('invite-tracker-members', {
      // Acked only once the attribution is stored and published: a crash loses no join.
      'member.joined': async (join) => {
        watch.note(join.guildId);
        const attributed = await recordAttribution(postgres.db, await batcher.attribute(join));
        await bus.publish('member.attributed', attributed);
      },
      'member.left': (left) => recordLeave(postgres.db, left.guildId, left.userId, left.leftAt),
    });
    // Redis restarted empty: rebuild the snapshots it lost now, not at each guild's next join.
    const rebuilds = startPeriodic(
      SNAPSHOT_CHECK_INTERVAL_MS,
      async () => {
        const lost = await watch.rebuildLost(async (guildId, vanity) => {
          const outcome = await refreshSnapshot(discord, snapshots, guildId, vanity, (g) =>
            campaignsByInvite(postgres.db, g),
          );
          logger.warn({ guildId, outcome: outcome.kind }, 'invite snapshot lost by Redis; rebuilt');
        });
        if (lost.length > 0) logger.info({ guilds: lost.length }, 'invite snapshots rebuilt');
      },
      (err) => logger.warn({ err: errorMessage(err) }, 'checking the invite snapshots failed'),
    );
    onShutdown(() => rebuilds.stop());
    const announceDeps = { db: postgres.db, discord, config: (g: string) => configs.get(g), now: Date.now };
    await consume('invite-tracker-announcements', {
      'member.attributed': async (attributed) => {
        const outcome = await announceJoin(announceDeps, attributed);
        if (typeof outcome === 'object')
          logger.warn(
            { guildId: attributed.guildId, err: outcome.refused },
            'the join message channel refused it',
          );
      },
    });
  },
});

import { campaignsByInvite, recordLeave } from '@chat-guard/campaigns';
import { createDiscordRest } from '@chat-guard/discord';
import { discordEnv, runService } from '@chat-guard/runtime';
import { AttributionStore } from './attributionStore.ts';
import { InviteSnapshots } from './inviteSnapshots.ts';
import { JoinBatcher } from './joinBatcher.ts';
import { recordAttribution } from './recordAttribution.ts';
import { refreshSnapshot } from './refreshSnapshot.ts';

await runService({
  name: 'invite-tracker',
  defaultHttpPort: 8083,
  env: discordEnv,
  needs: { postgres: true, redis: true },
  async start({ env, redis, postgres, bus, consume, logger }) {
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const snapshots = new InviteSnapshots(redis);
    await consume('invite-tracker-guilds', {
      'guild.available': async (guild) => {
        const outcome = await refreshSnapshot(discord, snapshots, guild.guildId, guild.vanityCode, (g) =>
          campaignsByInvite(postgres.db, g),
        );
        if (outcome.kind === 'refreshed')
          logger.info({ guildId: guild.guildId, ...outcome }, 'invite snapshot rebuilt');
        else logger.warn({ guildId: guild.guildId, reason: outcome.reason }, 'may not list invites');
      },
    });
    await consume('invite-tracker-invites', {
      'invite.created': async (invite) =>
        snapshots.add(invite.guildId, {
          campaign: (await campaignsByInvite(postgres.db, invite.guildId)).get(invite.code) ?? null,
          code: invite.code,
          channelId: invite.channelId,
          inviterId: invite.inviterId,
          uses: invite.uses,
          maxUses: invite.maxUses,
          expiresAt: invite.maxAgeSec > 0 ? invite.createdAt + invite.maxAgeSec * 1000 : null,
        }),
      'invite.deleted': (invite) => snapshots.remove(invite.guildId, invite.code),
    });
    const batcher = new JoinBatcher({
      discord,
      store: new AttributionStore(redis),
      maxBatch: env.CONSUMER_CONCURRENCY,
    });
    await consume('invite-tracker-members', {
      // Acked only once the attribution is stored and published: a crash loses no join.
      'member.joined': async (join) => {
        const attributed = await recordAttribution(postgres.db, await batcher.attribute(join));
        await bus.publish('member.attributed', attributed);
      },
      'member.left': (left) => recordLeave(postgres.db, left.guildId, left.userId, left.leftAt),
    });
  },
});

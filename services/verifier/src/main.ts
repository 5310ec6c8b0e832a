import { createDiscordRest } from '@chat-guard/discord';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { connectWithRetry, runService, startPeriodic } from '@chat-guard/runtime';
import type { APIUser } from 'discord-api-types/v10';
import { Routes } from 'discord-api-types/v10';
import { answerVerifyButton } from './answerVerifyButton.ts';
import { answerDiscordCheck } from './discordCheck.ts';
import { isGateSetupError } from './ensureGate.ts';
import { createGateDiscord } from './gateDiscord.ts';
import { admitNewcomer, type GateDeps, memberLeft } from './gatekeeper.ts';
import { GateRedis } from './gateRedis.ts';
import { closeRaidGate, openRaidGate } from './raidGate.ts';
import { sweepOverdue } from './sweepOverdue.ts';
import { VerificationStore } from './verificationStore.ts';
import { verifierEnv } from './verifierEnv.ts';
import { startWebServer } from './webServer.ts';

await runService({
  name: 'verifier',
  defaultHttpPort: 8087,
  env: verifierEnv,
  needs: { postgres: true, redis: true },
  async start({ env, bus, postgres, redis, consume, onShutdown, logger }) {
    const rest = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const discord = createGateDiscord(rest);
    // Discord down at start delays readiness; it does not crash the verifier.
    const stopping = new AbortController();
    onShutdown(async () => stopping.abort());
    const me = (await connectWithRetry(
      `Discord at ${env.DISCORD_API_URL}`,
      () => rest.rest.get(Routes.user('@me')),
      logger,
      stopping.signal,
    )) as APIUser;
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const store = new VerificationStore(postgres.db);
    const guildNames = new Map<string, string>();
    const deps = {
      discord,
      store,
      redis: new GateRedis(redis),
      bus,
      config: (guildId: string) => configs.get(guildId),
      now: Date.now,
      botUserId: me.id,
      secret: env.VERIFY_SECRET,
      publicUrl: env.VERIFY_PUBLIC_URL,
      async tellAdmins(guildId: string, message: string) {
        logger.warn({ guildId, message }, 'told the admins');
        const channel = configs.get(guildId).punishLogChannelId;
        if (channel)
          await discord.sendMessage(channel, { content: message, allowed_mentions: { parse: [] } });
      },
      async guildName(guildId: string) {
        const known = guildNames.get(guildId);
        if (known) return known;
        const name = (await rest.guildSummary(guildId)).name;
        guildNames.set(guildId, name);
        return name;
      },
    } satisfies GateDeps & Record<string, unknown>;

    const web = await startWebServer(deps, {
      host: env.WEB_HOST,
      port: env.WEB_PORT,
      trustProxy: env.TRUST_PROXY,
      onError: (err, what) => logger.error({ err, what }, 'the verify page failed'),
    });
    onShutdown(() => web.close());
    logger.info({ port: web.port, publicUrl: env.VERIFY_PUBLIC_URL }, 'serving the verify page');

    await consume('verifier-gates', {
      'gate.started': async (started) => {
        if (await openRaidGate(store, started))
          logger.info({ guildId: started.guildId, gateId: started.gateId }, 'raid gate open');
      },
      'gate.ended': async (ended) => {
        if (await closeRaidGate(store, ended))
          logger.info({ guildId: ended.guildId, gateId: ended.gateId }, 'raid gate closed');
      },
    });
    await consume('verifier-members', {
      'member.joined': async (join) => {
        const row = await admitNewcomer(deps, join).catch(async (err: unknown) => {
          if (isGateSetupError(err)) await deps.tellAdmins(join.guildId, err.message);
          throw err;
        });
        if (row?.status === 'pending')
          logger.info({ guildId: join.guildId, userId: join.userId }, 'newcomer gated');
      },
      'member.left': async (left) => {
        if ((await memberLeft(deps, left)) > 0)
          logger.info({ guildId: left.guildId, userId: left.userId }, 'a gated member left before passing');
      },
    });
    await consume('verifier-interactions', {
      'interaction.created': async (interaction) => {
        if ((await answerVerifyButton(deps, interaction)) === 'ignored')
          await answerDiscordCheck(deps, interaction);
      },
    });
    const sweep = startPeriodic(
      env.SWEEP_INTERVAL_MS,
      async () => {
        const swept = await sweepOverdue(deps, (err, guildId, userId) =>
          logger.error(
            { err, guildId, userId },
            'could not close an overdue verification; retried next sweep',
          ),
        );
        if (swept.expired > 0 || swept.extendedBy > 0) logger.info(swept, 'overdue verifications swept');
      },
      (err) => logger.error({ err }, 'sweeping overdue verifications failed'),
    );
    onShutdown(() => sweep.stop());
  },
});

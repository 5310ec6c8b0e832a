import { errorMessage } from '@chat-guard/bus';
import { createDiscordRest, observeRest } from '@chat-guard/discord';
import { announcePending, GuildConfigCache, guildsWithPendingAnnouncements } from '@chat-guard/guild-config';
import { outboundPolicy } from '@chat-guard/outbound';
import { EXIT_CONFIG, runService, startPeriodic } from '@chat-guard/runtime';
import { Events } from 'discord.js';
import { answerOwnerRequests } from './answerOwnerRequests.ts';
import { ChannelCursors, storedJoinCursors } from './channelCursors.ts';
import { commandBodies } from './commands/definitions.ts';
import { dashboardChanges } from './dashboardChanges.ts';
import { createDiscordClient } from './discordClient.ts';
import { forwardDiscordEvents, messageCreateInterceptor } from './forwardDiscordEvents.ts';
import { Forwarder } from './forwarder.ts';
import { forwardInteraction } from './forwardInteraction.ts';
import { gatewayEnv } from './gatewayEnv.ts';
import { guardDispatches } from './guardDispatches.ts';
import { answerInteraction } from './handleInteraction.ts';
import { fatalCloseError, loginToDiscord } from './loginToDiscord.ts';
import { discordMemberLookup } from './memberLookup.ts';
import { recoverMissedEvents } from './recoverMissedEvents.ts';
import { sessionRecordingStrategy, storedSessions } from './sessionStore.ts';
import { watchShards } from './shardMetrics.ts';

const ANNOUNCE_SWEEP_INTERVAL_MS = 5_000;

await runService({
  name: 'gateway',
  defaultHttpPort: 8081,
  env: gatewayEnv,
  needs: { postgres: true, redis: true },
  async start({ env, bus, postgres, redis, logger, onShutdown, addReadinessCheck }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const forwarder = new Forwarder(bus, {
      onRetry: (event, attempt, err) =>
        logger.warn({ event, attempt, err: String(err) }, 'publish failed; retrying'),
      onDropped: (event, reason) => logger.error({ event, reason }, 'event dropped'),
    });
    const client = createDiscordClient({
      api: env.DISCORD_API_URL,
      shards: env.SHARDS,
      shardCount: env.SHARD_COUNT,
      // Each shard's session goes to Redis, so the next run can replay what this one missed.
      buildStrategy: sessionRecordingStrategy(redis, (err) =>
        logger.warn({ err: errorMessage(err) }, 'storing the gateway session failed'),
      ),
    });
    observeRest(client.rest);
    watchShards(client);
    const commands = commandBodies();
    const cursors = new ChannelCursors(redis, (err) =>
      logger.warn({ err: errorMessage(err) }, 'storing where each channel was read up to failed'),
    );
    onShutdown(() => cursors.flush());
    guardDispatches(
      client,
      (event, reason) => logger.warn({ event, reason }, 'gateway dispatch dropped'),
      messageCreateInterceptor(client, forwarder, cursors),
    );
    forwardDiscordEvents(client, forwarder, cursors, {
      onGuild: (guild) => {
        guild.commands.set(commands).then(
          () => logger.info({ guildId: guild.id, commands: commands.length }, 'slash commands registered'),
          (err: unknown) =>
            logger.error({ guildId: guild.id, err: String(err) }, 'registering slash commands failed'),
        );
      },
    });
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const deps = {
      db: postgres.db,
      bus,
      configs,
      discord,
      moderation: { members: discordMemberLookup(client), discord },
      guildName: (guildId: string) => client.guilds.cache.get(guildId)?.name ?? 'the server',
      now: Date.now,
      webhooks: { policy: outboundPolicy(env), deploymentSecret: env.ALERT_WEBHOOK_SECRET ?? null },
      onAnnounceDeferred: (guildId: string, err: unknown) =>
        logger.warn(
          { guildId, err: errorMessage(err) },
          'configuration saved; announcing it when NATS answers',
        ),
    };
    // A change committed while NATS was down is announced and audited once it is back.
    const announcer = startPeriodic(
      ANNOUNCE_SWEEP_INTERVAL_MS,
      async () => {
        for (const guildId of await guildsWithPendingAnnouncements(postgres.db)) {
          const audited = await announcePending(postgres.db, bus, guildId);
          logger.info({ guildId, audited }, 'configuration change announced after a delay');
        }
      },
      (err) =>
        logger.warn({ err: errorMessage(err) }, 'announcing saved configuration changes failed; retrying'),
    );
    onShutdown(() => announcer.stop());
    // The dashboard asks for changes to the tables this service owns, and waits for the answer.
    const answering = await answerOwnerRequests(
      bus,
      dashboardChanges(postgres.db, bus, deps.webhooks.policy),
      (name, err) =>
        logger.error({ request: name, err: errorMessage(err) }, 'answering a change request failed'),
    );
    onShutdown(async () => answering.stop());
    client.on(Events.InteractionCreate, (interaction) => {
      forwardInteraction(interaction, forwarder);
      answerInteraction(interaction, deps, (err, what) =>
        logger.error({ err, what }, 'answering an interaction failed'),
      ).catch((err: unknown) => logger.error({ err: String(err) }, 'could not answer an interaction'));
    });
    client.on(Events.ShardReady, (shard) => logger.info({ shard }, 'shard ready'));
    client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'shard resumed'));
    client.on(Events.ShardDisconnect, (event, shard) =>
      logger.warn({ shard, code: event.code }, 'shard disconnected'),
    );
    client.on(Events.Error, (err) => logger.error({ err: err.message }, 'discord.js error'));
    addReadinessCheck({ name: 'discord', check: () => client.isReady() });
    client.on(Events.ShardDisconnect, (event, shard) => {
      const fatal = fatalCloseError(event.code, shard);
      if (!fatal) return;
      logger.fatal({ variable: fatal.variable, shard, code: event.code }, fatal.message);
      process.exit(EXIT_CONFIG);
    });
    // What the previous run left: read before this run's sessions and messages replace it.
    const stale = await storedSessions(redis);
    const lastPublished = await ChannelCursors.stored(redis);
    const lastJoins = await storedJoinCursors(redis);
    client.once(Events.ClientReady, () => {
      recoverMissedEvents(
        client,
        env.DISCORD_TOKEN,
        stale,
        lastPublished,
        lastJoins,
        forwarder,
        cursors,
        logger,
      ).catch((err: unknown) =>
        logger.error({ err: errorMessage(err) }, 'recovering missed gateway events failed'),
      );
    });
    await loginToDiscord(client, env.DISCORD_TOKEN, {
      api: env.DISCORD_API_URL,
      logger,
      deadlineMs: env.DISCORD_CONNECT_DEADLINE_MS,
    });
    onShutdown(async () => {
      await client.destroy();
      while (forwarder.pending > 0) await new Promise((r) => setTimeout(r, 50));
    });
  },
});

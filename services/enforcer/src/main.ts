import { createDiscordRest } from '@chat-guard/discord';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { discordEnv, runService } from '@chat-guard/runtime';
import { enforceVerdict } from './enforceVerdict.ts';
import { liftTimeout } from './liftTimeout.ts';

await runService({
  name: 'enforcer',
  defaultHttpPort: 8085,
  env: discordEnv,
  needs: { postgres: true },
  async start({ env, bus, postgres, consume, onShutdown, logger }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const deps = {
      db: postgres.db,
      discord: createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN }),
      config: (guildId: string) => configs.get(guildId),
      audit: async (entry: Parameters<typeof bus.publish<'audit.recorded'>>[1]) => {
        await bus.publish('audit.recorded', entry);
      },
      now: Date.now,
    };
    await consume('enforcer', {
      'verdict.violation': (verdict) => enforceVerdict(deps, verdict),
      'admin.unmute': (request) => liftTimeout(deps, request),
    });
  },
});

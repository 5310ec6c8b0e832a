import { createDiscordRest } from '@chat-guard/discord';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { discordEnv, runService, startPeriodic } from '@chat-guard/runtime';
import { answerLockdown } from './answerLockdown.ts';
import type { AuditPayload } from './enforceVerdict.ts';
import { enforceVerdict } from './enforceVerdict.ts';
import { onLockdownLifted } from './liftLockdown.ts';
import { liftTimeout } from './liftTimeout.ts';
import type { LockdownAlert } from './lockdownSteps.ts';
import { renewInvitePauses } from './pauseInvites.ts';
import { LockdownReclaimer } from './reclaimLockdowns.ts';
import { startLockdown } from './startLockdown.ts';

/** How often the enforcer looks for invite pauses to renew (a pause lasts 24 hours at most). */
const RENEWAL_INTERVAL_MS = 5 * 60_000;

await runService({
  name: 'enforcer',
  defaultHttpPort: 8085,
  env: discordEnv,
  needs: { postgres: true, redis: true },
  async start({ env, bus, postgres, redis, consume, onShutdown, logger }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const deps = {
      db: postgres.db,
      redis,
      discord: createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN }),
      config: (guildId: string) => configs.get(guildId),
      audit: async (entry: AuditPayload) => {
        await bus.publish('audit.recorded', entry);
      },
      alert: async (alert: LockdownAlert) => {
        await bus.publish('lockdown.alert', alert);
      },
      now: Date.now,
    };
    await consume('enforcer', {
      'verdict.violation': (verdict) => enforceVerdict(deps, verdict),
      'admin.unmute': (request) => liftTimeout(deps, request),
      'lockdown.requested': (request) => startLockdown(deps, request),
      'lockdown.lifted': (lift) => onLockdownLifted(deps, lift),
      'lockdown.answered': (answer) => answerLockdown(deps, answer),
    });

    const reclaimer = new LockdownReclaimer(deps.db, deps.redis);
    const renewal = startPeriodic(
      RENEWAL_INTERVAL_MS,
      async () => {
        const renewed = await renewInvitePauses(deps);
        if (renewed.length > 0) logger.info({ lockdowns: renewed }, 'invite pauses renewed');
        const reclaimed = await reclaimer.run();
        if (reclaimed.length > 0)
          logger.warn(
            { lockdowns: reclaimed },
            'lockdowns the detector had lost (Redis restarted?) handed back to it',
          );
      },
      (err) => logger.error({ err }, 'renewing invite pauses failed'),
    );
    onShutdown(() => renewal.stop());
  },
});

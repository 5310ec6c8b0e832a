import { GuildConfigCache } from '@chat-guard/guild-config';
import { runService } from '@chat-guard/runtime';
import { metrics } from '@opentelemetry/api';
import { GuildInviteCodes } from './guildInviteCodes.ts';
import { judgeMessage } from './judgeMessage.ts';
import { RedisSpamWindowStore } from './redisSpamWindow.ts';

const violations = metrics
  .getMeter('@chat-guard/content-filter')
  .createCounter('chatguard_violations_total', { description: 'Rule violations found, by guard' });

await runService({
  name: 'content-filter',
  defaultHttpPort: 8082,
  needs: { redis: true },
  async start({ bus, redis, consume, onShutdown, logger }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const invites = new GuildInviteCodes(redis);
    const deps = {
      config: (guildId: string) => configs.get(guildId),
      inviteCodes: (guildId: string) => invites.of(guildId),
      spamWindow: new RedisSpamWindowStore(redis),
    };
    const publishVerdict = async (verdict: Awaited<ReturnType<typeof judgeMessage>>) => {
      if (!verdict) return;
      await bus.publish('verdict.violation', verdict);
      for (const violation of verdict.violations) violations.add(1, { guard: violation.type });
    };
    await consume('content-filter', {
      'message.created': async (m) => publishVerdict(await judgeMessage(deps, { kind: 'created', ...m })),
      'message.updated': async (m) => publishVerdict(await judgeMessage(deps, { kind: 'updated', ...m })),
    });
  },
});

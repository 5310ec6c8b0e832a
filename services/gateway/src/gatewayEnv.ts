import { outboundEnvShape } from '@chat-guard/outbound';
import { discordEnv } from '@chat-guard/runtime';
import { z } from 'zod';

const shardList = z
  .string()
  .regex(/^(auto|\d+(,\d+)*)$/, 'must be "auto" or shard ids separated by commas, e.g. 0,1')
  .transform((v) => (v === 'auto' ? ('auto' as const) : v.split(',').map(Number)));

/**
 * The shards of one replica of a StatefulSet: `count` shards split into `replicas` contiguous
 * blocks whose sizes differ by at most one, block `ordinal` for this pod.
 */
export function shardsForOrdinal(ordinal: number, replicas: number, count: number): number[] {
  const first = Math.floor((ordinal * count) / replicas);
  const end = Math.floor(((ordinal + 1) * count) / replicas);
  return Array.from({ length: end - first }, (_, i) => first + i);
}

/** The gateway's environment: which shards this replica runs, out of how many. */
export const gatewayEnv = discordEnv
  .extend({
    SHARDS: shardList.optional(),
    SHARD_COUNT: z
      .string()
      .regex(/^(auto|[1-9]\d*)$/, 'must be "auto" or a whole number')
      .transform((v) => (v === 'auto' ? ('auto' as const) : Number(v)))
      .default('auto'),
    /** Replicas of the gateway StatefulSet; each pod takes its block of shards by ordinal. */
    GATEWAY_REPLICAS: z.coerce.number().int().min(1).max(4096).optional(),
    /** The pod's name (`gateway-2`, from the downward API); HOSTNAME is the same in a StatefulSet. */
    POD_NAME: z.string().optional(),
    HOSTNAME: z.string().optional(),
    /** How long the gateway keeps retrying a Discord it cannot reach at start before it exits 1. */
    DISCORD_CONNECT_DEADLINE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
    /** The deployment's webhook secret, to show a guild its own signing secret in `/lockdown webhook`. */
    ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    ...outboundEnvShape,
  })
  .transform((env, ctx) => {
    const { GATEWAY_REPLICAS: replicas, POD_NAME, HOSTNAME, ...rest } = env;
    const issue = (variable: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [variable], message });
      return z.NEVER;
    };
    if (replicas === undefined) {
      const shards = env.SHARDS ?? 'auto';
      if (
        shards !== 'auto' &&
        (env.SHARD_COUNT === 'auto' || shards.some((id) => id >= Number(env.SHARD_COUNT)))
      )
        return issue(
          'SHARDS',
          'every shard id must be below SHARD_COUNT (set SHARD_COUNT when SHARDS lists ids)',
        );
      return { ...rest, SHARDS: shards };
    }
    if (env.SHARDS !== undefined)
      return issue('SHARDS', 'set SHARDS or GATEWAY_REPLICAS, not both (the pod ordinal picks the shards)');
    if (env.SHARD_COUNT === 'auto' || env.SHARD_COUNT < replicas)
      return issue('SHARD_COUNT', `must be a whole number of at least GATEWAY_REPLICAS (${replicas})`);
    const podName = POD_NAME ?? HOSTNAME;
    const ordinal = /-(\d+)$/.exec(podName ?? '')?.[1];
    if (ordinal === undefined)
      return issue(
        'POD_NAME',
        `must end in the StatefulSet ordinal, e.g. gateway-2 (got ${JSON.stringify(podName ?? '')})`,
      );
    if (Number(ordinal) >= replicas)
      return issue('POD_NAME', `ordinal ${ordinal} is not below GATEWAY_REPLICAS (${replicas})`);
    return { ...rest, SHARDS: shardsForOrdinal(Number(ordinal), replicas, env.SHARD_COUNT) };
  });

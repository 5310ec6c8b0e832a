import { discordEnv } from '@chat-guard/runtime';
import { z } from 'zod';

const shardList = z
  .string()
  .regex(/^(auto|\d+(,\d+)*)$/, 'must be "auto" or shard ids separated by commas, e.g. 0,1')
  .transform((v) => (v === 'auto' ? ('auto' as const) : v.split(',').map(Number)));

/** The gateway's environment: which shards this replica runs, out of how many. */
export const gatewayEnv = discordEnv
  .extend({
    SHARDS: shardList.default('auto'),
    SHARD_COUNT: z
      .string()
      .regex(/^(auto|[1-9]\d*)$/, 'must be "auto" or a whole number')
      .transform((v) => (v === 'auto' ? ('auto' as const) : Number(v)))
      .default('auto'),
  })
  .refine(
    (e) =>
      e.SHARDS === 'auto' ||
      (e.SHARD_COUNT !== 'auto' && e.SHARDS.every((id) => id < (e.SHARD_COUNT as number))),
    {
      message: 'every shard id must be below SHARD_COUNT (set SHARD_COUNT when SHARDS lists ids)',
      path: ['SHARDS'],
    },
  );

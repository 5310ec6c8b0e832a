import { EnvError, parseEnv } from '@chat-guard/runtime';
import { describe, expect, it } from 'vitest';
import { gatewayEnv, shardsForOrdinal } from '../../services/gateway/src/gatewayEnv.ts';

const base = { DISCORD_TOKEN: 'token' };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(gatewayEnv, { ...base, ...env });
  } catch (err) {
    if (err instanceof EnvError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('the gateway environment', () => {
  it('runs every shard Discord recommends when nothing says otherwise', () => {
    expect(parseEnv(gatewayEnv, base).SHARDS).toBe('auto');
  });

  it('runs the listed shards of SHARD_COUNT', () => {
    expect(parseEnv(gatewayEnv, { ...base, SHARDS: '2,3', SHARD_COUNT: '4' }).SHARDS).toEqual([2, 3]);
    expect(problems({ SHARDS: '4', SHARD_COUNT: '4' })).toEqual([
      'SHARDS: every shard id must be below SHARD_COUNT (set SHARD_COUNT when SHARDS lists ids)',
    ]);
  });

  it.each([
    ['gateway-0', [0, 1, 2, 3]],
    ['gateway-1', [4, 5, 6, 7, 8]],
    ['gateway-2', [9, 10, 11, 12, 13]],
  ])('in a StatefulSet of 3 with 14 shards, pod %s takes shards %j', (podName, shards) => {
    const env = parseEnv(gatewayEnv, {
      ...base,
      GATEWAY_REPLICAS: '3',
      SHARD_COUNT: '14',
      POD_NAME: podName,
    });
    expect(env.SHARDS).toEqual(shards);
  });

  it('reads the ordinal from HOSTNAME when POD_NAME is not set', () => {
    const env = parseEnv(gatewayEnv, {
      ...base,
      GATEWAY_REPLICAS: '2',
      SHARD_COUNT: '4',
      HOSTNAME: 'gateway-1',
    });
    expect(env.SHARDS).toEqual([2, 3]);
  });

  it('gives every shard to exactly one pod, whatever the counts', () => {
    for (const replicas of [1, 2, 3, 7, 16])
      for (const count of [replicas, replicas + 1, 2 * replicas + 3, 160]) {
        const taken = Array.from({ length: replicas }, (_, ordinal) =>
          shardsForOrdinal(ordinal, replicas, count),
        );
        expect(taken.flat()).toEqual(Array.from({ length: count }, (_, i) => i));
        const sizes = taken.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it.each([
    [
      { GATEWAY_REPLICAS: '3', SHARD_COUNT: 'auto', POD_NAME: 'gateway-0' },
      /SHARD_COUNT: must be a whole number of at least GATEWAY_REPLICAS \(3\)/,
    ],
    [
      { GATEWAY_REPLICAS: '3', SHARD_COUNT: '2', POD_NAME: 'gateway-0' },
      /SHARD_COUNT: must be a whole number/,
    ],
    [
      { GATEWAY_REPLICAS: '3', SHARD_COUNT: '6', POD_NAME: 'gateway' },
      /POD_NAME: must end in the StatefulSet ordinal/,
    ],
    [
      { GATEWAY_REPLICAS: '3', SHARD_COUNT: '6', POD_NAME: 'gateway-3' },
      /POD_NAME: ordinal 3 is not below GATEWAY_REPLICAS \(3\)/,
    ],
    [
      { GATEWAY_REPLICAS: '3', SHARD_COUNT: '6', POD_NAME: 'gateway-0', SHARDS: '0' },
      /SHARDS: set SHARDS or GATEWAY_REPLICAS, not both/,
    ],
    [{ GATEWAY_REPLICAS: 'three', SHARD_COUNT: '6', POD_NAME: 'gateway-0' }, /GATEWAY_REPLICAS/],
  ])('refuses %j, naming the variable', (env, pattern) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(pattern);
  });
});

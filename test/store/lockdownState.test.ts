import {
  connectRedis,
  NO_LOCKDOWN,
  readLockdownState,
  readLockdownStates,
  redisKeys,
  UnreadableLockdownStateError,
} from '@chat-guard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueNamespace } from '../support/bus.ts';

const redis = connectRedis(
  process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  'state-test',
  uniqueNamespace(),
);
afterAll(async () => {
  await redis.quit();
});

const GOOD = '1100000000000000001';
const BROKEN = '1100000000000000002';

describe('the shared lockdown record', () => {
  it('reads a missing record as no lockdown, and a partial one with its defaults', async () => {
    expect(await readLockdownState(redis, '1100000000000000009')).toEqual(NO_LOCKDOWN);
    await redis.set(redisKeys.lockdownState(GOOD), JSON.stringify({ lockdownId: 'L1', since: 5 }));
    expect(await readLockdownState(redis, GOOD)).toEqual({ ...NO_LOCKDOWN, lockdownId: 'L1', since: 5 });
  });

  it.each([
    ['not JSON', '{lockdownId: L1', /not JSON/],
    ['the wrong shape', JSON.stringify({ lockdownId: 42 }), /lockdownId/],
  ])('is an error naming the guild when it is %s, never "no lockdown"', async (_what, raw, reason) => {
    await redis.set(redisKeys.lockdownState(BROKEN), raw);
    const read = readLockdownState(redis, BROKEN);
    await expect(read).rejects.toBeInstanceOf(UnreadableLockdownStateError);
    await expect(readLockdownState(redis, BROKEN)).rejects.toThrow(reason);
    await expect(readLockdownStates(redis, [GOOD, BROKEN])).rejects.toThrow(new RegExp(`guild ${BROKEN}`));
  });
});

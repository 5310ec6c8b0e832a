import { randomInt } from 'node:crypto';
import { connectRedis, NO_LOCKDOWN, readLockdownState, swapLockdownState } from '@chat-guard/store';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockdownReclaimer } from '../../services/enforcer/src/reclaimLockdowns.ts';
import { uniqueNamespace } from '../support/bus.ts';
import { insertLockdown } from '../support/lockdowns.ts';
import { migratedDatabase } from '../support/postgres.ts';

const redis = connectRedis(
  process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  'reclaim-test',
  uniqueNamespace(),
);
afterAll(() => redis.quit());
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeEach(async () => {
  database = await migratedDatabase();
});
afterEach(() => database.close());

async function activeLockdown(status: 'active' | 'lifted' = 'active') {
  const guildId = String(1_100_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)));
  const startedAt = new Date(Date.now() - 20 * 60_000);
  const id = await insertLockdown(database.db, { guildId, startedAt: startedAt.getTime(), status });
  return { id, guildId, startedAt };
}

describe('lockdowns the detector lost track of', () => {
  it('are handed back to the detector once seen orphaned twice, from their start', async () => {
    const orphan = await activeLockdown();
    const tracked = await activeLockdown();
    await swapLockdownState(redis, tracked.guildId, null, {
      ...NO_LOCKDOWN,
      lockdownId: tracked.id,
      since: 1,
    });
    const lifted = await activeLockdown('lifted');
    const reclaimer = new LockdownReclaimer(database.db, redis);

    expect(await reclaimer.run()).toEqual([]); // a lift may be on its way: wait a run
    expect((await readLockdownState(redis, orphan.guildId)).lockdownId).toBeNull();
    expect(await reclaimer.run()).toEqual([orphan.id]);
    expect(await readLockdownState(redis, orphan.guildId)).toEqual({
      lockdownId: orphan.id,
      since: orphan.startedAt.getTime(),
      holdUntil: null,
      suppressedUntil: null,
      endedAt: null,
    });
    expect((await readLockdownState(redis, tracked.guildId)).since).toBe(1);
    expect((await readLockdownState(redis, lifted.guildId)).lockdownId).toBeNull();
    expect(await reclaimer.run()).toEqual([]);
  });

  it('leaves one alone that was lifted between two runs', async () => {
    const orphan = await activeLockdown();
    const reclaimer = new LockdownReclaimer(database.db, redis);
    await reclaimer.run();
    await database.db.updateTable('lockdown').set({ status: 'lifted' }).where('id', '=', orphan.id).execute();
    expect(await reclaimer.run()).toEqual([]);
    expect((await readLockdownState(redis, orphan.guildId)).lockdownId).toBeNull();
  });
});

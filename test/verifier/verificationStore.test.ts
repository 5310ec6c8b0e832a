import type { EventBus } from '@chat-guard/bus';
import { defaultGuildConfig } from '@chat-guard/events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateDiscord } from '../../services/verifier/src/gateDiscord.ts';
import type { GateDeps } from '../../services/verifier/src/gatekeeper.ts';
import { GateRedis } from '../../services/verifier/src/gateRedis.ts';
import { AWAY_AFTER_MS, sweepOverdue } from '../../services/verifier/src/sweepOverdue.ts';
import { VerificationStore } from '../../services/verifier/src/verificationStore.ts';
import { uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';

// A verifier that was down must not lock anybody out: the time it was away is given back.

let database: Awaited<ReturnType<typeof migratedDatabase>>;
let redis: Redis;
const acted: string[] = [];

beforeAll(async () => {
  database = await migratedDatabase();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    keyPrefix: `${uniqueNamespace()}:`,
  });
});
afterAll(async () => {
  await redis?.quit();
  await database?.close();
});

function deps(now: number): GateDeps {
  // Nothing may be kicked or published here: any call is a failure of the test.
  const refuse = (what: string) => () => {
    acted.push(what);
    throw new Error(`${what} was not expected`);
  };
  return {
    discord: { kickMember: refuse('kick') } as unknown as GateDiscord,
    store: new VerificationStore(database.db),
    redis: new GateRedis(redis),
    bus: { publish: refuse('publish') } as unknown as EventBus,
    config: () => defaultGuildConfig(),
    now: () => now,
    botUserId: '1',
    tellAdmins: refuse('tell'),
  };
}

const fail = (err: unknown) => {
  throw err;
};

describe('sweeping overdue verifications', () => {
  it('moves pending deadlines later by the time no sweep ran, instead of expiring them', async () => {
    const start = Date.UTC(2026, 0, 1);
    const store = new VerificationStore(database.db);
    const key = { guildId: '10', userId: '20', joinedAt: start };
    await store.recordVerification(key, {
      status: 'pending',
      reasons: ['always'],
      gateId: null,
      deadlineAt: new Date(start + 30 * 60_000),
    });
    await sweepOverdue(deps(start + 60_000), fail);
    // Every replica down for 45 minutes: the deadline passed meanwhile.
    const back = start + 46 * 60_000;
    const swept = await sweepOverdue(deps(back), fail);
    expect(swept).toEqual({ expired: 0, extendedBy: 45 * 60_000 });
    expect(acted).toEqual([]);
    const row = await store.find(key);
    expect(row?.status).toBe('pending');
    expect(row?.deadline_at?.getTime()).toBe(start + 75 * 60_000);
    // An ordinary gap between sweeps gives nothing back.
    expect(await sweepOverdue(deps(back + AWAY_AFTER_MS / 2), fail)).toEqual({ expired: 0, extendedBy: 0 });
  });
});

describe('the raid gate a guild is under', () => {
  it('opens and closes by gate id; a late start of an ended gate, or an older one, changes nothing', async () => {
    const store = new VerificationStore(database.db);
    const guild = '30';
    const t = Date.UTC(2026, 0, 2);
    expect(await store.openRaidGate(guild, `${guild}-${t}`, new Date(t))).toBe(true);
    expect(await store.openRaidGate(guild, `${guild}-${t - 5000}`, new Date(t - 5000))).toBe(false);
    expect(await store.endRaidGate(guild, `${guild}-${t - 5000}`)).toBe(false);
    expect((await store.guild(guild))?.gate_id).toBe(`${guild}-${t}`);
    expect(await store.endRaidGate(guild, `${guild}-${t}`)).toBe(true);
    expect(await store.openRaidGate(guild, `${guild}-${t}`, new Date(t))).toBe(false);
    expect((await store.guild(guild))?.gate_id).toBeNull();
    expect(await store.openRaidGate(guild, `${guild}-${t + 1}`, new Date(t + 1))).toBe(true);
  });
});

import type { InviteSnapshot } from '@chat-guard/discord';
import {
  AttributionStore,
  InviteSnapshots,
  JoinBatcher,
  type MemberJoined,
} from '@chat-guard/invite-tracker';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const store = new AttributionStore(redis);
const guildId = String(1_200_000_000_000_000_000n + BigInt(process.pid));
afterAll(async () => {
  await store.clear(guildId);
  redis.disconnect();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A guild's invites behind a slow listing that records how many listings overlap. */
function slowDiscord(latencyMs: number) {
  const invite: InviteSnapshot = {
    code: 'one',
    channelId: null,
    inviterId: '42',
    uses: 0,
    maxUses: 0,
    expiresAt: null,
  };
  const fake = {
    uses: 0,
    calls: 0,
    inFlight: 0,
    maxInFlight: 0,
    async listInvites(): Promise<InviteSnapshot[]> {
      fake.calls++;
      fake.inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      const uses = fake.uses;
      await sleep(latencyMs);
      fake.inFlight--;
      return [{ ...invite, uses }];
    },
  };
  return { fake, invite };
}

let userSeq = 0n;
function joined(): MemberJoined {
  userSeq++;
  return {
    guildId,
    userId: String(1_300_000_000_000_000_000n + userSeq),
    username: `u${userSeq}`,
    globalName: null,
    avatar: null,
    bot: false,
    joinedAt: Date.now(),
  };
}

describe('the join batcher', () => {
  it('keeps one listing per guild in flight and attributes the joins that came during it with the next', async () => {
    await store.clear(guildId);
    const { fake, invite } = slowDiscord(80);
    await new InviteSnapshots(redis).replace(guildId, [invite], null, Date.now() - 10_000);
    const batcher = new JoinBatcher({ discord: fake, store, settleMs: 50 });
    const pending = [];
    for (let i = 0; i < 30; i++) {
      const join = joined();
      fake.uses++;
      pending.push(batcher.attribute(join));
      await sleep(10);
    }
    const attributions = await Promise.all(pending);
    expect(fake.maxInFlight).toBe(1);
    expect(fake.calls).toBeGreaterThan(1);
    expect(fake.calls).toBeLessThanOrEqual(5);
    for (const a of attributions)
      expect(a).toMatchObject({ confidence: 'exact', inviteCode: 'one', inviterId: '42' });
  });

  it('fetches at once when a full batch waits', async () => {
    await store.clear(guildId);
    const { fake, invite } = slowDiscord(0);
    await new InviteSnapshots(redis).replace(guildId, [invite], null, Date.now() - 10_000);
    const batcher = new JoinBatcher({ discord: fake, store, settleMs: 10_000, maxBatch: 4 });
    const joins = [1, 2, 3, 4].map(() => joined());
    fake.uses += 4;
    const started = Date.now();
    await Promise.all(joins.map((j) => batcher.attribute(j)));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.calls).toBe(1);
  });

  it('answers a bot at once, without a listing', async () => {
    const { fake } = slowDiscord(0);
    const batcher = new JoinBatcher({ discord: fake, store });
    expect(await batcher.attribute({ ...joined(), bot: true })).toMatchObject({
      confidence: 'unknown',
      reason: 'bot',
    });
    expect(fake.calls).toBe(0);
  });
});

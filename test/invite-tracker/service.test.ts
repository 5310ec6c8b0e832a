import { createCampaign } from '@chat-guard/campaigns';
import type { EventPayload } from '@chat-guard/events';
import { attributionKeys } from '@chat-guard/invite-tracker';
import { DeliverPolicy } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import { type System, startSystem } from '../support/system.ts';

let system: System;
let guildId: string;
let redis: Redis;
const attributed: EventPayload<'member.attributed'>[] = [];

beforeAll(async () => {
  const started = Date.now();
  system = await startSystem({ sandbox: { guilds: [{ members: 5 }], seed: 77 } });
  guildId = system.sandbox.guilds[0] ?? '';
  // The services prefix their Redis keys with the namespace.
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: `${system.namespace}:` });
  await Promise.all([system.start('gateway'), system.start('invite-tracker')]);
  // Only member.attributed is published on SIGNALS so far (this NATS takes no subject filters here).
  const consumer = await system.bus.js.consumers.get(system.bus.ns.stream('SIGNALS'), {
    deliver_policy: DeliverPolicy.All,
  });
  void (async () => {
    for await (const msg of await consumer.consume()) {
      attributed.push(msg.json<EventPayload<'member.attributed'>>());
    }
  })();
  // Wait for this run's rebuild of the snapshot.
  await waitFor(
    async () => Number((await redis.get(attributionKeys.rebuiltAt(guildId))) ?? 0) >= started,
    'the snapshot',
    30_000,
  );
  // Joins within the clock-skew margin of a rebuild count as from before it.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}, 90_000);
afterAll(async () => {
  await system?.stop();
  redis?.disconnect();
});

describe('the invite-tracker service', () => {
  it('publishes member.attributed for every join, with the invite and the account age', async () => {
    const invite = system.sandbox.users.createInvite({ guildId, maxAge: 0 });
    const createdAt = Date.now() - 3 * 86_400_000;
    const users = [1, 2, 3].map(
      () => system.sandbox.users.addMember({ guildId, inviteCode: invite.code, user: { createdAt } }).user,
    );
    await waitFor(() => attributed.length >= 3, 'three attributions', 20_000);
    expect(attributed.map((a) => a.userId).sort()).toEqual(users.map((u) => u.id).sort());
    for (const a of attributed) {
      expect(a).toMatchObject({
        guildId,
        confidence: 'exact',
        inviteCode: invite.code,
        inviterId: invite.inviterId,
        campaign: null,
      });
      expect(Math.abs(a.accountAgeMs - 3 * 86_400_000)).toBeLessThan(5_000);
    }
  });

  it('credits a campaign with its exact joins, records them in the join history, and notes who left', async () => {
    const invite = system.sandbox.users.createInvite({ guildId, maxAge: 0 });
    await createCampaign(system.database.db, {
      guildId,
      name: 'Winter',
      inviteCode: invite.code,
      channelId: invite.channelId,
      createdBy: '1300000000000000007',
    });
    const before = attributed.length;
    const { user } = system.sandbox.users.addMember({ guildId, inviteCode: invite.code });
    await waitFor(() => attributed.length > before, 'the attribution', 20_000);
    expect(attributed.at(-1)).toMatchObject({ userId: user.id, confidence: 'exact', campaign: 'Winter' });
    const row = () =>
      system.database.db
        .selectFrom('member_join')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirst();
    expect(await row()).toMatchObject({ invite_code: invite.code, confidence: 'exact', left_at: null });
    expect((await row())?.campaign_id).not.toBeNull();

    system.sandbox.users.removeMember(guildId, user.id);
    await waitFor(async () => (await row())?.left_at != null, 'the leave in the join history', 20_000);
  });
});

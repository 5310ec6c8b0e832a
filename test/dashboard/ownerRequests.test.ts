import { topology } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { outboundPolicy } from '@chat-guard/outbound';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { askOwner } from '../../services/dashboard/src/askOwner.ts';
import { answerOwnerRequests } from '../../services/gateway/src/answerOwnerRequests.ts';
import { dashboardChanges } from '../../services/gateway/src/dashboardChanges.ts';
import { busFactory, nextSnowflake, uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';

const buses = busFactory(uniqueNamespace(), topology);
let database: Awaited<ReturnType<typeof migratedDatabase>>;
beforeAll(async () => {
  database = await migratedDatabase();
  await (await buses.open('provision')).provision();
}, 60_000);
afterAll(async () => {
  await buses.cleanup();
  await database.close();
});

const by = { userId: '200000000000000001', username: 'owner' };

it('says a change is unconfirmed, not saved, when the gateway does not answer', async () => {
  const dashboard = await buses.open('dashboard');
  const guildId = nextSnowflake();
  const answer = await askOwner(
    dashboard,
    'guild-config.update',
    { guildId, settings: { spamThreshold: 8 }, by, via: 'settings', at: Date.now() },
    500,
  );
  expect(answer).toMatchObject({ ok: false, code: 'unconfirmed' });
  expect((await loadGuildConfig(database.db, guildId)).revision).toBe(0);
});

it('has the gateway store a change it confirms, and refuse a bad one or an inward webhook URL naming the field', async () => {
  const [dashboard, gateway] = [await buses.open('dashboard'), await buses.open('gateway')];
  const answering = await answerOwnerRequests(
    gateway,
    dashboardChanges(
      database.db,
      gateway,
      outboundPolicy({ ALLOW_HTTP_WEBHOOKS: false, WEBHOOK_ALLOW_LIST: '' }),
    ),
    (name, err) => {
      throw new Error(`${name}: ${String(err)}`);
    },
  );
  try {
    const guildId = nextSnowflake();
    const saved = await askOwner(dashboard, 'guild-config.update', {
      guildId,
      settings: { spamThreshold: 8 },
      by,
      via: 'settings',
      at: Date.now(),
    });
    expect(saved).toMatchObject({ ok: true, result: { revision: 1, changes: ['spamThreshold: 3 → 8'] } });
    expect((await loadGuildConfig(database.db, guildId)).config.spamThreshold).toBe(8);

    const refused = await askOwner(dashboard, 'guild-config.update', {
      guildId,
      settings: { spamThreshold: 'lots' },
      by,
      via: 'settings',
      at: Date.now(),
    });
    expect(refused).toMatchObject({ ok: false, code: 'invalid', errors: [{ field: 'spamThreshold' }] });
    expect(await loadGuildConfig(database.db, guildId)).toMatchObject({ revision: 1 });

    const ended = await askOwner(dashboard, 'campaign.end', {
      guildId,
      campaignId: '00000000-0000-0000-0000-000000000000',
      by,
      at: Date.now(),
    });
    expect(ended).toMatchObject({ ok: false, code: 'not-found' });

    // The webhook URL is screened as the slash command screens it, the reason shown by the field.
    for (const [url, reason] of [
      ['https://127.0.0.1/hook', /loopback/],
      ['https://169.254.169.254/latest', /link-local|metadata/],
      ['http://example.com/hook', /https/],
    ] as const) {
      const answer = await askOwner(dashboard, 'guild-config.update', {
        guildId,
        settings: {
          lockdown: { ...(await loadGuildConfig(database.db, guildId)).config.lockdown, webhookUrl: url },
        },
        by,
        via: 'settings',
        at: Date.now(),
      });
      expect(answer).toMatchObject({
        ok: false,
        code: 'invalid',
        errors: [{ field: 'lockdown.webhookUrl' }],
      });
      const shown = answer.ok ? '' : (('errors' in answer ? answer.errors?.[0]?.message : '') ?? '');
      expect(shown).toMatch(reason);
    }
    expect(await loadGuildConfig(database.db, guildId)).toMatchObject({ revision: 1 });
  } finally {
    answering.stop();
  }
});
